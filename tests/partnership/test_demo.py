import datetime

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Q
from django.utils import timezone

from agreements.models import Agreement, AgreementParty
from committees.models import CommitteeMember
from partnership import demo_history, reorganisation
from partnership.models import (
    Membership,
    Organisation,
    Partner,
    Partnership,
    Reorganisation,
    TransferredRecord,
)

D = datetime.date


def row_counts():
    """Rows in every table of the project's apps, history tables included."""
    project = {"partnership", "agreements", "finance", "staffing", "committees"}
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in project
    }


@pytest.mark.django_db
def test_demo_loader_runs_twice_without_error_or_duplicates(demo):
    first = row_counts()
    call_command("load_demo", force=True, verbosity=0)
    assert row_counts() == first
    assert Partnership.objects.count() == 4
    # The Council, the PCT, and the CCG's place passed on: B&NES CCG, BSW CCG, the BSW ICB.
    assert Partner.objects.filter(partnership__slug="banes").count() == 5
    assert Organisation.objects.get(ods_code="11E").successor.ods_code == "92G"


@pytest.mark.django_db
def test_demo_has_a_person_for_each_role_in_each_body(demo):
    council = Organisation.objects.get(name="Bath and North East Somerset Council")
    assert set(Membership.objects.filter(organisation=council).values_list("role", flat=True)) >= {
        "officer",
        "finance_officer",
        "signatory",
        "committee_secretary",
        "auditor",
        "administrator",
    }


@pytest.mark.django_db
def test_demo_loader_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo", verbosity=0)
    assert not Partnership.objects.exists()


@pytest.mark.django_db
def test_after_the_demo_no_live_record_names_an_abolished_body(demo):
    assert Reorganisation.objects.count() == len(demo_history.REORGANISATIONS)
    for recorded in Reorganisation.objects.all():
        assert recorded.is_completed, recorded
        assert reorganisation.touched_records(recorded) == [], recorded
    admin = get_user_model().objects.get(username="admin")
    assert reorganisation.attention_items(admin) == []
    today = timezone.localdate()
    current = Q(to_date__isnull=True) | Q(to_date__gte=today)
    seats = CommitteeMember.objects.filter(current).exclude(committee__status="dissolved")
    assert seats.exists()
    assert all(seat.organisation.is_active_on(today) for seat in seats.select_related("organisation"))
    in_force = AgreementParty.objects.filter(agreement__status="in_force").select_related("organisation")
    assert in_force.exists()
    assert all(party.organisation.is_active_on(today) for party in in_force)
    places = Partner.objects.filter(Q(left__isnull=True) | Q(left__gte=today)).select_related("organisation")
    assert all(place.organisation.is_active_on(today) for place in places)
    assert not Membership.objects.filter(organisation__active_to__lt=today).exists()


@pytest.mark.django_db
def test_each_pct_of_the_papers_passes_to_its_real_successors_with_history(demo):
    def nhs_places(slug):
        places = Partner.objects.filter(partnership__slug=slug).exclude(organisation__kind="local_authority")
        places = places.order_by("joined", "organisation__ods_code")
        return list(places.values_list("organisation__ods_code", "joined", "left"))

    assert nhs_places("walsall") == [
        ("5M1", D(2009, 4, 1), D(2013, 3, 31)),
        ("05Y", D(2013, 4, 1), D(2021, 3, 31)),
        ("D2P2L", D(2021, 4, 1), D(2022, 6, 30)),
        ("QUA", D(2022, 7, 1), None),
    ]
    assert [ods for ods, _joined, _left in nhs_places("cheshire-east")] == ["5NP", "01C", "01R", "27D", "QYG"]
    assert [ods for ods, _joined, _left in nhs_places("worcestershire")] == ["5PL", "05T", "18C", "QGH"]
    assert [ods for ods, _joined, _left in nhs_places("banes")] == ["5FL", "11E", "92G", "QOX"]

    # The S75 agreement with the PCT, still in force, is now the ICB's; its party's history
    # shows each body that held the place, and each handover is recorded.
    jcu = Agreement.objects.get(reference="WAL-S75-JCU")
    party = jcu.parties.get(organisation__ods_code="QUA")
    holders = [row.organisation_id for row in party.history.order_by("history_date", "history_id")]
    chain = [Organisation.objects.get(ods_code=code).pk for code in ("5M1", "05Y", "D2P2L", "QUA")]
    assert [pk for index, pk in enumerate(holders) if index == 0 or pk != holders[index - 1]] == chain
    walsall_pct = Organisation.objects.get(ods_code="5M1")
    assert walsall_pct.successor.ods_code == "05Y"
    assert TransferredRecord.objects.filter(
        from_organisation=walsall_pct, to_organisation__ods_code="05Y", kind="Agreement party"
    ).exists()

    # Every abolished body's own history records its end, by the reorganisation.
    abolished = Organisation.objects.filter(active_to__isnull=False)
    assert abolished.count() == 23
    for body in abolished:
        ended = body.history.filter(active_to=body.active_to).earliest("history_date")
        assert ended.history_change_reason == demo_history.REASON, body

    # A split: Central and Eastern Cheshire PCT's successors include Vale Royal CCG, which
    # held nothing of the partnership's and merged into NHS Cheshire CCG in 2020.
    split = Reorganisation.objects.get(bodies__organisation__ods_code="5NP", bodies__side="abolished")
    assert {body.ods_code for body in split.successors()} == {"01C", "01R", "02D"}
    # Chosen per record: the Crewe locality's seat went to South Cheshire CCG, the rest to
    # Eastern Cheshire CCG.
    crewe = CommitteeMember.objects.filter(committee__name="Crewe locality case committee").exclude(
        organisation__kind="local_authority"
    )
    nominators = list(crewe.order_by("from_date").values_list("organisation__ods_code", flat=True))
    assert nominators == ["5NP", "01R", "27D", "QYG"]
    macclesfield = CommitteeMember.objects.filter(committee__name="Macclesfield locality case committee")
    assert "01C" in set(macclesfield.values_list("organisation__ods_code", flat=True))
    vale_royal = Organisation.objects.get(ods_code="02D")
    assert (vale_royal.active_to, vale_royal.successor.ods_code) == (D(2020, 3, 31), "27D")

    # An expired agreement keeps the parties it had.
    expired = Agreement.objects.get(reference="WORCS-S31-2003", status="expired")
    assert "5PL" in set(expired.parties.values_list("organisation__ods_code", flat=True))


@pytest.mark.django_db(transaction=True)
def test_demo_leaves_a_reorganisation_someone_recorded_themselves_alone(settings, capsys):
    """Someone tried the feature on a demo loaded before the demo had its history. Loading it
    sends no e-mail, nor prints one with the console backend the README's demo command uses."""
    from partnership import demo as core_demo

    bodies = core_demo.load()["organisations"]
    admin = get_user_model().objects.get(username="admin")
    successor = Organisation.objects.create(name="NHS Walsall CCG", kind="ccg", active_from=D(2013, 4, 1))
    theirs = reorganisation.record_reorganisation(
        name="Walsall PCT abolished",
        takes_effect=D(2013, 4, 1),
        abolished=[bodies["nhs-walsall"]],
        successors=[successor],
        user=admin,
    )
    from partnership.celery import app

    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    capsys.readouterr()
    eager, app.conf.task_always_eager = app.conf.task_always_eager, True  # as the demo runs, without Redis
    try:
        call_command("load_demo", force=True, verbosity=0)
    finally:
        app.conf.task_always_eager = eager
    printed = capsys.readouterr().out
    assert "Subject:" not in printed
    assert "e-mails to the demo's people were made and not sent" in printed
    theirs.refresh_from_db()
    assert not theirs.is_completed
    assert not Reorganisation.objects.filter(name="NHS Walsall to NHS Walsall CCG").exists()
    assert Reorganisation.objects.get(name="BSW CCG to the BSW ICB").is_completed
