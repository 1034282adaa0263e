"""``{% load audit %}``: links into the audit pages from any app's templates."""

from django import template
from django.urls import NoReverseMatch, reverse

from partnership import audit, permissions

register = template.Library()


@register.simple_tag(takes_context=True)
def as_of_url(context, obj):
    """The "as it stood on" page for ``obj`` in the current (or its own) partnership, or "" when
    the person may not read the record's content (a withheld interest, exempt business): that
    page shows every field, so it would refuse them."""
    if obj is None or getattr(obj, "pk", None) is None:
        return ""
    if type(obj) not in audit.tracked_models():
        return ""
    request = context.get("request")
    if request is not None and not permissions.can_read(request.user, obj):
        return ""
    partnership = context.get("partnership")
    if partnership is None:
        try:
            partnership = obj.get_partnership()
        except Exception:  # noqa: BLE001 - records outside a partnership have no page here
            return ""
    if partnership is None:
        return ""
    try:
        return reverse(
            "audit:as_of",
            kwargs={
                "partnership": partnership.slug,
                "app_label": obj._meta.app_label,
                "model": obj._meta.model_name,
                "pk": obj.pk,
            },
        )
    except NoReverseMatch:
        return ""


@register.filter
def as_of_kind(obj):
    return str(obj._meta.verbose_name)
