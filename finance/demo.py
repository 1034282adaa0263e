"""Demo budgets from the seed papers (shared/seeds/), loaded through finance.services.

* B&NES: pooled funds hosted by the Council (Joint Working Framework 2012,
  section on financial arrangements), the 2017 integration programme's
  two-year cost table (Cabinet report, paragraph 3.2), and Section 256
  transfers from the CCG to the Council.
* Cheshire East: the learning disability pooled budget of about £66m
  (pan-Cheshire PCT outturn for 2008/9), the Council as lead commissioner.
* Walsall: aligned (not pooled) budgets of about £97m under the Joint
  Commissioning Unit (£83m commissioned externally, £14m in-house), and the
  existing pooled budgets (community equipment, learning disabilities) that
  continue.

Where a paper gives no figure the amounts are illustrative and the record
says so. Idempotent: records are found by natural keys and saved only when
something changed.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from finance import services
from finance.choices import (
    BudgetKind,
    ReportKind,
    ReportPeriod,
    ReturnKind,
    RiskShareRule,
    TransferStatus,
    UnderspendRule,
)
from finance.models import (
    Budget,
    BudgetLine,
    ExitReturn,
    FundExit,
    Instalment,
    ResidualLiability,
    StatutoryReport,
    Transfer,
    YearEnd,
)
from partnership.choices import Role
from partnership.dates import financial_year_start
from partnership.models import Membership

D = Decimal
REASON = "Demo data"

#: The integration programme's costs (B&NES Cabinet, 2017, paragraph 3.2): line -> (2017/18, 2018/19).
INTEGRATION_COSTS = {
    "Programme Director": (D("20968"), D("37964")),
    "Communications Support and Staff Engagement": (D("20000"), D("25200")),
    "Admin Support": (D("5262"), D("12631")),
    "Organisational Development": (D("5000"), D("5000")),
    "Finance": (D("7000"), D("7000")),
    "Legal Advice": (D("10000"), D("15000")),
}

#: key in context["agreements"] (made by agreements.demo) -> (partnership, reference, kinds to fall
#: back on, title if finance must make a minimal one because the agreements demo has none).
AGREEMENTS = {
    "banes-s75-pooled": (
        "banes",
        "BANES-S75-POOLED",
        ["s75_pooled_fund", "s10_children_act"],
        "Section 75 pooled fund agreement",
    ),
    "banes-s256": ("banes", "BANES-S256", ["s256"], "Section 256 agreement: CCG to Council"),
    "cheshire-ld-pool": (
        "cheshire-east",
        "CE-S75-LD-POOL",
        ["s75_pooled_fund", "s31_health_act_1999"],
        "Learning disability pooled budget agreement",
    ),
    "walsall-s75-jcu": (
        "walsall",
        "WAL-S75-JCU",
        ["s75_lead_commissioning", "s75_pooled_fund", "s75_integrated_provision", "framework"],
        "Joint Commissioning Unit Section 75 agreement",
    ),
    "walsall-ices-pool": (
        "walsall",
        "WAL-S75-ICES",
        ["s75_pooled_fund"],
        "Integrated Community Equipment Store pooled budget",
    ),
    # The paper names a learning disabilities pool that continues, but no agreement for it.
    "walsall-ld-pool": ("walsall", "WAL-S75-LD-POOL", [], "Learning disabilities pooled budget agreement"),
}


def load(context):
    orgs = context["organisations"]
    partnerships = context["partnerships"]
    agreements = {key: _agreement(context, key) for key in AGREEMENTS}
    users = {key: _user(f"{key}-finance") for key in ("banes-council", "banes-ccg", "cheshire-east-council")}
    users["walsall-council"] = _user("walsall-council-finance")
    users["cheshire-pct"] = _user("cheshire-pct-finance")
    budgets = {}

    # --- B&NES --------------------------------------------------------------
    banes = partnerships["banes"]
    council, ccg = orgs["banes-council"], orgs["banes-ccg"]
    bcf = _budget(
        banes,
        "Better Care Fund pooled budget",
        agreement=agreements["banes-s75-pooled"],
        kind=BudgetKind.POOLED,
        host=council,
        pooled_fund_manager="Director of Adult Care, Health and Housing Strategy and Commissioning (B&NES Council)",
        risk_share_rule=RiskShareRule.PROPORTIONAL,
        underspend_rule=UnderspendRule.CARRY_FORWARD,
        underspend_cap=D("250000"),
        description=(
            "The Section 75 pooled fund the Council hosts and manages for the Council and the CCG "
            "(Joint Working Framework: pooled funds for specific purposes, hosted by the Council). "
            "The amounts are illustrative: the papers give none."
        ),
    )
    budgets["banes-bcf"] = bcf
    services.set_cover_caps(budget=bcf, caps={ccg: D("500000")}, user=users["banes-council"], reason=REASON)
    _bcf_2017(bcf, council, ccg, users)
    for name, body, plan, actual in [
        ("Community health and care services (Sirona)", council, D("9500000"), D("4812000")),
        ("Reablement and hospital discharge", council, D("2400000"), D("1275500")),
        ("Drugs and alcohol services (Responsible Authorities Group)", council, D("1100000"), D("531000")),
        ("Disabled facilities grant", council, D("1300000"), D("598000")),
    ]:
        line = _line(bcf, name, body)
        services.set_line_plan(line=line, year=2018, amount=plan, user=users["banes-council"], reason=REASON)
        forecast = (actual * 2).quantize(D("0.01"))
        for month, spent in ((3, (actual * D("0.48")).quantize(D("0.01"))), (6, actual)):
            services.record_monitoring(
                line=line,
                year=2018,
                month=month,
                actual_to_date=spent,
                forecast_outturn=forecast,
                user=users["banes-council"],
                note="Illustrative figures",
                reason=REASON,
            )
    council_bcf = services.set_contribution(
        budget=bcf,
        organisation=council,
        year=2018,
        amount=D("4600000"),
        agree_by=datetime.date(2018, 3, 1),
        user=users["banes-council"],
        reason=REASON,
    )
    if council_bcf.agreed_on is None:
        # The Council's section 151 officer agreed its 2018/19 contribution before the year began.
        services.agree_contribution(
            contribution=council_bcf,
            user=users["banes-council"],
            on=datetime.date(2018, 2, 20),
            reason=REASON,
        )
    ccg_bcf = services.set_contribution(
        budget=bcf, organisation=ccg, year=2018, amount=D("9700000"), user=users["banes-ccg"], reason=REASON
    )
    _quarterly_instalments(council_bcf, users["banes-council"], paid=2)
    _quarterly_instalments(ccg_bcf, users["banes-ccg"], paid=2)
    for body, key in ((council, "banes-council"), (ccg, "banes-ccg")):
        services.name_report_recipient(
            budget=bcf, organisation=body, named=users[key], user=users[key], reason=REASON
        )
    services.save_fund_year(
        budget=bcf,
        year=2018,
        user=users["banes-council"],
        reason=REASON,
        contingency=D("150000"),
        income=D("0"),
        ledger_contributions=D("7150000"),
        ledger_spend=D("7228900"),
        ledger_income=D("0"),
        ledger_as_at=datetime.date(2018, 9, 30),
    )
    _issue(bcf, 2017, ReportPeriod.ANNUAL, users["banes-council"], datetime.date(2018, 6, 12))
    _issue(bcf, 2018, ReportPeriod.Q1, users["banes-council"], datetime.date(2018, 7, 20))

    programme = _budget(
        banes,
        "Integration programme 2017–19",
        agreement=agreements["banes-s75-pooled"],
        kind=BudgetKind.POOLED,
        host=council,
        pooled_fund_manager="Director of Integrated Health and Care Commissioning",
        risk_share_rule=RiskShareRule.FIXED_SHARES,
        ends_on=datetime.date(2019, 3, 31),
        description=(
            "The two-year cost table of the Cabinet report of 2017 (paragraph 3.2), funded from the Better "
            "Care Fund's 'strategic support' allocation. The report's 2018/19 column gives a total of "
            "£102,979, but its lines add up to £102,795: Concordat shows the sum of the lines. The equal "
            "split between Council and CCG, and the 2017/18 outturn, are illustrative."
        ),
    )
    budgets["banes-integration"] = programme
    if not _fund_closed(programme):  # a closed fund changes no more
        services.set_risk_shares(
            budget=programme,
            shares={council: D("50"), ccg: D("50")},
            user=users["banes-council"],
            reason=REASON,
        )
        for name, (first, second) in INTEGRATION_COSTS.items():
            line = _line(programme, name, council)
            if not _is_closed(programme, 2017):
                services.set_line_plan(
                    line=line, year=2017, amount=first, user=users["banes-council"], reason=REASON
                )
            services.set_line_plan(
                line=line, year=2018, amount=second, user=users["banes-council"], reason=REASON
            )
            if not _is_closed(programme, 2017):
                outturn = first + (D("1250") if name == "Legal Advice" else D("0"))
                services.record_monitoring(
                    line=line,
                    year=2017,
                    month=12,
                    actual_to_date=outturn,
                    forecast_outturn=outturn,
                    user=users["banes-council"],
                    note="Year-end outturn (illustrative)",
                    reason=REASON,
                )
        for year in (2017, 2018):
            total = sum((costs[year - 2017] for costs in INTEGRATION_COSTS.values()), D("0"))
            council_part = (total / 2).quantize(D("0.01"))
            if not _is_closed(programme, year):
                services.set_contribution(
                    budget=programme,
                    organisation=council,
                    year=year,
                    amount=council_part,
                    user=users["banes-council"],
                    reason=REASON,
                )
                services.set_contribution(
                    budget=programme,
                    organisation=ccg,
                    year=year,
                    amount=total - council_part,
                    user=users["banes-ccg"],
                    reason=REASON,
                )
        if not YearEnd.objects.filter(budget=programme, year=2017).exists():
            services.close_financial_year(
                budget=programme,
                year=2017,
                user=users["banes-council"],
                note="Outturn reported to the Joint Commissioning Committee (demo)",
            )

        _programme_exit(programme, council, ccg, users)

    s256 = agreements["banes-s256"]
    for purpose, year, amount, status, paid in [
        (
            "Social care services which also benefit health: reablement capacity",
            2018,
            D("1250000"),
            TransferStatus.PAID,
            datetime.date(2018, 10, 15),
        ),
        (
            "Carers' breaks and support (NHS funding for carers)",
            2018,
            D("420000"),
            TransferStatus.AGREED,
            None,
        ),
        ("Winter pressures: additional home care", 2019, D("600000"), TransferStatus.PROPOSED, None),
    ]:
        _transfer(
            s256,
            ccg,
            council,
            purpose=purpose,
            year=year,
            amount=amount,
            status=status,
            payment_date=paid,
            conditions=(
                "The Council spends the money on the purpose stated and reports its use to the CCG "
                "each quarter. Amount illustrative: the framework gives none."
            ),
            user=users["banes-ccg"],
        )

    # --- Cheshire East ------------------------------------------------------
    cheshire = partnerships["cheshire-east"]
    ce_council, ce_pct = orgs["cheshire-east-council"], orgs["cheshire-pct"]
    ld_pool = _budget(
        cheshire,
        "Learning disability pooled budget",
        agreement=agreements["cheshire-ld-pool"],
        kind=BudgetKind.POOLED,
        host=ce_council,
        pooled_fund_manager="Lead commissioner for learning disabilities (Cheshire East Council)",
        risk_share_rule=RiskShareRule.PROPORTIONAL,
        description=(
            "A pooled budget for learning disability services for some time, with the Council as lead "
            "commissioner: about £66m (the pan-Cheshire PCT outturn figure for 2008/9), planned here "
            "for 2009/10, the Council’s first year. The split between the bodies is illustrative."
        ),
    )
    budgets["cheshire-ld"] = ld_pool
    line = _line(ld_pool, "Learning disability services (pan-Cheshire)", ce_council)
    # The paper's £66m is the 2008/9 outturn, when the pool was pan-Cheshire and before
    # Cheshire East Council existed (1 April 2009): the demo plans 2009/10, its first year, on it.
    services.set_line_plan(
        line=line,
        year=2009,
        amount=D("66000000"),
        user=users["cheshire-east-council"],
        reason="Planned on the 2008/9 pan-Cheshire outturn of approximately £66m",
    )
    for key, body, amount in (
        ("cheshire-east-council", ce_council, "38500000"),
        ("cheshire-pct", ce_pct, "27500000"),
    ):
        services.set_contribution(
            budget=ld_pool,
            organisation=body,
            year=2009,
            amount=D(amount),
            user=users[key],
            reason=REASON,
        )

    # --- Walsall --------------------------------------------------------------
    walsall = partnerships["walsall"]
    w_council = orgs["walsall-council"]
    aligned = _budget(
        walsall,
        "Joint Commissioning Unit aligned budgets",
        agreement=agreements["walsall-s75-jcu"],
        kind=BudgetKind.ALIGNED,
        host=None,
        pooled_fund_manager="",
        risk_share_rule=RiskShareRule.OWN_LINES,
        description=(
            "No overall pooled budget: the bodies' budgets are aligned so the JCU Manager can use them "
            "together, and each body keeps sovereignty over its own money. The gross budget the manager "
            "controls for the Council is about £97m: about £83m commissioned externally (residential and "
            "nursing placements, direct payments) and about £14m of in-house provision under service "
            "level agreements."
        ),
    )
    budgets["walsall-aligned"] = aligned
    for name, amount in [
        ("External commissioning: residential and nursing placements, direct payments", D("83000000")),
        ("In-house provision (service level agreements)", D("14000000")),
    ]:
        line = _line(aligned, name, w_council)
        services.set_line_plan(
            line=line, year=2009, amount=amount, user=users["walsall-council"], reason=REASON
        )
    services.set_contribution(
        budget=aligned,
        organisation=w_council,
        year=2009,
        amount=D("97000000"),
        user=users["walsall-council"],
        reason=REASON,
    )
    for name, key in [
        ("Integrated Community Equipment Store (ICES) pooled budget", "walsall-ices-pool"),
        ("Learning disabilities pooled budget", "walsall-ld-pool"),
    ]:
        budgets[name] = _budget(
            walsall,
            name,
            agreement=agreements[key],
            kind=BudgetKind.POOLED,
            host=w_council,
            pooled_fund_manager="",
            risk_share_rule=RiskShareRule.PROPORTIONAL,
            description=(
                "An existing pooled budget that continues in line with its current partnership "
                "arrangements alongside the JCU. The paper gives no figures or host; the host shown is "
                "illustrative."
            ),
        )
    _ices_exit(budgets["Integrated Community Equipment Store (ICES) pooled budget"], users["walsall-council"])
    context.setdefault("budgets", {}).update(budgets)
    return budgets


def _ices_exit(ices, user):
    """The equipment store's agreement is being terminated: its exit is planned, not yet closed."""
    agreement = ices.agreement
    if FundExit.objects.filter(budget=ices).exists() or not services.may_plan_exit(
        ices, timezone.localdate()
    ):
        return
    ending = agreement.ends_on or agreement.end_date
    fund_exit = services.save_fund_exit(
        fund_exit=FundExit(
            budget=ices,
            final_year=financial_year_start(ending) if ending else 2009,
            plan=(
                "The store returns to the Council on the agreement's ending: equipment on loan stays with "
                "the people using it and is recalled as they finish with it (illustrative)."
            ),
        ),
        user=user,
        reason=REASON,
    )
    services.save_residual_liability(
        liability=ResidualLiability(
            exit=fund_exit,
            description="Equipment on loan to residents, to be recalled or written off",
            held_by=ices.host,
        ),
        user=user,
        reason=REASON,
    )
    services.save_exit_return(
        item=ExitReturn(
            exit=fund_exit, kind=ReturnKind.ASSET, description="Equipment store stock", returned_to=ices.host
        ),
        user=user,
        reason=REASON,
    )


#: The Better Care Fund's 2017/18 (illustrative): line -> (planned, outturn).
BCF_2017 = {
    "Community health and care services (Sirona)": (D("9300000"), D("9210000")),
    "Reablement and hospital discharge": (D("2300000"), D("2290000")),
    "Drugs and alcohol services (Responsible Authorities Group)": (D("1080000"), D("1000000")),
    "Disabled facilities grant": (D("1250000"), D("1250000")),
}


def _bcf_2017(bcf, council, ccg, users):
    """2017/18 of the Better Care Fund, closed with an underspend carried forward into 2018/19."""
    if _is_closed(bcf, 2017):
        return
    for name, (plan, outturn) in BCF_2017.items():
        line = _line(bcf, name, council)
        services.set_line_plan(line=line, year=2017, amount=plan, user=users["banes-council"], reason=REASON)
        services.record_monitoring(
            line=line,
            year=2017,
            month=12,
            actual_to_date=outturn,
            forecast_outturn=outturn,
            user=users["banes-council"],
            note="Year-end outturn (illustrative)",
            reason=REASON,
        )
    for body, amount, key in ((council, D("4480000"), "banes-council"), (ccg, D("9450000"), "banes-ccg")):
        contribution = services.set_contribution(
            budget=bcf, organisation=body, year=2017, amount=amount, user=users[key], reason=REASON
        )
        _quarterly_instalments(contribution, users[key], paid=4)
    services.save_fund_year(
        budget=bcf,
        year=2017,
        user=users["banes-council"],
        reason=REASON,
        contingency=D("0"),
        income=D("0"),
        ledger_contributions=D("13930000"),
        ledger_spend=D("13750000"),
        ledger_income=D("0"),
        ledger_as_at=datetime.date(2018, 4, 30),
    )
    services.close_financial_year(
        budget=bcf,
        year=2017,
        user=users["banes-council"],
        note="Outturn agreed by the Health and Wellbeing Board (demo); underspend carried forward",
    )


def _fund_closed(budget):
    return FundExit.objects.filter(budget=budget, closed_on__isnull=False).exists()


def _programme_exit(programme, council, ccg, users):
    """The two-year programme ends on 31 March 2019 though the agreement goes on: its 2018/19
    accounts are closed, each contribution paid, the post returned, and the fund closed."""
    if not _is_closed(programme, 2018):
        services.close_financial_year(
            budget=programme, year=2018, user=users["banes-council"], note="Final accounts (demo)"
        )
    for body, key in ((council, "banes-council"), (ccg, "banes-ccg")):
        contribution = programme.contributions.get(organisation=body, year=2018)
        _quarterly_instalments(contribution, users[key], paid=4)
    fund_exit = FundExit.objects.filter(budget=programme).first() or services.save_fund_exit(
        fund_exit=FundExit(
            budget=programme,
            final_year=2018,
            plan="The programme ends with its two years; the Programme Director's fixed-term post ends with it.",
        ),
        user=users["banes-council"],
        reason=REASON,
    )
    if not fund_exit.returns.exists():
        services.save_exit_return(
            item=ExitReturn(
                exit=fund_exit,
                kind=ReturnKind.STAFF,
                description="Programme Director (fixed-term post, hosted by the Council)",
                returned_to=council,
                returned_on=datetime.date(2019, 3, 31),
            ),
            user=users["banes-council"],
            reason=REASON,
        )
    services.close_fund(fund_exit=fund_exit, user=users["banes-council"], on=datetime.date(2019, 5, 15))


def _issue(budget, year, period, user, on):
    """The pooled fund manager's report for ``period``, issued on ``on`` (once)."""
    if not StatutoryReport.objects.filter(budget=budget, year=year, period=period).exists():
        services.issue_statutory_report(
            budget=budget, kind=ReportKind.POOLED_FUND, year=year, period=period, user=user, on=on
        )


def _quarterly_instalments(contribution, user, *, paid):
    """Four equal instalments due on the first day of each quarter; the first ``paid`` paid on the day."""
    if Instalment.objects.filter(contribution=contribution).exists():
        return
    year = contribution.year
    quarter = (contribution.amount / 4).quantize(D("0.01"))
    dues = [datetime.date(year, 4, 1), datetime.date(year, 7, 1), datetime.date(year, 10, 1)]
    dues.append(datetime.date(year + 1, 1, 1))
    for n, due in enumerate(dues):
        amount = quarter if n < 3 else contribution.amount - 3 * quarter
        instalment = Instalment(
            contribution=contribution, due_on=due, amount=amount, paid_on=due if n < paid else None
        )
        services.save_instalment(instalment=instalment, user=user, reason=REASON)


def _agreement(context, key):
    """The agreements helper's record if it made one; else one of the right kind; else a minimal one."""
    from agreements.choices import AgreementStatus
    from agreements.models import Agreement

    slug, reference, kinds, title = AGREEMENTS[key]
    partnership = context["partnerships"][slug]
    found = (context.get("agreements") or {}).get(key)
    if found is not None:
        return found
    found = Agreement.objects.filter(partnership=partnership, reference=reference).first()
    if found is not None:
        return found
    for kind in kinds:
        found = Agreement.objects.filter(partnership=partnership, kind=kind).order_by("pk").first()
        if found is not None:
            return found
    agreement = Agreement(
        partnership=partnership,
        reference=reference,
        title=title,
        kind=kinds[0] if kinds else "s75_pooled_fund",
        status=AgreementStatus.IN_FORCE,
    )
    agreement._change_reason = REASON
    agreement.save()
    return agreement


def _user(username):
    return get_user_model().objects.filter(username=username).first()


def _is_closed(budget, year):
    return services.is_year_closed(budget, year)


def _budget(partnership, name, **values):
    budget = Budget.objects.filter(partnership=partnership, name=name).first()
    if budget is None:
        budget = Budget(partnership=partnership, name=name, **values)
    elif all(getattr(budget, field) == value for field, value in values.items()):
        return budget
    else:
        for field, value in values.items():
            setattr(budget, field, value)
    body = budget.host or budget.partnership.partners.order_by("pk").first().organisation
    return services.save_budget(budget=budget, user=_finance_officer(body), reason=REASON)


def _line(budget, name, organisation):
    line = BudgetLine.objects.filter(budget=budget, name=name).first()
    if line is not None and line.organisation_id == organisation.pk:
        return line
    if line is None:
        line = BudgetLine(budget=budget, name=name)
    line.organisation = organisation
    return services.save_line(line=line, user=_finance_officer(organisation), reason=REASON)


def _finance_officer(organisation):
    """The demo's finance officer of ``organisation``, who enters its figures."""
    membership = (
        Membership.objects.filter(organisation=organisation, role=Role.FINANCE_OFFICER).order_by("pk").first()
    )
    return membership.user


def _transfer(agreement, source, recipient, *, purpose, user, **values):
    transfer = Transfer.objects.filter(agreement=agreement, purpose=purpose).first()
    values.update(from_organisation=source, to_organisation=recipient)
    if transfer is None:
        transfer = Transfer(agreement=agreement, purpose=purpose, **values)
    elif all(getattr(transfer, field) == value for field, value in values.items()):
        return transfer
    else:
        for field, value in values.items():
            setattr(transfer, field, value)
    return services.save_transfer(transfer=transfer, user=user, reason=REASON)
