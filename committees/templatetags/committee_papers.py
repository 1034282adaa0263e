"""Template tags for meeting papers: the papers panel on a meeting page and cost tables."""

from decimal import Decimal

from django import template

register = template.Library()


@register.simple_tag
def cost_table(lines):
    """Pivot a report's cost lines into rows (cost) by columns (year), with totals per year."""
    years, rows = [], {}
    for line in lines:
        if line.year_label not in years:
            years.append(line.year_label)
        rows.setdefault(line.label, {})[line.year_label] = line
    return {
        "years": years,
        "rows": [
            {"label": label, "cells": [cells.get(year) for year in years]} for label, cells in rows.items()
        ],
        "totals": [
            sum((cells[year].amount for cells in rows.values() if year in cells), Decimal("0"))
            for year in years
        ],
    }


@register.inclusion_tag("committees/includes/papers.html", takes_context=True)
def meeting_papers(context, meeting):
    """The papers panel: each paper's status, build button, progress and download link."""
    from committees.views import papers

    request = context.get("request")
    panel = papers.papers_panel_context(request, meeting)
    panel["csrf_token"] = context.get("csrf_token")
    return panel
