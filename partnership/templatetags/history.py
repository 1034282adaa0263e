"""``{% load history %}``: who last changed a record, for the line under its title."""

from django import template

from partnership import history

register = template.Library()


@register.simple_tag(takes_context=True)
def last_change(context, obj):
    """The newest change to ``obj`` the person may read (:func:`partnership.history.last_change`)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return history.last_change(obj, user if user is not None and user.is_authenticated else None)
