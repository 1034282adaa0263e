"""Formatted text in agreements: what HTML is kept, and how plain text is shown."""

import html
import re

import nh3
from django.utils.html import escape, linebreaks
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


#: Stored text that is only paragraphs and line breaks, which a text box can show as plain text.
_SIMPLE_MARKUP = re.compile(r"</?p>|<br\s*/?>", re.IGNORECASE)


def as_editable(value):
    """What the edit box shows for a stored section.

    Text that is only paragraphs is shown as plain text (``&`` not ``&amp;``, no
    ``<p>``), paragraphs separated by a blank line; text with other formatting
    is shown as the HTML it is, so saving it unchanged loses nothing.
    """
    if not value:
        return ""
    if "<" in _SIMPLE_MARKUP.sub("", value):
        return value
    paragraphs = re.split(r"</p>\s*", re.sub(r"^\s*<p>", "", value.strip(), flags=re.IGNORECASE))
    text = "\n\n".join(
        re.sub(r"<br\s*/?>", "\n", re.sub(r"</?p>", "", p, flags=re.IGNORECASE), flags=re.IGNORECASE).strip()
        for p in paragraphs
        if p.strip()
    )
    text = html.unescape(text)
    # Text that reads as a tag once unescaped would be taken for formatting when saved.
    return value if "<" in text else text


def from_editable(value):
    """A section as typed into its edit box, as formatted text: plain text (no tags)
    becomes escaped paragraphs; text with tags is kept for :func:`sanitise`."""
    text = (value or "").replace("\r\n", "\n").strip()
    if not text or "<" in text:
        return text
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)
