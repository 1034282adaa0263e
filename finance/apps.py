from django.apps import AppConfig
from django.urls import reverse


class FinanceConfig(AppConfig):
    name = "finance"
    verbose_name = "Finance: pooled and aligned budgets"
    attention_title = "Budgets"
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

    #: Budgets (and transfers) named on their agreement's page; the rest are a link away.
    RECORDS_UNDER_AGREEMENT_SHOWN = 5

    def agreement_records(self, agreement, user):
        """The budgets and Section 256 transfers resting on ``agreement`` that ``user`` may see:
        the first few of each and how many (one query each)."""
        from urllib.parse import urlencode

        from finance.models import Budget, Transfer
        from partnership import permissions
        from partnership.apps import first_and_count

        slug = agreement.partnership.slug
        groups = []
        for title, model, label, detail, register in (
            ("Budgets", Budget, "name", "finance:budget_detail", "finance:budget_list"),
            (
                "Section 256 transfers",
                Transfer,
                "purpose",
                "finance:transfer_detail",
                "finance:transfer_list",
            ),
        ):
            records = permissions.restrict(model.objects.filter(agreement=agreement), user)
            shown, count = first_and_count(
                records.order_by(label, "pk").only("pk", label), self.RECORDS_UNDER_AGREEMENT_SHOWN
            )
            if count:
                filtered = reverse(register, kwargs={"partnership": slug})
                groups.append(
                    {
                        "title": title,
                        "records": [
                            (
                                getattr(record, label),
                                reverse(detail, kwargs={"partnership": slug, "pk": record.pk}),
                            )
                            for record in shown
                        ],
                        "count": count,
                        "url": f"{filtered}?{urlencode({'agreement': agreement.reference})}",
                    }
                )
        return groups

    def attention_items(self, user, today=None, limit=None):
        """Missing monitoring for last month on lines the user's bodies run; last year not closed
        (all, or given ``limit`` the first few and how many there are)."""
        from finance.reminders import attention_items

        return attention_items(user, today, limit=limit)

    def sweep_reminders(self, today=None):
        """E-mail each finance officer once about what :meth:`attention_items` lists for them."""
        from finance.reminders import sweep_reminders

        return sweep_reminders(today)
