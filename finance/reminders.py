"""What finance asks of finance officers: the home page's list and the reminders.

Both come from :func:`due_items`, which answers for any number of officers in
a fixed number of queries, so the sweep does not ask once per officer.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from finance import statutory
from finance.choices import MONTH_NAMES, ReportPeriod
from finance.models import Budget, BudgetLine, Contribution, Monitoring, StatutoryReport, YearEnd
from partnership import permissions
from partnership.choices import Role
from partnership.dates import financial_year_label, financial_year_start
from partnership.services import queue_reminders


def _periods(today):
    """(year, month) of last month's monitoring, and the last financial year, on ``today``."""
    last_month_day = today.replace(day=1) - datetime.timedelta(days=1)
    year = financial_year_start(last_month_day)
    return year, (last_month_day.month - 4) % 12 + 1, financial_year_start(today) - 1


def _missing_lines(bodies, seen, year, month):
    """Lines run by ``bodies`` in partnerships ``seen``, of budgets with contributions in
    ``year``, with no monitoring for ``month``."""
    return BudgetLine.objects.filter(
        organisation_id__in=bodies,
        budget__partnership_id__in=seen,
        budget_id__in=Contribution.objects.filter(year=year).values("budget_id"),
    ).exclude(pk__in=Monitoring.objects.filter(year=year, month=month).values("line_id"))


def _unclosed(seen, previous):
    """Budgets in ``seen`` with contributions in ``previous`` whose year is not closed."""
    closed = YearEnd.objects.filter(year=previous, closed_on__isnull=False, reopened_on__isnull=True)
    return (
        Budget.objects.filter(
            Exists(Contribution.objects.filter(budget=OuterRef("pk"), year=previous)),
            partnership_id__in=seen,
        )
        .exclude(pk__in=closed.values("budget_id"))
        .select_related("partnership", "host")
        .order_by("name", "pk")
    )


#: How far ahead a contribution to be agreed by its chief finance officer is asked for.
AGREE_NOTICE_DAYS = 14


def _unagreed(bodies, seen, today):
    """Contributions of ``bodies`` in partnerships ``seen`` not yet agreed by the body's chief
    finance officer, to be agreed within :data:`AGREE_NOTICE_DAYS` (or overdue)."""
    return (
        Contribution.objects.filter(
            organisation_id__in=bodies,
            budget__partnership_id__in=seen,
            agreed_on__isnull=True,
            agree_by__lte=today + datetime.timedelta(days=AGREE_NOTICE_DAYS),
        )
        .select_related("budget__partnership", "organisation")
        .order_by("agree_by", "pk")
    )


#: How far ahead a statutory report is asked for.
REPORT_NOTICE_DAYS = 7


def _reports_due(bodies, seen, today):
    """(budget id, kind, year, period, due) of each statutory report not issued by a budget hosted
    by one of ``bodies`` in ``seen``, due within :data:`REPORT_NOTICE_DAYS` or overdue by no more
    than ``statutory.ATTENTION_DAYS``, for a year the budget has contributions in; in the order of
    the budgets' names. Three queries, reading ids and kinds only: the budgets are loaded only for
    the items shown (:func:`_with_budgets`)."""
    this_year = financial_year_start(today)
    periods = [
        (year, period, statutory.due_on(year, period))
        for year in (this_year - 1, this_year)
        for period in ReportPeriod
        if statutory.period_end(year, period) < today
    ]
    periods = [
        (year, period, due)
        for year, period, due in periods
        if today - datetime.timedelta(days=statutory.ATTENTION_DAYS)
        <= due
        <= today + datetime.timedelta(days=REPORT_NOTICE_DAYS)
    ]
    if not periods:
        return []
    years = {year for year, _period, _due in periods}
    budgets = Budget.objects.filter(
        partnership_id__in=seen,
        host_id__in=bodies,
        pk__in=Contribution.objects.filter(year__in=years).values("budget_id"),
    )
    kinds = budgets.order_by("name", "pk").values_list("pk", "kind", "agreement__kind")
    # Unordered (the models' own orderings join and sort every row) and each pair once.
    contributed = set(
        Contribution.objects.filter(budget__in=budgets, year__in=years)
        .order_by()
        .values_list("budget_id", "year")
        .distinct()
    )
    issued = set(
        StatutoryReport.objects.filter(budget__in=budgets, year__in=years)
        .order_by()
        .values_list("budget_id", "kind", "year", "period")
    )
    return [
        (budget_id, kind, year, period, due)
        for budget_id, budget_kind, agreement_kind in kinds
        for kind in statutory.kinds_for(budget_kind, agreement_kind)
        for year, period, due in periods
        if (budget_id, year) in contributed and (budget_id, kind, year, period) not in issued
    ]


def _with_budgets(reports):
    """``reports`` of :func:`_reports_due` with each budget in place of its id (one query)."""
    budgets = Budget.objects.select_related("partnership").in_bulk({report[0] for report in reports})
    return [(budgets[budget_id], *report) for budget_id, *report in reports]


def _report_item(budget, kind, year, period, due, today):
    return {
        "text": f"{budget.name}: {statutory.title(kind, year, period)} to be issued by {due:%-d %B %Y}",
        "url": reverse(
            "finance:statutory_reports",
            kwargs={"partnership": budget.partnership.slug, "budget": budget.pk, "year": year},
        ),
        "partnership": budget.partnership,
        "due": due,
        "overdue": due < today,
        "key": f"finance:statutory:{budget.pk}:{kind}:{year}:{period}",
    }


def _agree_item(contribution, today):
    budget = contribution.budget
    return {
        "text": (
            f"{budget.name}: {contribution.organisation.display_name}'s contribution for "
            f"{financial_year_label(contribution.year)} to be agreed by its chief finance officer by "
            f"{contribution.agree_by:%-d %B %Y}"
        ),
        "url": budget.get_absolute_url() + f"?year={contribution.year}#contributions",
        "partnership": budget.partnership,
        "due": contribution.agree_by,
        "overdue": contribution.agree_by < today,
        "key": f"finance:agree:{contribution.pk}:{contribution.agree_by.isoformat()}",
    }


def _monitoring_item(budget, count, year, month):
    return {
        "text": (
            f"{budget.name}: monitoring for {MONTH_NAMES[month]} {financial_year_label(year)} "
            f"not entered for {count} line{'s' if count != 1 else ''} your body runs"
        ),
        "url": budget.get_absolute_url() + f"?year={year}",
        "partnership": budget.partnership,
        "due": None,
        "overdue": False,
        "key": f"finance:monitoring:{budget.pk}:{year}-{month:02d}",
    }


def _year_end_item(budget, previous):
    return {
        "text": f"{budget.name}: year end {financial_year_label(previous)} not closed",
        "url": budget.get_absolute_url() + f"?year={previous}",
        "partnership": budget.partnership,
        "due": None,
        "overdue": True,
        "key": f"finance:year-end:{budget.pk}:{previous}",
    }


def due_items(officers, today):
    """{user id: [attention item]} for ``officers``, {user id: (ids of the bodies they are
    finance officer for, ids of the partnerships they see)}: last month's monitoring not
    entered on lines their bodies run, last year not closed on budgets they may close, their
    bodies' contributions still to be agreed by their chief finance officers, and the
    statutory reports of funds their bodies host still to be issued."""
    answer = {user_id: [] for user_id in officers}
    all_bodies = set().union(*(bodies for bodies, _seen in officers.values())) if officers else set()
    all_seen = set().union(*(seen for _bodies, seen in officers.values())) if officers else set()
    if not all_bodies or not all_seen:
        return answer
    year, month, previous = _periods(today)
    lines = list(
        _missing_lines(all_bodies, all_seen, year, month)
        .select_related("budget__partnership")
        .order_by("budget__name", "budget_id", "pk")
    )
    unclosed = list(_unclosed(all_seen, previous))
    unagreed = list(_unagreed(all_bodies, all_seen, today))
    reports = _with_budgets(_reports_due(all_bodies, all_seen, today))
    for user_id, (bodies, seen) in officers.items():
        missing = {}
        for line in lines:
            if line.organisation_id in bodies and line.budget.partnership_id in seen:
                missing.setdefault(line.budget, []).append(line)
        for budget, budget_lines in missing.items():
            answer[user_id].append(_monitoring_item(budget, len(budget_lines), year, month))
        for budget in unclosed:
            # The host body closes the year; a budget with no host, any partner.
            if budget.partnership_id not in seen or (budget.host_id and budget.host_id not in bodies):
                continue
            answer[user_id].append(_year_end_item(budget, previous))
        for contribution in unagreed:
            if contribution.organisation_id in bodies and contribution.budget.partnership_id in seen:
                answer[user_id].append(_agree_item(contribution, today))
        for budget, *report in reports:
            if budget.host_id in bodies and budget.partnership_id in seen:
                answer[user_id].append(_report_item(budget, *report, today))
    return answer


def first_items(bodies, seen, today, limit):
    """The first ``limit`` of one officer's items, in :func:`due_items`'s order, and how many
    there are: counted in the database, building only the items shown."""
    from partnership.apps import AttentionList

    year, month, previous = _periods(today)
    per_budget = list(
        _missing_lines(bodies, seen, year, month)
        .values("budget_id", "budget__name")
        .annotate(count=Count("pk"))
        .order_by("budget__name", "budget_id")
    )
    unclosed = _unclosed(seen, previous).filter(Q(host__isnull=True) | Q(host_id__in=bodies))
    shown = per_budget[:limit]
    budgets = Budget.objects.select_related("partnership").in_bulk([row["budget_id"] for row in shown])
    items = [_monitoring_item(budgets[row["budget_id"]], row["count"], year, month) for row in shown]
    if len(items) < limit:
        items += [_year_end_item(budget, previous) for budget in unclosed[: limit - len(items)]]
    unagreed = _unagreed(bodies, seen, today)
    if len(items) < limit:
        items += [_agree_item(contribution, today) for contribution in unagreed[: limit - len(items)]]
    reports = _reports_due(bodies, seen, today)
    if len(items) < limit:
        items += [_report_item(*report, today) for report in _with_budgets(reports[: limit - len(items)])]
    return AttentionList(items, len(per_budget) + unclosed.count() + unagreed.count() + len(reports))


def _finance_bodies(memberships):
    return {m.organisation_id for m in memberships if m.role == Role.FINANCE_OFFICER}


def attention_items(user, today=None, limit=None):
    """One finance officer's items: all, or (given ``limit``) the first ``limit`` and the total."""
    if not user.is_authenticated or permissions.is_read_only(user):
        return []
    bodies = _finance_bodies(permissions.user_memberships(user))
    if not bodies:
        return []
    seen = set(permissions.visible_partnership_ids(user))
    today = today or timezone.localdate()
    if limit is not None:
        return first_items(bodies, seen, today, limit)
    return due_items({user.pk: (bodies, seen)}, today)[user.pk]


def sweep_reminders(today=None):
    """Queue each finance officer's attention items as reminders, each once."""
    users = {
        user.pk: user
        for user in get_user_model()
        .objects.filter(is_active=True, memberships__role=Role.FINANCE_OFFICER)
        .prefetch_related("memberships")
        .distinct()
    }
    seen = permissions.visible_partnership_ids_by_user(users.values())
    officers = {
        user_id: (_finance_bodies(user.memberships.all()), seen[user_id]) for user_id, user in users.items()
    }
    items = due_items(officers, today or timezone.localdate())
    return queue_reminders(
        {
            "key": f"{item['key']}:user:{user_id}",
            "recipient": users[user_id],
            "subject": item["text"],
            "body": f"{item['text']}.\n\nOpen the budget: {item['url']}",
            "link": item["url"],
            "partnership": item["partnership"],
        }
        for user_id, user_items in items.items()
        for item in user_items
    )
