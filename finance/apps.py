import datetime

from django.apps import AppConfig
from django.urls import reverse


class FinanceConfig(AppConfig):
    name = "finance"
    verbose_name = "Finance: pooled and aligned budgets"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from agreements.models import Agreement
        from finance.models import Contribution, Transfer
        from partnership import history

        def agreement_finance_history(agreement):
            return [
                Contribution.history.filter(budget__agreement_id=agreement.pk),
                Transfer.history.filter(agreement_id=agreement.pk),
            ]

        history.register_children(Agreement, agreement_finance_history)

    def partnership_sections(self, partnership, user):
        slug = partnership.slug
        return [
            {
                "title": "Budgets",
                "url": reverse("finance:budget_list", kwargs={"partnership": slug}),
                "description": "Pooled and aligned budgets: contributions, monitoring, year end and reports.",
            },
            {
                "title": "Section 256 transfers",
                "url": reverse("finance:transfer_list", kwargs={"partnership": slug}),
                "description": "Payments from the NHS body to the council under Section 256 agreements.",
            },
        ]

    def attention_items(self, user, today=None):
        """Missing monitoring for last month on lines the user's bodies run; last year not closed."""
        from finance.choices import MONTH_NAMES
        from finance.models import Budget, BudgetLine, Contribution, Monitoring, YearEnd
        from partnership import permissions
        from partnership.choices import Role
        from partnership.dates import financial_year_label, financial_year_start

        if not user.is_authenticated or permissions.is_read_only(user):
            return []
        bodies = {
            m.organisation_id for m in permissions.user_memberships(user) if m.role == Role.FINANCE_OFFICER
        }
        if not bodies:
            return []
        from django.utils import timezone

        today = today or timezone.localdate()
        last_month_day = today.replace(day=1) - datetime.timedelta(days=1)
        year = financial_year_start(last_month_day)
        month = (last_month_day.month - 4) % 12 + 1
        visible = permissions.visible_partnerships(user).values("pk")
        items = []
        active_budgets = Contribution.objects.filter(year=year).values("budget_id")
        lines = (
            BudgetLine.objects.filter(
                organisation_id__in=bodies,
                budget__partnership__in=visible,
                budget_id__in=active_budgets,
            )
            .exclude(pk__in=Monitoring.objects.filter(year=year, month=month).values("line_id"))
            .select_related("budget__partnership")
        )
        missing = {}
        for line in lines:
            missing.setdefault(line.budget, []).append(line)
        for budget, budget_lines in missing.items():
            count = len(budget_lines)
            items.append(
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
        previous = financial_year_start(today) - 1
        closed = YearEnd.objects.filter(year=previous, closed_on__isnull=False, reopened_on__isnull=True)
        budgets = (
            Budget.objects.filter(partnership__in=visible, contributions__year=previous)
            .exclude(pk__in=closed.values("budget_id"))
            .select_related("partnership", "host")
            .distinct()
        )
        for budget in budgets:
            closers = {budget.host_id} if budget.host_id else None
            if closers is not None and not closers & bodies:
                continue
            items.append(
                {
                    "text": f"{budget.name}: year end {financial_year_label(previous)} not closed",
                    "url": budget.get_absolute_url() + f"?year={previous}",
                    "partnership": budget.partnership,
                    "due": None,
                    "overdue": True,
                    "key": f"finance:year-end:{budget.pk}:{previous}",
                }
            )
        return items

    def sweep_reminders(self, today=None):
        """E-mail each finance officer once about what :meth:`attention_items` lists for them."""
        from django.contrib.auth import get_user_model

        from partnership.choices import Role
        from partnership.services import queue_reminder

        sent = 0
        users = (
            get_user_model().objects.filter(is_active=True, memberships__role=Role.FINANCE_OFFICER).distinct()
        )
        for user in users:
            for item in self.attention_items(user, today=today):
                reminder = queue_reminder(
                    key=f"{item['key']}:user:{user.pk}",
                    recipient=user,
                    subject=item["text"],
                    body=f"{item['text']}.\n\nOpen the budget: {item['url']}",
                    link=item["url"],
                    partnership=item["partnership"],
                )
                sent += reminder is not None
        return sent
