from django.apps import AppConfig
from django.urls import reverse


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = "Agreements"
    default_auto_field = "django.db.models.BigAutoField"

    #: How far ahead a coming review counts as needing attention.
    REVIEW_NOTICE_DAYS = 60

    def partnership_sections(self, partnership, user):
        from agreements.models import Agreement

        count = Agreement.objects.filter(partnership=partnership).count()
        return [
            {
                "title": "Agreements",
                "url": reverse("agreements:list", kwargs={"partnership": partnership.slug}),
                "description": f"{count} agreement{'' if count == 1 else 's'}: Section 75, 256 and "
                "113 agreements, frameworks and concordats, their sign-off and reviews.",
            }
        ]

    def attention_items(self, user, limit=None):
        """Reviews overdue or due within 60 days, and agreements awaiting a signature,
        for the bodies ``user`` acts for: all, or (given ``limit``) the first ``limit``, soonest
        due first, with how many there are."""
        from django.db.models import Exists, OuterRef
        from django.utils import timezone

        from agreements.models import Agreement, AgreementParty
        from agreements.services import reviews_due
        from partnership import permissions
        from partnership.choices import Role

        memberships = [m for m in permissions.user_memberships(user) if m.role != Role.AUDITOR]
        if not memberships:
            return []

        today = timezone.localdate()
        body_ids = {m.organisation_id for m in memberships}
        visible = permissions.restrict(Agreement.objects.all(), user)
        # Exists, not a join with DISTINCT: the count and the page need not sort whole rows.
        parties = AgreementParty.objects.filter(agreement=OuterRef("pk"), organisation_id__in=body_ids)
        due = reviews_due(
            agreements=visible.filter(Exists(parties)),
            today=today,
            within_days=self.REVIEW_NOTICE_DAYS,
        ).select_related("partnership")
        total = 0
        if limit is not None:
            total = due.count()
            due = due.order_by("next_review_date", "reference")[:limit]
        items = []
        for agreement in due:
            overdue = agreement.next_review_date < today
            items.append(
                {
                    "text": f"Review of {agreement.reference} ({agreement.title}) "
                    + ("is overdue" if overdue else "is due"),
                    "url": agreement.get_absolute_url(),
                    "partnership": agreement.partnership,
                    "due": agreement.next_review_date,
                    "overdue": overdue,
                }
            )
        signatory_bodies = {m.organisation_id for m in memberships if m.role == Role.SIGNATORY}
        if signatory_bodies:
            waiting = (
                AgreementParty.objects.filter(
                    organisation_id__in=signatory_bodies,
                    signed_on__isnull=True,
                    agreement__status="awaiting_signature",
                    agreement__in=visible,
                )
                .select_related("agreement__partnership", "organisation")
                .order_by("agreement__reference")
            )
            if limit is not None:
                total += waiting.count()
                waiting = waiting[: max(0, limit - len(items))]
            for party in waiting:
                items.append(
                    {
                        "text": f"{party.agreement.reference} awaits signature for "
                        f"{party.organisation.display_name}",
                        "url": party.agreement.get_absolute_url(),
                        "partnership": party.agreement.partnership,
                        "due": None,
                        "overdue": False,
                    }
                )
        if limit is not None:
            from partnership.apps import AttentionList

            return AttentionList(items, total)
        return items

    def sweep_reminders(self):
        """Queue an annual-review reminder to each officer of each party body, once per
        agreement, review date and person: three queries however many agreements are due."""
        from django.utils import timezone

        from agreements.models import Agreement
        from agreements.services import reviews_due
        from partnership.choices import Role
        from partnership.models import Membership
        from partnership.services import queue_reminders

        today = timezone.localdate()
        agreements = list(
            reviews_due(agreements=Agreement.objects.all(), today=today, within_days=self.REVIEW_NOTICE_DAYS)
            .prefetch_related("parties")
            .select_related("partnership")
        )
        body_ids = {party.organisation_id for agreement in agreements for party in agreement.parties.all()}
        officers = {}
        memberships = Membership.objects.filter(
            organisation_id__in=body_ids, role=Role.OFFICER, user__is_active=True, partnership__isnull=True
        ).select_related("user")
        for membership in memberships if body_ids else ():
            officers.setdefault(membership.organisation_id, {})[membership.user_id] = membership.user
        reminders = []
        for agreement in agreements:
            due = agreement.next_review_date
            state = "overdue" if due < today else f"due on {due:%d %B %Y}"
            people = {}
            for party in agreement.parties.all():
                people.update(officers.get(party.organisation_id, {}))
            for user_id, user in people.items():
                reminders.append(
                    {
                        "key": f"agreements:review:{agreement.pk}:{due.isoformat()}:{user_id}",
                        "recipient": user,
                        "subject": f"Annual review of {agreement.reference} {state}",
                        "body": (
                            f"The review of “{agreement.title}” ({agreement.reference}) in "
                            f"{agreement.partnership.name} is {state}. Record it on the agreement's page."
                        ),
                        "link": agreement.get_absolute_url(),
                        "due": due,
                        "partnership": agreement.partnership,
                    }
                )
        return queue_reminders(reminders)
