"""Sessions end on the server: after 30 minutes idle, and 12 hours after sign-in whatever is done."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory

IDLE_MESSAGE = "You were signed out after 30 minutes of inactivity"
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def limits(settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    settings.SESSION_TIMEOUT_WARNING = 120
    settings.SESSION_COOKIE_AGE = 12 * 60 * 60
    return settings


@pytest.fixture
def clock():
    """The test's clock, stopped so that it moves only when the test shifts it."""
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


@pytest.fixture
def signed_in(client, db, limits, clock):
    client.force_login(UserFactory(username="officer"))
    assert client.get(reverse("home")).status_code == 200
    return client


def seconds_remaining_on(page):
    return int(re.search(rb'data-seconds-remaining="(\d+)"', page.content).group(1))


def test_idle_session_is_signed_out_after_the_limit_with_a_message_on_the_login_page(signed_in, clock):
    clock.shift(timedelta(minutes=30, seconds=1))
    response = signed_in.get(reverse("reminder_list"))
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={reverse('reminder_list')}"

    login_page = signed_in.get(response.url)
    assert IDLE_MESSAGE in login_page.content.decode()
    assert not login_page.wsgi_request.user.is_authenticated


def test_signing_out_after_the_time_out_lands_on_the_login_page(signed_in, clock):
    clock.shift(timedelta(minutes=31))
    response = signed_in.post(reverse("logout"), follow=True)
    assert response.redirect_chain == [(reverse("login"), 302)]
    assert IDLE_MESSAGE in response.content.decode()


def test_activity_within_the_limit_keeps_the_session(signed_in, clock):
    for _ in range(3):
        clock.shift(timedelta(minutes=29))
        assert signed_in.get(reverse("home")).status_code == 200


def test_a_page_tells_the_browser_how_many_seconds_are_left(signed_in, clock):
    page = signed_in.get(reverse("home"))
    assert seconds_remaining_on(page) == 30 * 60
    assert b'data-warning-seconds="120"' in page.content
    assert b'role="alertdialog"' in page.content


def test_polling_the_session_does_not_count_as_activity(signed_in, clock):
    clock.shift(timedelta(minutes=20))
    status = signed_in.get(reverse("session_status"), **JSON)
    assert status.json() == {"seconds_remaining": 10 * 60}
    assert status["Cache-Control"].startswith("max-age=0") or "no-store" in status["Cache-Control"]

    clock.shift(timedelta(minutes=10, seconds=1))
    assert signed_in.get(reverse("session_status"), **JSON).json() == {"seconds_remaining": 0}
    assert IDLE_MESSAGE in signed_in.get(reverse("login")).content.decode()


def test_stay_signed_in_refreshes_the_session(signed_in, clock):
    clock.shift(timedelta(minutes=29))
    response = signed_in.post(reverse("session_extend"), **JSON)
    assert response.json() == {"seconds_remaining": 30 * 60}

    clock.shift(timedelta(minutes=29))
    assert signed_in.get(reverse("home")).status_code == 200


def test_stay_signed_in_without_javascript_goes_back_to_the_page(signed_in, clock):
    clock.shift(timedelta(minutes=29))
    response = signed_in.post(reverse("session_extend"), {"next": reverse("reminder_list")})
    assert response.status_code == 302 and response.url == reverse("reminder_list")

    elsewhere = signed_in.post(reverse("session_extend"), {"next": "https://elsewhere.example/"})
    assert elsewhere.url == reverse("home")


def test_stay_signed_in_needs_the_csrf_token(db, limits, clock):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(username="officer"))
    assert client.post(reverse("session_extend"), **JSON).status_code == 403


def test_maximum_session_age_applies_even_with_activity(signed_in, clock):
    for _ in range(12 * 60 // 25):
        clock.shift(timedelta(minutes=25))
        assert signed_in.get(reverse("home")).status_code == 200
    page = signed_in.get(reverse("home"))
    assert seconds_remaining_on(page) == 12 * 60 * 60 - 12 * 60 // 25 * 25 * 60

    clock.shift(timedelta(minutes=25))
    response = signed_in.get(reverse("home"))
    assert response.status_code == 302
    message = "You were signed out because you had been signed in for 12 hours"
    assert message in signed_in.get(response.url).content.decode()


def test_stay_signed_in_cannot_pass_the_maximum_age(signed_in, clock, limits):
    limits.SESSION_COOKIE_AGE = 60 * 60
    clock.shift(timedelta(minutes=29))
    assert signed_in.post(reverse("session_extend"), **JSON).json() == {"seconds_remaining": 30 * 60}
    clock.shift(timedelta(minutes=29))
    assert signed_in.post(reverse("session_extend"), **JSON).json() == {"seconds_remaining": 2 * 60}


def test_cookies_carry_no_expiry_date_so_the_server_alone_decides(client, db, limits):
    UserFactory(username="officer")
    client.get(reverse("login"))
    response = client.post(reverse("login"), {"username": "officer", "password": "password"})
    assert response.status_code == 302
    session_cookie = response.cookies["sessionid"]
    assert not session_cookie["expires"] and not session_cookie["max-age"]
    csrf_cookie = client.cookies["csrftoken"]
    assert not csrf_cookie["expires"] and not csrf_cookie["max-age"]


def test_the_login_page_says_when_people_are_signed_out_without_javascript(client, db, limits):
    page = client.get(reverse("login")).content.decode()
    assert "we sign you out after 30 minutes of inactivity" in page
    assert "session-timeout" not in page


# --- In Chromium -----------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_warning_appears_and_stay_signed_in_keeps_the_person_signed_in(
    live_server, page, login, axe, settings
):
    settings.SESSION_IDLE_TIMEOUT = 37  # the warning shows after 2 seconds
    settings.SESSION_TIMEOUT_WARNING = 35
    UserFactory(username="officer")
    # The server's clock runs from the test's date; the browser counts down in real seconds.
    with time_machine.travel(timezone.now(), tick=True) as server_clock:
        login("officer")
        warning = page.get_by_role("alertdialog", name="You’re about to be signed out")
        warning.wait_for(timeout=15_000)
        assert "we will sign you out in" in warning.inner_text()
        assert axe(page) == []

        page.get_by_role("button", name="Stay signed in").click()
        warning.wait_for(state="hidden")
        # 35 seconds on the server: past the first 37 had "Stay signed in" not been pressed.
        server_clock.shift(35)
        page.reload()
        assert page.get_by_role("button", name=re.compile("^Sign out")).first.is_visible()
        assert page.locator("h1").inner_text().startswith("Welcome")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_site_administrator_is_warned_in_the_django_admin_too(live_server, page, login, axe, settings):
    settings.SESSION_IDLE_TIMEOUT = 37
    settings.SESSION_TIMEOUT_WARNING = 35
    UserFactory(username="siteadmin", is_staff=True, is_superuser=True)
    with time_machine.travel(timezone.now(), tick=True) as server_clock:
        login("siteadmin")
        page.goto(f"{live_server.url}/admin/partnership/organisation/")
        warning = page.get_by_role("alertdialog", name="You’re about to be signed out")
        warning.wait_for(timeout=15_000)
        assert "we will sign you out in" in warning.inner_text()
        # In the admin's own look: its stylesheet is served and applied (no bare browser dialog).
        assert warning.evaluate("node => getComputedStyle(node).maxWidth") == "512px"
        assert axe(page) == []

        page.get_by_role("button", name="Stay signed in").click()
        warning.wait_for(state="hidden")
        server_clock.shift(35)
        page.reload()
        assert page.url.endswith("/admin/partnership/organisation/")
        assert page.locator("h1").inner_text().startswith("Select")
