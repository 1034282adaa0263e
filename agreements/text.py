"""Formatted text in agreements: what HTML is kept, and how plain text is shown."""

import nh3
from django.utils.html import linebreaks
from django.utils.safestring import mark_safe

#: Basic formatting only: no scripts, styles, images, forms or event handlers.
ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "ul",
    "ol",
    "li",
    "h3",
    "h4",
    "blockquote",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def sanitise(value):
    """The formatted text ``value`` with everything but basic formatting removed."""
    if not value:
        return value or ""
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    ).strip()


def as_html(value):
    """Safe HTML for a stored section: sanitised again; plain text given paragraphs.

    Sanitised text is already HTML (``&`` is stored as ``&amp;``), so plain text
    is not escaped a second time.
    """
    cleaned = sanitise(value)
    if not cleaned:
        return ""
    if "<" not in cleaned:
        return mark_safe(linebreaks(cleaned, autoescape=False))  # noqa: S308 - sanitised
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3
