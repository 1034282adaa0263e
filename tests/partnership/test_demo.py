import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from partnership.models import Membership, Organisation, Partner, Partnership


def row_counts():
    """Rows in every table of the project's apps, history tables included."""
    project = {"partnership", "agreements", "finance", "staffing", "committees"}
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in project
    }


@pytest.mark.django_db
def test_demo_loader_runs_twice_without_error_or_duplicates():
    call_command("load_demo", force=True, verbosity=0)
    first = row_counts()
    call_command("load_demo", force=True, verbosity=0)
    assert row_counts() == first
    assert Partnership.objects.count() == 4
    assert Partner.objects.filter(partnership__slug="banes").count() == 3
    assert Organisation.objects.get(ods_code="11E").successor.ods_code == "92G"


@pytest.mark.django_db
def test_demo_has_a_person_for_each_role_in_each_body():
    call_command("load_demo", force=True, verbosity=0)
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
