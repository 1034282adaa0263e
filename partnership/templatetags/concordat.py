"""Template filters for money, financial years and GOV.UK markup."""

from decimal import Decimal

from django import template
from django.utils.html import format_html

from partnership import dates

register = template.Library()


@register.filter
def money(value, pence=True):
    """£1,234.56 (or £1,235 with ``pence=False``); negative amounts as −£1,234.56."""
    if value is None or value == "":
        return "—"
    amount = Decimal(value)
    sign = "−" if amount < 0 else ""
    amount = abs(amount)
    text = f"{amount:,.2f}" if pence else f"{amount.quantize(Decimal('1')):,}"
    return f"{sign}£{text}"


@register.filter
def financial_year(value):
    """2018 -> '2018/19'; a date -> the financial year it falls in."""
    if value is None or value == "":
        return "—"
    if isinstance(value, int):
        return dates.financial_year_label(value)
    return dates.financial_year_of(value)


@register.filter
def percent(value, places=1):
    if value is None:
        return "—"
    return f"{Decimal(value):.{int(places)}f}%"


@register.simple_tag
def status_tag(value, label=None):
    """A GOV.UK tag coloured by the status it shows."""
    colours = {
        "draft": "grey",
        "to_be_developed": "grey",
        "planned": "grey",
        "proposed": "grey",
        "shadow": "purple",
        "in_negotiation": "yellow",
        "awaiting_signature": "orange",
        "under_review": "orange",
        "not_recorded": "orange",
        "in_force": "green",
        "agreed": "green",
        "active": "green",
        "paid": "green",
        "held": "green",
        "minutes_approved": "green",
        "done": "green",
        "expired": "red",
        "terminated": "red",
        "dissolved": "red",
        "cancelled": "red",
        "overdue": "red",
    }
    colour = colours.get(str(value), "blue")
    return format_html(
        '<strong class="govuk-tag govuk-tag--{}">{}</strong>',
        colour,
        label or str(value).replace("_", " "),
    )


@register.simple_tag(takes_context=True)
def query_with(context, *pairs, **kwargs):
    """The current query string with some parameters replaced (``None`` removes one): by
    keyword, or as name and value in turn (a name held in a variable)."""
    query = context["request"].GET.copy()
    for key, value in [*zip(pairs[::2], pairs[1::2], strict=True), *kwargs.items()]:
        if value is None:
            query.pop(key, None)
        else:
            query[key] = str(value)
    return query.urlencode()
