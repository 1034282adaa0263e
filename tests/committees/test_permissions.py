"""Who may do what with committees, through the real URLs.

Every case runs for every role of the council (which owns the report and
the delegation), of the NHS partner body, and of a body outside the
partnership (always 404). The matrix is one test per person, signed in once,
that tries every case and reports each one that answers wrongly. Each request
runs in a savepoint that is rolled back, so a POST leaves nothing for the
next case.
"""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse

from committees.choices import Matter
from committees.models import Declaration
from committees.services import record_decision
from partnership.choices import Role

R = Role
ALL = set(Role.values)
SECRETARIES = {R.COMMITTEE_SECRETARY}
MANAGERS = {R.COMMITTEE_SECRETARY, R.ADMINISTRATOR}
EXEMPT_READERS = {R.COMMITTEE_SECRETARY, R.SIGNATORY, R.ADMINISTRATOR, R.AUDITOR}


def both(roles):
    """The same roles allowed for the council and the NHS body."""
    return {(body, role) for body in ("council", "nhs") for role in roles}


def council(roles):
    return {("council", role) for role in roles}


#: name, URL kwargs from the fixture, method, POST data, who may (body, role).
CASES = [
    # Seeing: everyone inside the partnership.
    ("committee_list", {}, "get", None, both(ALL)),
    ("committee_detail", {"pk": "committee"}, "get", None, both(ALL)),
    ("committee_history", {"pk": "committee"}, "get", None, both(ALL)),
    ("meeting_detail", {"pk": "meeting"}, "get", None, both(ALL)),
    *(
        ("meeting_section", {"pk": "meeting", "section": section}, "get", None, both(ALL))
        for section in ("agenda", "running-order", "attendance-and-quorum", "minutes-and-decisions", "papers")
    ),
    ("meeting_history", {"pk": "meeting"}, "get", None, both(ALL)),
    ("action_list", {}, "get", None, both(ALL)),
    ("report_list", {}, "get", None, both(ALL)),
    ("report_detail", {"pk": "report"}, "get", None, both(ALL)),
    ("report_history", {"pk": "report"}, "get", None, both(ALL)),
    ("delegation_list", {}, "get", None, both(ALL)),
    ("delegation_detail", {"pk": "delegation"}, "get", None, both(ALL)),
    ("delegation_history", {"pk": "delegation"}, "get", None, both(ALL)),
    # Exempt material: those entitled, and the authoring body's officers.
    ("report_detail", {"pk": "exempt_report"}, "get", None, both(EXEMPT_READERS) | council({R.OFFICER})),
    ("appendix_download", {"pk": "appendix"}, "get", None, both(EXEMPT_READERS) | council({R.OFFICER})),
    # The constitution: secretaries and administrators of partner bodies.
    ("committee_add", {}, "get", None, both(MANAGERS)),
    ("committee_edit", {"pk": "committee"}, "get", None, both(MANAGERS)),
    ("member_add", {"committee": "committee"}, "get", None, both(MANAGERS)),
    ("member_edit", {"pk": "council_member"}, "get", None, both(MANAGERS)),
    ("member_delete", {"pk": "council_member"}, "post", {"change_reason": "Left"}, both(MANAGERS)),
    ("quorum_rule_add", {"committee": "committee"}, "get", None, both(MANAGERS)),
    ("quorum_rule_delete", {"pk": "rule"}, "post", {}, both(MANAGERS)),
    # The cycle: committee secretaries of partner bodies.
    ("meetings_generate", {"committee": "committee"}, "post", {"year": "2027"}, both(SECRETARIES)),
    ("meeting_add", {"committee": "committee"}, "get", None, both(SECRETARIES)),
    ("meeting_edit", {"pk": "meeting"}, "get", None, both(SECRETARIES)),
    ("meeting_publish", {"meeting": "meeting"}, "post", {}, both(SECRETARIES)),
    (
        "meeting_move",
        {"meeting": "meeting"},
        "post",
        {"status": "cancelled", "reason": "Snow"},
        both(SECRETARIES),
    ),
    ("item_add", {"meeting": "meeting"}, "get", None, both(SECRETARIES)),
    ("item_edit", {"pk": "item"}, "get", None, both(SECRETARIES)),
    ("item_edit", {"pk": "exempt_item"}, "get", None, both(SECRETARIES)),
    ("item_move", {"pk": "item"}, "post", {"direction": "down"}, both(SECRETARIES)),
    ("item_delete", {"pk": "item"}, "get", None, both(SECRETARIES)),
    ("item_delete", {"pk": "item"}, "post", {"change_reason": "Withdrawn"}, both(SECRETARIES)),
    ("minute_edit", {"pk": "item"}, "get", None, both(SECRETARIES)),
    ("minute_edit", {"pk": "item"}, "post", {"text": "Agreed.", "loaded_version": "new"}, both(SECRETARIES)),
    ("attendance", {"meeting": "meeting"}, "get", None, both(SECRETARIES)),
    ("declaration_add", {"meeting": "meeting"}, "get", None, both(SECRETARIES)),
    ("declaration_delete", {"pk": "declaration"}, "post", {}, both(SECRETARIES)),
    ("decision_add", {"meeting": "meeting"}, "get", None, both(SECRETARIES)),
    ("action_add", {"meeting": "meeting"}, "get", None, both(SECRETARIES)),
    ("action_edit", {"pk": "action"}, "get", None, both(SECRETARIES)),
    ("action_move", {"pk": "action"}, "post", {"status": "done"}, both(SECRETARIES)),
    ("meeting_publish_supplement", {"meeting": "meeting"}, "post", {}, both(SECRETARIES)),
    # Ratification: the ratifying body's own secretaries and administrators.
    (
        "binding_ratify",
        {"pk": "nhs_binding"},
        "get",
        None,
        {("nhs", R.COMMITTEE_SECRETARY), ("nhs", R.ADMINISTRATOR)},
    ),
    (
        "binding_ratify",
        {"pk": "nhs_binding"},
        "post",
        {"ratified": "1", "ratified_on": "2030-01-01"},
        {("nhs", R.COMMITTEE_SECRETARY), ("nhs", R.ADMINISTRATOR)},
    ),
    # Reports: officers and secretaries draft; the authoring body edits its own.
    ("report_add", {}, "get", None, both({R.OFFICER, R.COMMITTEE_SECRETARY})),
    ("report_edit", {"pk": "report"}, "get", None, council({R.OFFICER, R.COMMITTEE_SECRETARY})),
    (
        "report_move",
        {"pk": "report"},
        "post",
        {"status": "final"},
        council({R.OFFICER, R.COMMITTEE_SECRETARY}),
    ),
    (
        "cost_line_add",
        {"report": "report"},
        "post",
        {"label": "Legal advice", "year_label": "2018/19", "amount": "15000"},
        council({R.OFFICER, R.COMMITTEE_SECRETARY}),
    ),
    # Delegations: the delegating body's administrators.
    ("delegation_add", {}, "get", None, both({R.ADMINISTRATOR})),
    ("delegation_edit", {"pk": "delegation"}, "get", None, council({R.ADMINISTRATOR})),
    ("delegation_delete", {"pk": "delegation"}, "get", None, council({R.ADMINISTRATOR})),
]


@pytest.fixture
def targets(board, world, media_root):
    from django.core.files.base import ContentFile

    from committees.models import ReportAppendix

    appendix = ReportAppendix(report=board.exempt_report, title="Evaluation scores")
    appendix.file.save("scores.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    decision = record_decision(
        meeting=board.meeting,
        resolution="Recommend the plan.",
        matter=Matter.STRATEGY,
        organisations=[world.bodies["nhs"]],
        user=world.user("council", R.COMMITTEE_SECRETARY),
        decided_on=datetime.date(2026, 1, 1),
    )
    declaration = Declaration.objects.create(
        meeting=board.meeting,
        member=board.council_member,
        interest="Spouse employed",
        nature="other_registrable",
    )
    return {
        "committee": board.committee.pk,
        "meeting": board.meeting.pk,
        "item": board.item.pk,
        "exempt_item": board.exempt_item.pk,
        "report": board.report.pk,
        "exempt_report": board.exempt_report.pk,
        "appendix": appendix.pk,
        "delegation": board.delegation.pk,
        "council_member": board.council_member.pk,
        "rule": board.committee.quorum_rules.first().pk,
        "action": board.action.pk,
        "declaration": declaration.pk,
        "nhs_binding": decision.bindings.get().pk,
    }


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def case_id(case):
    name, kwargs, method, *_ = case
    return f"{name}-{method}-{'-'.join(str(v) for v in kwargs.values())}"


PEOPLE = [(body, role) for body in ("council", "nhs", "other") for role in Role.values]


@pytest.mark.django_db
@pytest.mark.parametrize(("body", "role"), PEOPLE, ids=[f"{body}-{role}" for body, role in PEOPLE])
def test_permission_matrix(client, world, targets, body, role):
    """Every case of ``CASES`` for one person: 404 outside the partnership, 200 (GET) or a
    redirect other than to sign-in (POST) if allowed, else 403."""
    client.force_login(world.user(body, role))
    failures = []
    for case in CASES:
        name, kwargs, method, data, allowed = case
        url = reverse(
            f"committees:{name}",
            kwargs={
                "partnership": "ours",
                **{key: targets.get(value, value) for key, value in kwargs.items()},
            },
        )
        with transaction.atomic():
            response = getattr(client, method)(url, data) if method == "post" else client.get(url)
            transaction.set_rollback(True)
        if body == "other":
            expected = {404}
        elif (body, role) in allowed:
            expected = {302} if method == "post" else {200}
        else:
            expected = {403}
        if response.status_code not in expected:
            failures.append(f"{body} {role}, {case_id(case)}: {response.status_code}, expected {expected}")
        elif response.status_code == 302 and "/accounts/login/" in response["Location"]:
            failures.append(f"{body} {role}, {case_id(case)}: sent to sign in")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_signed_out_visitors_are_sent_to_sign_in(client, board):
    response = client.get(board.meeting.get_absolute_url())
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_exempt_item_title_only_for_those_entitled(client, world, board):
    failures = []
    for body, role, sees in [
        ("council", R.COMMITTEE_SECRETARY, True),
        ("nhs", R.SIGNATORY, True),
        ("nhs", R.ADMINISTRATOR, True),
        ("nhs", R.AUDITOR, True),
        ("council", R.OFFICER, False),
        ("nhs", R.FINANCE_OFFICER, False),
    ]:
        client.force_login(world.user(body, role))
        page = client.get(board.meeting.agenda_url).content.decode()
        if ("SECRETZEBRA" in page) is not sees:
            failures.append(f"{body} {role}: {'does not see' if sees else 'sees'} the exempt title")
        if "Better Care Fund plan" not in page or "Exempt" not in page:
            failures.append(f"{body} {role}: the open item or the exempt marker is missing")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_committee_member_with_an_account_sees_exempt_items(client, world, board):
    member = board.nhs_member
    member.user = world.user("nhs", R.FINANCE_OFFICER)
    member.save()
    client.force_login(world.user("nhs", R.FINANCE_OFFICER))
    assert "SECRETZEBRA" in client.get(board.meeting.agenda_url).content.decode()


@pytest.mark.django_db
def test_exempt_report_left_out_of_the_register_for_those_not_entitled(client, world, board):
    url = reverse("committees:report_list", kwargs={"partnership": "ours"})
    client.force_login(world.user("nhs", R.OFFICER))
    assert "SECRETZEBRA" not in client.get(url).content.decode()
    assert "SECRETZEBRA" not in client.get(url + "?export=csv").getvalue().decode()
    client.force_login(world.user("nhs", R.AUDITOR))
    assert "SECRETZEBRA" in client.get(url).content.decode()


@pytest.mark.django_db
def test_posted_body_cannot_move_a_report_to_a_body_the_user_does_not_act_for(client, world, board):
    client.force_login(world.user("council", R.OFFICER))
    url = reverse("committees:report_add", kwargs={"partnership": "ours"})
    response = client.post(
        url, {"organisation": world.bodies["nhs"].pk, "title": "Sneaky", "status": "draft"}
    )
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not board.report.__class__.objects.filter(title="Sneaky").exists()


@pytest.mark.django_db
def test_actions_of_exempt_decisions_left_out_for_those_not_entitled(client, world, board):
    from tests.committees.factories import ActionFactory

    decision = record_decision(
        meeting=board.meeting,
        agenda_item=board.exempt_item,
        resolution="Award the contract.",
        matter=Matter.CONTRACT_AWARD,
        organisations=[world.bodies["council"]],
        user=world.user("council", R.COMMITTEE_SECRETARY),
    )
    ActionFactory(meeting=board.meeting, decision=decision, description="Notify SECRETZEBRA bidders")
    url = reverse("committees:action_list", kwargs={"partnership": "ours"})
    for role, sees in ((R.OFFICER, False), (R.COMMITTEE_SECRETARY, True), (R.AUDITOR, True)):
        client.force_login(world.user("nhs", role))
        assert ("SECRETZEBRA" in client.get(url).content.decode()) is sees
        assert ("SECRETZEBRA" in client.get(board.meeting.minutes_url).content.decode()) is sees


@pytest.mark.django_db
def test_the_actions_register_links_an_action_to_its_page_only_for_those_who_may_open_it(
    client, world, board
):
    """An action's page is where it is changed, by those who run its committee's meetings; for
    anyone else its description is text, not a link to a page that would refuse them."""
    from tests.committees.factories import ActionFactory

    action = ActionFactory(meeting=board.meeting, description="Write to the providers")
    url = reverse("committees:action_list", kwargs={"partnership": "ours"})
    for role, opens in ((R.OFFICER, False), (R.AUDITOR, False), (R.COMMITTEE_SECRETARY, True)):
        client.force_login(world.user("nhs", role))
        listing = client.get(url).content.decode()
        assert "Write to the providers" in listing and board.meeting.get_absolute_url() in listing
        assert (f'href="{action.get_absolute_url()}"' in listing) is opens, role
        assert client.get(action.get_absolute_url()).status_code == (200 if opens else 403), role
