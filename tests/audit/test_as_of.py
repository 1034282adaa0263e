"""'As it stood on': a record and its children at the end of a chosen day."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template import Context, Template
from django.urls import reverse

from agreements.models import Agreement, AgreementParty, Schedule, Variation
from partnership import audit
from partnership.choices import Role
from tests.agreements.factories import ScheduleFactory, VariationFactory, agreement_between

LONDON = ZoneInfo("Europe/London")
DAY_ONE = datetime.date(2024, 4, 10)
DAY_TWO = datetime.date(2024, 5, 10)
DAY_THREE = datetime.date(2024, 6, 10)


def at(day, hour=12):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(hour), LONDON), tick=False)


def as_of_url(partnership, obj, day=None, pdf=False):
    url = reverse(
        "audit:as_of_pdf" if pdf else "audit:as_of",
        kwargs={
            "partnership": partnership.slug,
            "app_label": obj._meta.app_label,
            "model": obj._meta.model_name,
            "pk": obj.pk,
        },
    )
    return f"{url}?date={day.isoformat()}" if day else url


def values(state):
    return dict(state.fields)


def child_states(reconstruction, kind):
    return next(group.states for group in reconstruction.children if group.title == kind)


@pytest.fixture
def agreement(world, officer):
    with at(DAY_ONE):
        agreement = agreement_between(
            world.ours, world.bodies["council"], world.bodies["nhs"], reference="S75-1", title="Original"
        )
        ScheduleFactory(agreement=agreement, number=1, title="Pooled budget")
    with at(DAY_TWO):
        agreement.title = "Renamed"
        agreement._history_user = officer
        agreement.save()
        schedule = agreement.schedules.get()
        schedule.title = "Pooled budget (revised)"
        schedule.save()
        VariationFactory(agreement=agreement, number=1, title="Increase contributions")
    with at(DAY_TWO, hour=23):
        # Late in the evening UK time is still the same day.
        agreement.notice_period_months = 6
        agreement.save()
    return agreement


def test_earlier_values_come_back_after_later_edits_and_a_variation(agreement):
    before = audit.reconstruct(Agreement, agreement.pk, DAY_ONE)
    assert values(before.root)["Title"] == "Original"
    assert [s.label for s in child_states(before, "Schedules")] == ["Schedule 1: Pooled budget"]
    assert child_states(before, "Variations") == []
    assert len(child_states(before, "Agreement parties")) == 2

    after = audit.reconstruct(Agreement, agreement.pk, DAY_TWO)
    assert values(after.root)["Title"] == "Renamed"
    assert values(after.root)["Notice period (months)"] == "6"
    assert [s.label for s in child_states(after, "Schedules")] == ["Schedule 1: Pooled budget (revised)"]
    assert [s.label for s in child_states(after, "Variations")] == ["Variation 1: Increase contributions"]


def test_a_record_did_not_exist_before_it_was_created(agreement):
    assert audit.reconstruct(Agreement, agreement.pk, DAY_ONE - datetime.timedelta(days=1)).root is None


def test_choices_and_foreign_keys_are_shown_by_name(agreement):
    state = audit.reconstruct(Agreement, agreement.pk, DAY_ONE)
    party = values(child_states(state, "Agreement parties")[0])
    assert party["Organisation"] in {"Our Council", "Our ICB"}
    assert party["Role"] in {"Host or lead", "Partner"}
    assert values(state.root)["Partnership"] == "Our partnership"


def test_children_removed_later_are_still_shown_on_earlier_days(agreement, officer):
    with at(DAY_THREE):
        party = agreement.parties.get(organisation__name="Our ICB")
        party._history_user = officer
        party.delete()
    assert len(child_states(audit.reconstruct(Agreement, agreement.pk, DAY_TWO), "Agreement parties")) == 2
    assert len(child_states(audit.reconstruct(Agreement, agreement.pk, DAY_THREE), "Agreement parties")) == 1


def test_deleted_record_shows_its_last_state_with_its_children(agreement, officer):
    pk = agreement.pk
    with at(DAY_THREE):
        agreement._history_user = officer
        agreement._change_reason = "Replaced by a new agreement"
        agreement.delete()
    assert not Agreement.objects.filter(pk=pk).exists()
    gone = audit.reconstruct(Agreement, pk, DAY_THREE)
    assert gone.deletion is not None
    assert values(gone.root)["Title"] == "Renamed"
    assert len(child_states(gone, "Agreement parties")) == 2
    assert all(s.deleted for s in child_states(gone, "Schedules"))
    # The day before, it stood as normal.
    assert audit.reconstruct(Agreement, pk, DAY_TWO).deletion is None


def test_page_shows_the_record_with_a_date_form_without_javascript(client, world, auditor, agreement):
    client.force_login(auditor)
    response = client.get(as_of_url(world.ours, agreement, DAY_ONE))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<form method="get"' in html and 'name="date' in html  # one box, or Day, Month and Year
    assert "Original" in html and "Pooled budget" in html and "Increase contributions" not in html
    html = client.get(as_of_url(world.ours, agreement, DAY_TWO)).content.decode()
    assert "Renamed" in html and "Increase contributions" in html


def test_page_without_a_date_shows_today_and_a_bad_date_is_an_error(client, world, auditor, agreement):
    client.force_login(auditor)
    assert "Renamed" in client.get(as_of_url(world.ours, agreement)).content.decode()
    response = client.get(as_of_url(world.ours, agreement) + "?date=31/02/2024")
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()


def test_pdf_of_the_view(client, world, auditor, agreement):
    from pypdf import PdfReader

    client.force_login(auditor)
    response = client.get(as_of_url(world.ours, agreement, DAY_ONE, pdf=True))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Original" in text
    assert "Pooled budget" in text
    assert "10 April 2024" in text


def test_deleted_record_is_in_the_log_linking_to_its_last_state(client, world, auditor, agreement, officer):
    pk = agreement.pk
    with at(DAY_THREE):
        agreement._history_user = officer
        agreement.delete()
    client.force_login(auditor)
    html = client.get(reverse("audit:log", kwargs={"partnership": world.ours.slug})).content.decode()
    link = reverse(
        "audit:as_of",
        kwargs={"partnership": world.ours.slug, "app_label": "agreements", "model": "agreement", "pk": pk},
    )
    assert f"{link}?date={DAY_THREE.isoformat()}" in html
    assert "Last state before deletion" in html
    page = client.get(f"{link}?date={DAY_THREE.isoformat()}").content.decode()
    assert "was deleted on" in page and "Renamed" in page


@pytest.mark.parametrize(
    "body, role, status",
    [
        ("council", Role.AUDITOR, 200),
        ("council", Role.OFFICER, 200),  # may see the agreement today
        ("nhs", Role.FINANCE_OFFICER, 200),
        ("other", Role.AUDITOR, 404),
        ("other", Role.OFFICER, 404),
    ],
)
def test_who_may_see_a_live_record_as_it_stood(client, world, agreement, body, role, status):
    client.force_login(world.user(body, role))
    assert client.get(as_of_url(world.ours, agreement, DAY_ONE)).status_code == status


def test_only_auditors_see_deleted_records(client, world, agreement, officer, auditor):
    url = as_of_url(world.ours, agreement, DAY_TWO)
    agreement._history_user = officer
    agreement.delete()
    client.force_login(officer)
    assert client.get(url).status_code == 403
    client.force_login(auditor)
    assert client.get(url).status_code == 200


def test_a_record_of_another_partnership_is_not_found_here(client, world, auditor):
    theirs = agreement_between(world.theirs, world.bodies["other"], world.bodies["other_nhs"])
    client.force_login(auditor)
    assert client.get(as_of_url(world.ours, theirs, DAY_ONE)).status_code == 404
    bogus = reverse(
        "audit:as_of",
        kwargs={"partnership": world.ours.slug, "app_label": "auth", "model": "user", "pk": auditor.pk},
    )
    assert client.get(bogus).status_code == 404


def test_a_body_as_it_stood_for_auditors(client, world, auditor):
    body = world.bodies["council"]
    body.name = "Our Council (renamed)"
    body.save()
    client.force_login(auditor)
    html = client.get(as_of_url(world.ours, body)).content.decode()
    assert "Our Council (renamed)" in html


def test_other_apps_link_with_the_as_of_include(world, agreement):
    html = Template('{% include "audit/as_of_link.html" with object=agreement %}').render(
        Context({"agreement": agreement, "partnership": world.ours})
    )
    assert as_of_url(world.ours, agreement) in html
    assert "as it stood on an earlier date" in html


def test_reconstruction_uses_one_query_per_history_source(agreement, django_assert_max_num_queries):
    sources = len(audit.history.history_sources(agreement))
    with django_assert_max_num_queries(sources * 3 + 30):
        audit.reconstruct(Agreement, agreement.pk, DAY_TWO)


def test_models_listed_as_children(agreement):
    models = {qs.model.instance_type for qs in audit.history.history_sources(agreement)}
    assert {Agreement, AgreementParty, Schedule, Variation} <= models


# --- Before tracking began ------------------------------------------------------------


@pytest.fixture
def loaded_agreement(world):
    """An agreement in force since 2012, loaded into Concordat (its history begins) on DAY_ONE."""
    with at(DAY_ONE):
        agreement = agreement_between(
            world.ours,
            world.bodies["council"],
            world.bodies["nhs"],
            reference="JWF-2012",
            title="Joint Working Framework",
            start_date=datetime.date(2012, 9, 1),
        )
        for party in agreement.parties.all():
            party.signed_on = datetime.date(2012, 9, 1)
            party.save()
    return agreement


def test_before_tracking_began_the_record_own_dates_say_it_existed(client, world, officer, loaded_agreement):
    known = audit.reconstruct(Agreement, loaded_agreement.pk, datetime.date(2019, 3, 31), officer)
    assert known.root is None
    assert known.before_tracking.existed is True
    assert ("Start date", datetime.date(2012, 9, 1), "began") in [
        (d.label, d.day, d.kind) for d in known.before_tracking.dates
    ]
    assert "Signed on, for Our Council" in [d.label for d in known.before_tracking.dates]
    client.force_login(officer)
    html = client.get(as_of_url(world.ours, loaded_agreement, datetime.date(2019, 3, 31))).content.decode()
    assert "Concordat began tracking changes to this agreement on 10 April 2024" in html
    assert "From the record's own dates, not from its history" in html
    assert "1 September 2012" in html and "Its own dates show it existed by then" in html
    assert "did not exist" not in html
    assert "Agreement: JWF-2012 — Joint Working Framework" in html
    assert f'href="?date={DAY_ONE.isoformat()}"' in html  # as first recorded


def test_did_not_exist_only_when_its_own_dates_say_so(client, world, officer, loaded_agreement):
    client.force_login(officer)
    html = client.get(as_of_url(world.ours, loaded_agreement, datetime.date(2000, 1, 1))).content.decode()
    assert (
        "This agreement did not exist at the end of 1 January 2000: its own dates show it began on "
        "1 September 2012." in html
    )


def test_a_record_without_dates_of_its_own_is_not_said_not_to_exist(world):
    from tests.finance.factories import BudgetFactory

    with at(DAY_ONE):
        budget = BudgetFactory(partnership=world.ours, host=world.bodies["council"])
    known = audit.reconstruct(type(budget), budget.pk, datetime.date(2019, 3, 31)).before_tracking
    assert known.existed is None
    assert [d.kind for d in known.dates] == ["added"]


def test_pdf_before_tracking_follows_the_same_rule(client, world, auditor, loaded_agreement):
    from pypdf import PdfReader

    client.force_login(auditor)
    response = client.get(as_of_url(world.ours, loaded_agreement, datetime.date(2019, 3, 31), pdf=True))
    assert response.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "From the record's own dates, not from its history" in text
    assert "1 September 2012" in text and "did not exist" not in text
