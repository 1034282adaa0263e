"""Browser tabs for the committee journeys: each person signs in in their own context."""


def sign_in(context, live_server, user):
    """A new tab in ``context`` (a Playwright browser context) signed in as ``user``."""
    context.set_default_timeout(15000)
    tab = context.new_page()
    tab.goto(f"{live_server.url}/accounts/login/")
    tab.fill("#id_username", user.username)
    tab.fill("#id_password", "password")
    tab.click("button:has-text('Sign in')")
    return tab


def without_javascript(browser, live_server, user):
    """A tab signed in as ``user`` in a new context with JavaScript switched off."""
    return sign_in(browser.new_context(java_script_enabled=False), live_server, user)
