"""What finance asks of finance officers: the home page's list and the reminders.

Both come from :func:`due_items`, which answers for any number of officers in
a fixed number of queries, so the sweep does not ask once per officer.
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from finance.choices import MONTH_NAMES
from finance.models import Budget, BudgetLine, Contribution, Monitoring, YearEnd
from partnership import permissions
from partnership.choices import Role
from partnership.dates import financial_year_label, financial_year_start
from partnership.services import queue_reminders


def due_items(officers, today):
    """{user id: [attention item]} for ``officers``, {user id: (ids of the bodies they are
    finance officer for, ids of the partnerships they see)}: last month's monitoring not
    entered on lines their bodies run, and last year not closed on budgets they may close."""
    answer = {user_id: [] for user_id in officers}
    all_bodies = set().union(*(bodies for bodies, _seen in officers.values())) if officers else set()
    all_seen = set().union(*(seen for _bodies, seen in officers.values())) if officers else set()
    if not all_bodies or not all_seen:
        return answer
    last_month_day = today.replace(day=1) - datetime.timedelta(days=1)
    year = financial_year_start(last_month_day)
    month = (last_month_day.month - 4) % 12 + 1
    lines = (
        BudgetLine.objects.filter(
            organisation_id__in=all_bodies,
            budget__partnership_id__in=all_seen,
            budget_id__in=Contribution.objects.filter(year=year).values("budget_id"),
        )
        .exclude(pk__in=Monitoring.objects.filter(year=year, month=month).values("line_id"))
        .select_related("budget__partnership")
        .order_by("budget__name", "budget_id", "pk")
    )
    previous = financial_year_start(today) - 1
    closed = YearEnd.objects.filter(year=previous, closed_on__isnull=False, reopened_on__isnull=True)
    unclosed = (
        Budget.objects.filter(partnership_id__in=all_seen, contributions__year=previous)
        .exclude(pk__in=closed.values("budget_id"))
        .select_related("partnership", "host")
        .order_by("name", "pk")
        .distinct()
    )
    lines, unclosed = list(lines), list(unclosed)
    for user_id, (bodies, seen) in officers.items():
        missing = {}
        for line in lines:
            if line.organisation_id in bodies and line.budget.partnership_id in seen:
                missing.setdefault(line.budget, []).append(line)
        for budget, budget_lines in missing.items():
            count = len(budget_lines)
            answer[user_id].append(
                {
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
            )
        for budget in unclosed:
            # The host body closes the year; a budget with no host, any partner.
            if budget.partnership_id not in seen or (budget.host_id and budget.host_id not in bodies):
                continue
            answer[user_id].append(
                {
                    "text": f"{budget.name}: year end {financial_year_label(previous)} not closed",
                    "url": budget.get_absolute_url() + f"?year={previous}",
                    "partnership": budget.partnership,
                    "due": None,
                    "overdue": True,
                    "key": f"finance:year-end:{budget.pk}:{previous}",
                }
            )
    return answer


def _finance_bodies(memberships):
    return {m.organisation_id for m in memberships if m.role == Role.FINANCE_OFFICER}


def attention_items(user, today=None):
    if not user.is_authenticated or permissions.is_read_only(user):
        return []
    bodies = _finance_bodies(permissions.user_memberships(user))
    if not bodies:
        return []
    officers = {user.pk: (bodies, set(permissions.visible_partnership_ids(user)))}
    return due_items(officers, today or timezone.localdate())[user.pk]


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
