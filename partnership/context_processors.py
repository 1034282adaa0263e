from partnership import permissions


def navigation(request):
    """The partnerships in the header menu, for the signed-in user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_partnerships": lambda: list(permissions.visible_partnerships(user).only("name", "slug")),
    }
