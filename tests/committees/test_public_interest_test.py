"""Exempt items: Schedule 12A in the Act's words, and the public interest test's reasons,
required when an item is exempt and read only by those entitled to exempt business."""

import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from committees import services
from committees.choices import PUBLIC_INTEREST_TEST, SCHEDULE_12A, ExemptParagraph
from committees.models import AgendaItem
from partnership.choices import Role

REASONS = "SECRETYAK bidders' prices would prejudice the retender if published now."


@pytest.mark.parametrize(
    ("paragraph", "words"),
    [
        (1, "Information relating to any individual."),
        (2, "Information which is likely to reveal the identity of an individual."),
        (
            3,
            "Information relating to the financial or business affairs of any particular person "
            "(including the authority holding that information).",
        ),
        (
            4,
            "Information relating to any consultations or negotiations, or contemplated consultations "
            "or negotiations, in connection with any labour relations matter arising between the "
            "authority or a Minister of the Crown and employees of, or office holders under, the "
            "authority.",
        ),
        (
            5,
            "Information in respect of which a claim to legal professional privilege could be "
            "maintained in legal proceedings.",
        ),
        (
            6,
            "Information which reveals that the authority proposes— (a) to give under any enactment a "
            "notice under or by virtue of which requirements are imposed on a person; or (b) to make "
            "an order or direction under any enactment.",
        ),
        (
            7,
            "Information relating to any action taken or to be taken in connection with the "
            "prevention, investigation or prosecution of crime.",
        ),
    ],
)
def test_schedule_12a_paragraphs_are_in_the_acts_words(paragraph, words):
    assert SCHEDULE_12A[paragraph] == words
    assert ExemptParagraph(paragraph).label == f"{paragraph} — {words}"


def item_url(board):
    return reverse("committees:item_add", kwargs={"partnership": "ours", "meeting": board.meeting.pk})


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("posted", "saved", "error"),
    [
        ({"exempt": "on", "exempt_paragraph": "3"}, False, "outweighs the public interest in disclosing"),
        ({"exempt": "on", "exempt_paragraph": "3", "public_interest_reasons": "  "}, False, "outweighs"),
        ({"exempt": "on", "exempt_paragraph": "3", "public_interest_reasons": REASONS}, True, ""),
        ({"report": "exempt_report"}, False, "outweighs the public interest in disclosing"),
        ({"report": "exempt_report", "public_interest_reasons": REASONS}, True, ""),
        ({"public_interest_reasons": "Left over from when it was exempt"}, True, ""),
    ],
    ids=["exempt-none", "exempt-blank", "exempt-given", "report-none", "report-given", "open-cleared"],
)
def test_an_exempt_item_needs_the_public_interest_tests_reasons(client, world, board, posted, saved, error):
    client.force_login(world.user("council", Role.COMMITTEE_SECRETARY))
    data = {"title": "Community contract", "purpose": "decision", **posted}
    if data.get("report") == "exempt_report":
        data["report"] = board.exempt_report.pk
    response = client.post(item_url(board), data)
    item = AgendaItem.objects.filter(title="Community contract").first()
    if not saved:
        assert response.status_code == 200 and item is None
        assert error in response.content.decode()
        return
    assert response.status_code == 302
    exempt = "exempt" in posted or "report" in posted
    assert item.public_interest_reasons == (REASONS if exempt else "")


@pytest.mark.django_db
def test_the_service_refuses_an_exempt_item_without_the_reasons(world, board):
    item = AgendaItem(meeting=board.meeting, title="Tender", exempt=True, exempt_paragraph=3)
    with pytest.raises(ValidationError, match="Public interest test"):
        services.add_agenda_item(item=item, user=world.user("council", Role.COMMITTEE_SECRETARY))
    assert not AgendaItem.objects.filter(title="Tender").exists()
    item.public_interest_reasons = REASONS
    services.add_agenda_item(item=item, user=world.user("council", Role.COMMITTEE_SECRETARY))
    assert AgendaItem.objects.get(title="Tender").public_interest_reasons == REASONS


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "entitled"),
    [
        (Role.COMMITTEE_SECRETARY, True),
        (Role.SIGNATORY, True),
        (Role.AUDITOR, True),
        (Role.OFFICER, False),
        (Role.FINANCE_OFFICER, False),
    ],
)
def test_the_reasons_are_shown_only_to_those_entitled_to_exempt_business(
    client, world, board, role, entitled
):
    board.exempt_item.public_interest_reasons = REASONS
    board.exempt_item.save()
    client.force_login(world.user("nhs", role))
    page = client.get(board.meeting.agenda_url).content.decode()
    assert (html.escape(f"Public interest test: {PUBLIC_INTEREST_TEST} {REASONS}") in page) is entitled
    assert ("SECRETYAK" in page) is entitled
    # Everyone sees the paragraph relied on, in the Act's words.
    assert SCHEDULE_12A[3] in page
    history = client.get(
        reverse("committees:meeting_history", kwargs={"partnership": "ours", "pk": board.meeting.pk})
    ).content.decode()
    assert ("SECRETYAK" in history) is entitled


@pytest.mark.django_db
def test_the_public_never_sees_the_reasons(client, world, board):
    board.committee.meets_in_public = True
    board.committee.save()
    board.exempt_item.public_interest_reasons = REASONS
    board.exempt_item.save()
    page = client.get(reverse("public:meeting", kwargs={"pk": board.meeting.pk}))
    assert page.status_code == 200
    assert "SECRETYAK" not in page.content.decode()
