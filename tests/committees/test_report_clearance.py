"""Report clearance: a report goes from draft through the reviews its body requires (and, for a
joint report, the lead of each partner body) to approved for publication; each review is kept
with its comment; a change after a review leaves it to be given again; only an approved report
goes on a published agenda."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from committees import clearance, services
from committees.choices import ClearanceKind, ClearanceOutcome, MeetingStatus, ReportStatus
from committees.models import AgendaItem, Report
from partnership.choices import Role
from tests.committees.factories import AgendaItemFactory, MeetingFactory, ReportFactory
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

FINANCE, LEGAL, LEAD = ClearanceKind.FINANCE, ClearanceKind.LEGAL, ClearanceKind.PARTNER_LEAD


@pytest.fixture
def reviewers(world):
    """The council names a finance reviewer and a legal reviewer for its reports in ``ours``."""
    council = world.bodies["council"]
    people = {}
    for kind in (FINANCE, LEGAL):
        person = UserFactory(username=f"clearance-{kind}")
        MembershipFactory(user=person, organisation=council, role=Role.OFFICER)
        people[kind] = person
    admin = world.user("council", Role.ADMINISTRATOR)
    for kind, person in people.items():
        services.save_clearance_reviewers(
            partnership=world.ours, organisation=council, kind=kind, users=[person], user=admin
        )
    return people


@pytest.fixture
def report(world):
    return ReportFactory(
        partnership=world.ours,
        organisation=world.bodies["council"],
        title="Carers strategy",
        body="Version 1",
    )


def officer(world, body="council"):
    return world.user(body, Role.OFFICER)


def clear(report, kind, person, organisation=None, outcome=ClearanceOutcome.CLEARED, comment=""):
    return services.record_clearance(
        report=report,
        kind=kind,
        organisation=organisation or report.organisation,
        outcome=outcome,
        comment=comment,
        user=person,
    )


def test_a_report_whose_body_requires_no_review_is_approved_as_before(world, report):
    assert clearance.requirements(report) == []
    services.finalise_report(report=report, user=officer(world))
    assert Report.objects.get(pk=report.pk).status == ReportStatus.FINAL


def test_a_report_is_approved_only_once_every_review_is_given_on_it_as_it_stands(world, report, reviewers):
    with pytest.raises(ValidationError, match=r"cleared by finance \(Council\), legal \(Council\)"):
        services.finalise_report(report=report, user=officer(world))
    clear(report, FINANCE, reviewers[FINANCE])
    with pytest.raises(ValidationError) as no_comment:
        clear(report, LEGAL, reviewers[LEGAL], outcome=ClearanceOutcome.CHANGES)
    assert "comment" in no_comment.value.message_dict
    clear(
        report, LEGAL, reviewers[LEGAL], outcome=ClearanceOutcome.CHANGES, comment="Cite the Care Act duty."
    )
    with pytest.raises(ValidationError, match=r"legal \(Council\)"):
        services.finalise_report(report=report, user=officer(world))

    # The author changes the report: the finance review was of the earlier text.
    report.body = "Version 2, citing the Care Act 2014, section 10."
    services.save_report(report=report, user=officer(world))
    clear(report, LEGAL, reviewers[LEGAL])
    states = {r.kind: r for r in clearance.requirements(report)}
    assert states[FINANCE].latest.outcome == ClearanceOutcome.CLEARED and not states[FINANCE].current
    with pytest.raises(ValidationError, match=r"cleared by finance \(Council\)\."):
        services.finalise_report(report=report, user=officer(world))
    clear(report, FINANCE, reviewers[FINANCE])
    services.finalise_report(report=report, user=officer(world))
    assert Report.objects.get(pk=report.pk).status == ReportStatus.FINAL
    assert report.clearances.count() == 4  # every review is kept, with its comment
    assert report.clearances.filter(comment="Cite the Care Act duty.").exists()


def test_a_cost_line_added_after_a_review_needs_the_review_again(world, report, reviewers):
    clear(report, FINANCE, reviewers[FINANCE])
    before = clearance.fingerprint(report)
    services.add_cost_line(
        report=report,
        label="Carers' breaks",
        year_label="2027/28",
        amount=Decimal("25000.00"),
        user=officer(world),
    )
    assert clearance.fingerprint(report) != before
    assert {r.kind for r in clearance.outstanding(report)} == {FINANCE, LEGAL}


def test_only_the_named_reviewer_gives_a_review_and_a_partner_officer_leads_a_joint_report(
    world, report, reviewers
):
    for person in (reviewers[LEGAL], officer(world), world.user("council", Role.AUDITOR)):
        with pytest.raises(PermissionDenied):
            clear(report, FINANCE, person)
    nhs = world.bodies["nhs"]
    services.save_report(report=report, user=officer(world), joint_with=[nhs])
    assert [(r.kind, r.organisation) for r in clearance.requirements(report)] == [
        (FINANCE, report.organisation),
        (LEGAL, report.organisation),
        (LEAD, nhs),
    ]
    with pytest.raises(PermissionDenied):
        clear(report, LEAD, officer(world), organisation=nhs)  # the council cannot lead for the ICB
    clear(report, LEAD, officer(world, "nhs"), organisation=nhs)
    alone = ReportFactory(partnership=world.ours, organisation=world.bodies["council"])  # not joint
    with pytest.raises(ValidationError, match="does not need that review"):
        clear(alone, LEAD, officer(world, "nhs"), organisation=nhs)
    with pytest.raises(ValidationError) as stranger:
        services.save_report(report=report, user=officer(world), joint_with=[world.bodies["other"]])
    assert "joint_with" in stranger.value.message_dict


def test_a_review_of_a_report_that_changed_since_the_reviewer_read_it_is_refused(world, report, reviewers):
    read = clearance.fingerprint(report)
    report.body = "Changed while the reviewer was reading."
    services.save_report(report=report, user=officer(world))
    with pytest.raises(ValidationError, match="changed after you opened it"):
        services.record_clearance(
            report=report,
            kind=FINANCE,
            organisation=report.organisation,
            outcome=ClearanceOutcome.CLEARED,
            user=reviewers[FINANCE],
            seen=read,
        )
    assert not report.clearances.exists()


def test_only_a_body_administrator_names_its_reviewers_and_only_its_own_people(world, reviewers):
    council = world.bodies["council"]
    with pytest.raises(PermissionDenied):
        services.save_clearance_reviewers(
            partnership=world.ours,
            organisation=council,
            kind=FINANCE,
            users=[],
            user=world.user("nhs", Role.ADMINISTRATOR),
        )
    with pytest.raises(ValidationError) as stranger:
        services.save_clearance_reviewers(
            partnership=world.ours,
            organisation=council,
            kind=FINANCE,
            users=[officer(world, "nhs")],
            user=world.user("council", Role.ADMINISTRATOR),
        )
    assert "users" in stranger.value.message_dict
    services.save_clearance_reviewers(
        partnership=world.ours,
        organisation=council,
        kind=LEGAL,
        users=[],
        user=world.user("council", Role.ADMINISTRATOR),
    )
    report = ReportFactory(partnership=world.ours, organisation=council)
    assert [r.kind for r in clearance.requirements(report)] == [FINANCE]  # legal no longer required


def test_only_a_report_approved_for_publication_goes_on_a_published_agenda(world, report):
    secretary = world.user("council", Role.COMMITTEE_SECRETARY)
    meeting = MeetingFactory(
        committee__partnership=world.ours, starts_at=timezone.now() + datetime.timedelta(days=20)
    )
    item = AgendaItemFactory(meeting=meeting, title="Carers strategy", report=report)
    with pytest.raises(ValidationError, match="“Carers strategy” is still a draft"):
        services.publish_agenda(meeting=meeting, user=secretary)
    services.finalise_report(report=report, user=officer(world))
    services.publish_agenda(meeting=meeting, user=secretary)

    draft = ReportFactory(partnership=world.ours, organisation=world.bodies["council"], title="Late draft")
    late = services.add_agenda_item(
        item=AgendaItem(meeting=meeting, title="Urgent", report=draft, late_reason="Deadline"), user=secretary
    )
    with pytest.raises(ValidationError, match="“Late draft” is still a draft"):
        services.publish_supplementary_agenda(meeting=meeting, user=secretary)
    assert AgendaItem.objects.get(pk=late.pk).awaiting_supplement
    item.report = draft
    with pytest.raises(ValidationError) as published:
        services.add_agenda_item(item=item, user=secretary)
    assert "report" in published.value.message_dict
    assert status_of(meeting) == MeetingStatus.AGENDA_PUBLISHED


def status_of(meeting):
    meeting.refresh_from_db()
    return meeting.status


def test_the_report_page_shows_each_review_and_offers_the_reviewer_theirs(client, world, report, reviewers):
    clear(
        report, LEGAL, reviewers[LEGAL], outcome=ClearanceOutcome.CHANGES, comment="Cite the Care Act duty."
    )
    url = report.get_absolute_url()
    client.force_login(reviewers[FINANCE])
    page = client.get(url).content.decode()
    assert "Cite the Care Act duty." in page and "Not yet given" in page
    assert page.count('name="form_prefix"') == 1  # their own review only
    form = client.get(url).context["clearance"][0][1]
    response = client.post(
        reverse("committees:report_clear", kwargs={"partnership": "ours", "pk": report.pk}),
        {
            "form_prefix": form.prefix,
            f"{form.prefix}-kind": FINANCE,
            f"{form.prefix}-organisation": report.organisation.pk,
            f"{form.prefix}-seen": clearance.fingerprint(report),
            f"{form.prefix}-outcome": ClearanceOutcome.CLEARED,
        },
    )
    assert response.status_code == 302
    assert clearance.requirements(report)[0].cleared
    client.force_login(officer(world))
    assert 'name="form_prefix"' not in client.get(url).content.decode()


def test_asking_for_changes_without_saying_what_shows_the_report_again_with_the_error_beside_it(
    client, world, report, reviewers
):
    client.force_login(reviewers[FINANCE])
    form = client.get(report.get_absolute_url()).context["clearance"][0][1]
    clear_url = reverse("committees:report_clear", kwargs={"partnership": "ours", "pk": report.pk})
    sent = {
        "form_prefix": form.prefix,
        f"{form.prefix}-kind": FINANCE,
        f"{form.prefix}-organisation": report.organisation.pk,
        f"{form.prefix}-seen": clearance.fingerprint(report),
        f"{form.prefix}-outcome": ClearanceOutcome.CHANGES,
    }
    response = client.post(clear_url, sent)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Carers strategy" in page and "There is a problem" in page
    assert f'href="#id_{form.prefix}-comment">Say what should change.</a>' in page  # the summary
    assert 'class="govuk-error-message"' in page  # and beside the field
    assert re.search(r"value=\"changes\"[^>]*checked", page)  # the choice made is kept
    assert not report.clearances.exists()
    # A review form no row of the page offers (tampered with) still gets a plain 400.
    response = client.post(clear_url, {**sent, "form_prefix": "clear-legal-999999"})
    assert response.status_code == 400 and "There is a problem with the request" in response.content.decode()


def test_the_reports_history_shows_each_review(client, world, report, reviewers):
    clear(
        report, LEGAL, reviewers[LEGAL], outcome=ClearanceOutcome.CHANGES, comment="Cite the Care Act duty."
    )
    client.force_login(officer(world))
    history = reverse("committees:report_history", kwargs={"partnership": "ours", "pk": report.pk})
    page = client.get(history).content.decode()
    assert "Cite the Care Act duty." in page and "Changes asked for" in page
