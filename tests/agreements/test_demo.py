"""The agreements demo reproduces the papers' agreements and runs twice without duplicates."""

import pytest

from agreements import demo, services
from agreements.choices import AgreementStatus, ScheduleStatus
from agreements.models import Agreement, AgreementParty, Review, Schedule
from agreements.services import missing_statutory_elements
from partnership import demo as core_demo

pytestmark = pytest.mark.django_db

MODELS = [Agreement, AgreementParty, Schedule, Review]


def counts():
    return [(m.objects.count(), m.history.count()) for m in MODELS]


def test_demo_loads_twice_without_duplicates_or_new_history():
    context = core_demo.load()
    demo.load(context)
    first = counts()
    context = core_demo.load()
    demo.load(context)
    assert counts() == first
    assert set(context["agreements"]) >= {
        "banes-framework",
        "walsall-s75-jcu",
        "worcs-concordat",
        "cheshire-ld-pool",
    }


def test_demo_reproduces_the_papers():
    context = core_demo.load()
    agreements = demo.load(context)
    framework = agreements["banes-framework"]
    schedules = list(framework.schedules.all())
    assert len(schedules) == 9
    assert {s.status for s in schedules} == {ScheduleStatus.TO_BE_DEVELOPED}
    assert schedules[3].title == "Joint Committee for the Oversight of Joint Working: Terms of Reference"
    assert agreements["banes-s75-pooled"].host_body == context["organisations"]["banes-council"]
    assert agreements["banes-s75-pooled"].parent == framework
    assert agreements["worcs-s31-2003"].status == AgreementStatus.EXPIRED
    assert agreements["worcs-concordat"].status == AgreementStatus.AWAITING_SIGNATURE
    assert agreements["walsall-s75-jcu"].host_body == context["organisations"]["nhs-walsall"]
    # Regulations 8 and 9: the in-force lead commissioning agreements state who pays whom.
    jcu = agreements["walsall-s75-jcu"].payments.get()
    assert (jcu.payer, jcu.payee) == (
        context["organisations"]["walsall-council"],
        context["organisations"]["nhs-walsall"],
    )
    for key in ("walsall-s75-jcu", "worcs-s75-adults"):
        assert not any("payment" in missing for missing in missing_statutory_elements(agreements[key])), key


def test_demo_shows_an_agreement_under_notice():
    agreements = demo.load(core_demo.load())
    equipment = agreements["walsall-ices-pool"]
    assert equipment.status == AgreementStatus.IN_FORCE and equipment.pending_ending
    assert equipment.ending_summary().startswith(
        "Terminating on 31 March 2027 (notice given 30 September 2026 by "
    )
    assert equipment.ends_on >= services.earliest_end(equipment, equipment.notice_given_on)
