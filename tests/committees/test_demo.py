"""The committees demo loads the papers' arrangements, and loading twice adds nothing."""

from decimal import Decimal

import pytest

from committees import demo
from committees.choices import BindingOutcome, CommitteeStatus
from committees.models import (
    Action,
    AgendaItem,
    Committee,
    CommitteeMember,
    Decision,
    DecisionBinding,
    Delegation,
    Meeting,
    Report,
    ReportAppendix,
    ReportCostLine,
)
from committees.services import cost_table
from partnership import demo as core_demo

MODELS = [
    Committee,
    CommitteeMember,
    Meeting,
    AgendaItem,
    Report,
    ReportCostLine,
    ReportAppendix,
    Decision,
    DecisionBinding,
    Delegation,
    Action,
]


def load_all():
    return demo.load(core_demo.load())


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.django_db
def test_demo_loads_twice_without_duplicates_or_new_history(media_root):
    load_all()
    counts = {model: model.objects.count() for model in MODELS}
    history = {model: model.history.count() for model in MODELS}
    load_all()
    assert {model: model.objects.count() for model in MODELS} == counts
    assert {model: model.history.count() for model in MODELS} == history
    assert counts[Committee] >= 10
    # Its published plan entries were announced when published: the sweep tells no one again.
    from committees.services import announce_plan_entries_due

    assert announce_plan_entries_due() == 0


@pytest.mark.django_db
def test_demo_reproduces_the_papers(media_root):
    made = load_all()
    jclt = made["banes-jclt"]
    assert jclt.cycle == "bi_monthly" and jclt.chair_description == "B&NES CCG Accountable Officer"
    ihcb = made["banes-ihcb"]
    assert ihcb.status == CommitteeStatus.SHADOW and ihcb.meets_in_public
    assert ihcb.equal_nomination_required
    from committees.services import nomination_check

    assert nomination_check(ihcb).ok
    assert made["banes-jcc"].status == CommitteeStatus.DISSOLVED
    assert made["banes-oversight"].cycle == "annual"
    paper = Report.objects.get(forward_plan_reference="E 3010")
    table = cost_table(paper)
    assert table["years"] == ["2017/18 (remaining)", "2018/19"]
    # Computed, not typed: the paper printed £102,979 for 2018/19; its lines add up to £102,795.
    assert table["totals"] == [Decimal("68230"), Decimal("102795")]
    assert paper.appendices.count() == 2
    outcomes = {
        (b.decision.reference, b.organisation.short_name): b.outcome
        for b in DecisionBinding.objects.select_related("decision", "organisation")
    }
    # The Board was in shadow form: within the council's delegation, yet only a recommendation.
    agreed = DecisionBinding.objects.get(
        decision__reference="IHCB/2018/07", organisation__short_name="B&NES Council"
    )
    assert agreed.outcome == BindingOutcome.AWAITING_RATIFICATION
    assert agreed.reason_list == [
        "Integrated Health and Care Board is a shadow committee: it recommends, and binds no body."
    ]
    assert outcomes[("IHCB/2018/08", "B&NES Council")] == BindingOutcome.RATIFIED
    assert outcomes[("IHCB/2018/08", "B&NES CCG")] == BindingOutcome.AWAITING_RATIFICATION
    assert outcomes[("IHCB/2018/09", "B&NES CCG")] == BindingOutcome.AWAITING_RATIFICATION
    assert Delegation.objects.filter(to_post__startswith="Executive Director of Social Care").exists()
    chiefs = made["cheshire-east-chief-executives"]
    titles = list(chiefs.meetings.values_list("title", flat=True))
    assert titles.count("Joined by the Leader, Portfolio Holders and NHS Chairs") == 2
    assert made["worcestershire-cross-cutting"].cycle == "six_monthly"
    # The worked meeting shows a late item on its supplementary agenda, and the exempt item's
    # public interest test.
    worked = Meeting.objects.get(committee=ihcb, starts_at__date="2018-06-14")
    late = worked.items.get(late=True)
    assert late.supplementary_agenda.number == 1 and "before the Board's next meeting" in late.late_reason
    assert late.minute.text.startswith("The Chair agreed to take this item as a matter of urgency")
    assert all(item.public_interest_reasons for item in worked.items.filter(exempt=True))
