"""An agreement's next review, on the register and on its page: tagged "Overdue" in words (for a
screen reader too, not by colour alone) once its date is before today, for an agreement in
effect; not shown at all once the agreement has ended. The register's "Review due" filter
agrees."""

import datetime

from django.urls import reverse
from django.utils import timezone

from agreements.choices import AgreementStatus
from partnership.choices import Role
from tests.agreements.factories import agreement_between

OVERDUE_TAG = (
    '<strong class="govuk-tag govuk-tag--red">Overdue'
    '<span class="govuk-visually-hidden"> review</span></strong>'
)


def test_register_and_page_tag_an_overdue_review_and_show_none_once_ended(client, world):
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    bodies = (world.ours, world.bodies["council"], world.bodies["nhs"])
    late = agreement_between(
        *bodies, reference="LATE", status=AgreementStatus.IN_FORCE, next_review_date=yesterday
    )
    due_today = agreement_between(
        *bodies, reference="TODAY", status=AgreementStatus.IN_FORCE, next_review_date=today
    )
    draft = agreement_between(
        *bodies, reference="DRAFT", status=AgreementStatus.DRAFT, next_review_date=yesterday
    )
    ended = agreement_between(
        *bodies, reference="ENDED", status=AgreementStatus.TERMINATED, next_review_date=yesterday
    )
    client.force_login(world.user("council", Role.OFFICER))
    register = reverse("agreements:list", kwargs={"partnership": world.ours.slug})

    response = client.get(register)
    cells = {
        row.record.reference: str(row.get_cell("next_review_date"))
        for row in response.context["table"].paginated_rows
    }
    assert cells["LATE"] == f"{yesterday:%-d %b %Y} {OVERDUE_TAG}"
    assert cells["TODAY"] == f"{today:%-d %b %Y}"
    assert cells["DRAFT"] == f"{yesterday:%-d %b %Y}"  # not in effect: nothing to review yet
    assert cells["ENDED"] == "—"

    overdue = client.get(register, {"review_due": "overdue"}).context["table"].paginated_rows
    assert [row.record.reference for row in overdue] == ["LATE"]
    no_date = client.get(register, {"review_due": "none"}).context["table"].paginated_rows
    assert "ENDED" in [row.record.reference for row in no_date]

    page = client.get(late.get_absolute_url()).content.decode()
    assert f"next due {yesterday:%-d %B %Y} {OVERDUE_TAG}" in page
    assert "Overdue" not in client.get(due_today.get_absolute_url()).content.decode()
    assert "Overdue" not in client.get(draft.get_absolute_url()).content.decode()
    assert "next due" not in client.get(ended.get_absolute_url()).content.decode()
