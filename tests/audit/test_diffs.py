"""Field-by-field diffs on the History tab, including changes to child records."""

import pytest
from django.urls import reverse

from partnership import history
from partnership.choices import Role
from tests.agreements.factories import ScheduleFactory, VariationFactory, agreement_between


@pytest.fixture
def agreement(world, officer):
    agreement = agreement_between(
        world.ours, world.bodies["council"], world.bodies["nhs"], reference="S75-D", title="Before"
    )
    agreement._history_user = officer
    agreement._change_reason = "Retitled at the board"
    agreement.title = "After"
    agreement.save()
    schedule = ScheduleFactory(agreement=agreement, number=1, title="Draft schedule")
    schedule._history_user = officer
    schedule.title = "Final schedule"
    schedule.save()
    VariationFactory(agreement=agreement, number=1, title="First variation")
    return agreement


def _entry(entries, kind, action):
    return next(e for e in entries if e.kind == kind and e.action == action)


def test_own_fields_are_diffed_with_user_body_and_reason(agreement, officer, world):
    entries = history.entries_for(history.history_sources(agreement))
    change = _entry(entries, "Agreement", "Changed")
    assert [(c.name, c.before, c.after) for c in change.changes] == [("title", "Before", "After")]
    assert change.user == officer
    assert change.organisation == world.bodies["council"]
    assert change.reason == "Retitled at the board"


def test_child_records_are_diffed_with_the_parent(agreement):
    entries = history.entries_for(history.history_sources(agreement))
    schedule = _entry(entries, "Schedule", "Changed")
    assert [(c.name, c.before, c.after) for c in schedule.changes] == [
        ("title", "Draft schedule", "Final schedule")
    ]
    created = _entry(entries, "Variation", "Created")
    assert ("title", "—", "First variation") in [(c.name, c.before, c.after) for c in created.changes]
    parties = [e for e in entries if e.kind == "Agreement party" and e.action == "Created"]
    assert {c.after for e in parties for c in e.changes if c.name == "organisation"} == {
        "Our Council",
        "Our ICB",
    }


def test_deleted_child_is_listed_with_its_last_label(agreement, officer):
    variation = agreement.variations.get()
    variation._history_user = officer
    variation.delete()
    entries = history.entries_for(history.history_sources(agreement))
    deleted = _entry(entries, "Variation", "Deleted")
    assert deleted.label == "Variation 1: First variation"
    assert deleted.user == officer


def test_audit_entry_page_shows_the_diff_and_the_hash(client, world, agreement):
    from partnership import audit
    from partnership.models import AuditEntry

    entry = AuditEntry.objects.filter(history_table="agreements.HistoricalSchedule", action="changed").get()
    client.force_login(world.user("nhs", Role.AUDITOR))
    url = reverse("audit:entry", kwargs={"partnership": world.ours.slug, "pk": entry.pk})
    assert "Not sealed yet" in client.get(url).content.decode()
    audit.seal_pending()  # what the commit does; the test's transaction never commits
    entry.refresh_from_db()
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Not sealed yet" not in html
    assert entry.hash and entry.previous_hash
    # The title's change, word by word: "Draft" removed, "Final" added, "schedule" kept.
    assert '<span class="govuk-visually-hidden">removed: </span>Draft</del>' in html
    assert '<span class="govuk-visually-hidden">added: </span>Final</ins> schedule' in html
    assert entry.hash in html and entry.previous_hash in html


def test_audit_entry_of_another_partnership_is_not_found(client, world):
    from partnership.models import AuditEntry

    theirs = agreement_between(world.theirs, world.bodies["other"], world.bodies["other_nhs"])
    entry = AuditEntry.objects.filter(
        history_table="agreements.HistoricalAgreement", object_id=str(theirs.pk)
    ).get()
    client.force_login(world.user("council", Role.AUDITOR))
    url = reverse("audit:entry", kwargs={"partnership": world.ours.slug, "pk": entry.pk})
    assert client.get(url).status_code == 404
