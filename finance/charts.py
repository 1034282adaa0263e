"""Charts as inline SVG: drawn on the server, so they need no JavaScript.

Each function returns the geometry a template draws, with a title and a
description that say in words what the chart shows; the page also gives
the same figures as a table.
"""

from decimal import Decimal

from finance.choices import FINANCIAL_MONTHS
from partnership.templatetags.concordat import money

#: Colours from the GOV.UK palette, distinguishable in greyscale order.
PALETTE = ["#1d70b8", "#f47738", "#00703c", "#4c2c92", "#d4351c", "#28a197", "#912b88", "#85994b"]


def _scale(maximum):
    """A round top for an axis at or above ``maximum``."""
    maximum = Decimal(maximum)
    if maximum <= 0:
        return Decimal(1)
    magnitude = Decimal(10) ** (len(str(int(maximum))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        top = magnitude * Decimal(str(step))
        if top >= maximum:
            return top
    return magnitude * 10


def contributions_chart(figures, *, width=640):
    """Horizontal bars: each body's contribution in one year."""
    items = [(body, amount) for body, amount in figures.contributions.items()]
    label_width, bar_height, gap, top_pad = 190, 26, 12, 10
    plot_width = width - label_width - 175
    top = _scale(max((a for _, a in items), default=0))
    total = figures.total_contributions
    bars = []
    for i, (body, amount) in enumerate(items):
        length = float(amount / top) * plot_width if top else 0
        y = top_pad + i * (bar_height + gap)
        bars.append(
            {
                "label": body.display_name,
                "value": money(amount, False),
                "share": f"{(amount / total * 100):.1f}%" if total else "—",
                "x": label_width,
                "y": y,
                "width": round(length, 1),
                "height": bar_height,
                "text_y": y + bar_height * 0.68,
                "value_x": label_width + round(length, 1) + 6,
                "colour": PALETTE[i % len(PALETTE)],
            }
        )
    height = top_pad * 2 + len(items) * (bar_height + gap)
    parts = [f"{b['label']} {b['value']} ({b['share']})" for b in bars]
    return {
        "width": width,
        "height": max(height, 40),
        "label_width": label_width,
        "bars": bars,
        "title": f"Contributions by body, {figures.label}",
        "desc": (
            f"Total contributions {money(total, False)}: " + "; ".join(parts) + "."
            if parts
            else f"No contributions recorded for {figures.label}."
        ),
    }


def spend_chart(figures, *, width=640, height=280):
    """Columns: cumulative actual spend by month, against the year's budget and a straight-line profile."""
    budget = figures.total_contributions or figures.total_planned
    left, right, top_pad, bottom = 80, 20, 16, 40
    plot_w = width - left - right
    plot_h = height - top_pad - bottom
    values = [v for _, v in figures.monthly_actual if v is not None]
    top = _scale(max([budget, figures.outturn, *values]))
    slot = plot_w / 12
    columns = []
    for month, name in FINANCIAL_MONTHS:
        value = dict(figures.monthly_actual).get(month)
        h = float(value / top) * plot_h if value is not None else 0
        x = left + (month - 1) * slot
        profile = budget * month / 12
        columns.append(
            {
                "month": name,
                "short": name[:3],
                "value": value,
                "value_text": money(value, False) if value is not None else "not yet reported",
                "profile_text": money(profile, False),
                "x": round(x + slot * 0.15, 1),
                "width": round(slot * 0.7, 1),
                "y": round(top_pad + plot_h - h, 1),
                "height": round(h, 1),
                "label_x": round(x + slot / 2, 1),
            }
        )
    budget_y = round(top_pad + plot_h - float(budget / top) * plot_h, 1)
    ticks = []
    for i in range(5):
        amount = top * i / 4
        ticks.append({"y": round(top_pad + plot_h - plot_h * i / 4, 1), "label": _short_money(amount)})
    reported = [c for c in columns if c["value"] is not None]
    if reported:
        last = reported[-1]
        desc = (
            f"Spend to the end of {last['month']} is {last['value_text']} against an annual budget of "
            f"{money(budget, False)} (a straight-line profile would be {last['profile_text']}); "
            f"forecast outturn {money(figures.outturn, False)}."
        )
    else:
        desc = (
            f"No monthly monitoring reported yet for {figures.label}; annual budget {money(budget, False)}."
        )
    return {
        "width": width,
        "height": height,
        "left": left,
        "right_x": width - right,
        "plot_top": top_pad,
        "plot_bottom": top_pad + plot_h,
        "label_y": top_pad + plot_h + 18,
        "columns": columns,
        "budget": budget,
        "budget_y": budget_y,
        "profile_x1": left,
        "profile_y1": top_pad + plot_h,
        "profile_x2": width - right,
        "profile_y2": budget_y,
        "ticks": ticks,
        "title": f"Spend against budget by month, {figures.label}",
        "desc": desc,
    }


def _short_money(amount):
    amount = Decimal(amount)
    if amount >= 1_000_000:
        return f"£{amount / 1_000_000:,.1f}m"
    if amount >= 1_000:
        return f"£{amount / 1_000:,.0f}k"
    return f"£{amount:,.0f}"
