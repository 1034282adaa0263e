"""Finance rules: setting figures, sharing a variance, closing and reopening a year.

Every write here first asks ``finance.access`` whether the user may
(``PermissionDenied`` if not), then validates, runs in one transaction,
records the acting user, body and reason on the history row, and raises
``django.core.exceptions.ValidationError`` with a message a person can read.
Views, admin actions and the demo loader all call these functions.
"""

import datetime
from calendar import monthrange
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from agreements.models import Agreement
from finance import access, cover
from finance.choices import MONTH_NAMES, ContributionBasis
from finance.cover import ZERO
from finance.models import (
    Budget,
    BudgetLine,
    Contribution,
    CoverCap,
    FundExit,
    FundYear,
    Instalment,
    LinePlan,
    Monitoring,
    ReportRecipient,
    RiskShare,
    StatutoryReport,
    YearEnd,
    YearEndShare,
)
from finance.money import PENNY, MoneyError, parse_money
from partnership import permissions
from partnership.dates import financial_year_bounds, financial_year_label
from partnership.services import queue_reminders

HUNDRED = Decimal("100")


# --- Reading a budget's figures (a fixed number of queries) -------------------


@dataclass
class LineRow:
    line: object
    planned: Decimal = ZERO
    actual: Decimal = ZERO
    forecast: Decimal = ZERO
    latest_month: int | None = None
    monitoring: object = None

    @property
    def variance(self):
        return self.forecast - self.planned

    @property
    def latest_month_name(self):
        return MONTH_NAMES.get(self.latest_month, "")


@dataclass
class YearFigures:
    """One financial year of a budget: every total computed from its rows."""

    year: int
    contributions: dict  # Organisation -> Decimal
    lines: list  # [LineRow]
    monthly_actual: list  # [(month, Decimal or None)] cumulative actual to date
    year_end: object = None
    shares: dict = field(default_factory=dict)
    share_error: str = ""
    working: object = None  # cover.YearEndWorking, worked out (or, once closed, as decided)
    fund_year: object = None
    #: Money in the pool besides the year's contributions: balances carried in, and income.
    other_resources: Decimal = ZERO

    @property
    def label(self):
        return financial_year_label(self.year)

    @property
    def total_contributions(self):
        return sum(self.contributions.values(), ZERO)

    @property
    def total_planned(self):
        return sum((row.planned for row in self.lines), ZERO)

    @property
    def total_actual(self):
        return sum((row.actual for row in self.lines), ZERO)

    @property
    def total_forecast(self):
        return sum((row.forecast for row in self.lines), ZERO)

    @property
    def line_variance(self):
        return self.total_forecast - self.total_planned

    @property
    def outturn(self):
        return self.total_forecast

    @property
    def resources(self):
        return self.total_contributions + self.other_resources

    @property
    def variance(self):
        """Forecast (or, once the year is over, actual) outturn less the pool's resources: the
        contributions, balances carried in and income."""
        return self.outturn - self.resources

    @property
    def is_closed(self):
        return self.year_end is not None and self.year_end.is_closed

    @property
    def latest_month(self):
        months = [m for m, value in self.monthly_actual if value is not None]
        return max(months) if months else None

    def line_variances_by_body(self):
        result = {}
        for row in self.lines:
            body = row.line.organisation
            result[body] = result.get(body, ZERO) + row.variance
        return result


class BudgetFigures:
    """Everything a budget page, report or export shows, loaded in a fixed number of queries."""

    def __init__(self, budget):
        self.budget = budget
        self.partner_places = list(
            budget.partnership.partners.select_related("organisation").order_by("organisation__name")
        )
        self.partners = [p.organisation for p in self.partner_places]
        self.contributions = list(
            Contribution.objects.filter(budget=budget)
            .select_related("organisation", "agreed_by")
            .order_by("organisation__name", "year")
        )
        self.lines = list(
            BudgetLine.objects.filter(budget=budget).select_related("organisation").order_by("name")
        )
        self.plans = list(LinePlan.objects.filter(line__budget=budget))
        self.monitoring = list(Monitoring.objects.filter(line__budget=budget).order_by("year", "month"))
        self.year_ends = {
            ye.year: ye
            for ye in YearEnd.objects.filter(budget=budget)
            .select_related("closed_by", "reopened_by")
            .prefetch_related("shares__organisation")
        }
        self.risk_shares = list(RiskShare.objects.filter(budget=budget).select_related("organisation"))
        self.caps = list(CoverCap.objects.filter(budget=budget).select_related("organisation"))
        self.fund_years = {fy.year: fy for fy in FundYear.objects.filter(budget=budget)}
        self.instalments = list(Instalment.objects.filter(contribution__budget=budget))

    @property
    def years(self):
        years = (
            {c.year for c in self.contributions}
            | {p.year for p in self.plans}
            | {m.year for m in self.monitoring}
            | set(self.fund_years)
        )
        return sorted(years)

    @property
    def bodies(self):
        """Partner bodies first, then any other body with a contribution (a body that has left)."""
        seen = {b.pk: b for b in self.partners}
        for c in self.contributions:
            seen.setdefault(c.organisation_id, c.organisation)
        return sorted(seen.values(), key=lambda b: b.name)

    def to_month(self, year, month):
        """``year``'s figures as they stood at the end of ``month`` (for a quarterly report): its
        monitoring and instalments paid to then, and (before March) not its year end."""
        if month >= 12:
            return self.year(year)
        calendar_month = (month + 2) % 12 + 1
        calendar_year = year + 1 if calendar_month < 4 else year
        end = datetime.date(calendar_year, calendar_month, monthrange(calendar_year, calendar_month)[1])
        cut = BudgetFigures.__new__(BudgetFigures)
        cut.__dict__.update(self.__dict__)
        cut.monitoring = [m for m in self.monitoring if m.year != year or m.month <= month]
        cut.instalments = [i for i in self.instalments if i.paid_on is None or i.paid_on <= end]
        cut.year_ends = {y: ye for y, ye in self.year_ends.items() if y != year}
        return cut.year(year)

    def bodies_for(self, year):
        """The bodies taking part in ``year``: partners during it, and any body contributing to it."""
        start, end = financial_year_bounds(year)
        ids = {
            p.organisation_id
            for p in self.partner_places
            if (p.joined is None or p.joined <= end) and (p.left is None or p.left >= start)
        }
        ids |= {c.organisation_id for c in self.contributions if c.year == year}
        return [body for body in self.bodies if body.pk in ids]

    def contribution_table(self):
        """Rows of (body, [amount per year], total), with per-year and overall totals."""
        years = self.years
        amounts = {(c.organisation_id, c.year): c for c in self.contributions}
        rows = []
        for body in self.bodies:
            cells = [amounts.get((body.pk, y)) for y in years]
            if not any(cells):
                continue
            rows.append(
                {
                    "body": body,
                    "cells": cells,
                    "total": sum((c.amount for c in cells if c), ZERO),
                }
            )
        year_totals = [sum((c.amount for c in self.contributions if c.year == y), ZERO) for y in years]
        return {
            "years": years,
            "rows": rows,
            "year_totals": year_totals,
            "total": sum(year_totals, ZERO),
        }

    def year(self, year):
        contributions = {}
        for body in self.bodies_for(year):
            for c in self.contributions:
                if c.year == year and c.organisation_id == body.pk:
                    contributions[body] = c.amount
        plans = {p.line_id: p.amount for p in self.plans if p.year == year}
        by_line = {}
        for m in self.monitoring:
            if m.year == year:
                by_line.setdefault(m.line_id, []).append(m)
        rows = []
        for line in self.lines:
            row = LineRow(line=line, planned=plans.get(line.pk, ZERO))
            returns = by_line.get(line.pk, [])
            if returns:
                latest = returns[-1]
                row.actual = latest.actual_to_date
                row.forecast = latest.forecast_outturn
                row.latest_month = latest.month
                row.monitoring = latest
            else:
                # No monitoring yet: the line is assumed to spend what is planned.
                row.forecast = row.planned
            rows.append(row)
        monthly = []
        last_month = max((m.month for m in self.monitoring if m.year == year), default=0)
        for month in range(1, 13):
            if month > last_month:
                monthly.append((month, None))
                continue
            total = ZERO
            for returns in by_line.values():
                so_far = [m for m in returns if m.month <= month]
                if so_far:
                    total += so_far[-1].actual_to_date
            monthly.append((month, total))
        figures = YearFigures(
            year=year,
            contributions=contributions,
            lines=rows,
            monthly_actual=monthly,
            year_end=self.year_ends.get(year),
        )
        figures.fund_year = self.fund_years.get(year)
        if contributions or rows:
            try:
                figures.working = self.working(figures)
            except ValidationError as error:
                figures.share_error = " ".join(error.messages)
            else:
                figures.shares = {a.body: a.settlement for a in figures.working.accounts}
                figures.other_resources = figures.working.resources - figures.total_contributions
        return figures

    def terms(self):
        budget = self.budget
        return cover.Terms(
            rule=budget.risk_share_rule,
            order=budget.cover_steps,
            caps={c.organisation: c.cap for c in self.caps},
            fixed_shares={rs.organisation: rs.percentage for rs in self.risk_shares},
            host=budget.host,
            underspend_rule=budget.underspend_rule,
            underspend_cap=budget.underspend_cap,
        )

    def received(self, year):
        """Each body's instalments paid for ``year``'s contribution."""
        by_contribution = {c.pk: c.organisation_id for c in self.contributions if c.year == year}
        result = {}
        for instalment in self.instalments:
            body_id = by_contribution.get(instalment.contribution_id)
            if body_id is not None and instalment.paid_on is not None:
                result[body_id] = result.get(body_id, ZERO) + instalment.amount
        return result

    def carried_into(self, year):
        """What ``year`` opens with from the year before: ``({body_id: balance}, as_contingency)``."""
        previous = year - 1
        closed = self.year_ends.get(previous)
        if closed is not None and closed.is_closed:
            balances = {s.organisation_id: s.carried_forward for s in closed.shares.all()}
            return balances, closed.working.get("kept_as") == "contingency"
        if previous not in self.years:
            return {}, False
        working = self.year(previous).working
        if working is None:
            return {}, False
        balances = {a.body.pk: a.carried_forward for a in working.accounts}
        return balances, working.kept_as == "contingency"

    def working(self, figures):
        """The year end of ``figures.year``: as decided if the year is closed, else worked out now."""
        year = figures.year
        received = self.received(year)
        opening, as_contingency = self.carried_into(year)
        if figures.is_closed:
            return self._decided(figures, received)
        accounts = [
            cover.Account(
                body=body,
                opening=opening.get(body.pk, ZERO),
                contribution=figures.contributions.get(body, ZERO),
                received=received.get(body.pk, ZERO),
            )
            for body in self.bodies_for(year)
        ]
        committed = {p.line_id: p.committed for p in self.plans if p.year == year}
        lines = [
            cover.LineFigures(
                body=row.line.organisation,
                planned=row.planned,
                forecast=row.forecast,
                actual=row.actual,
                committed=committed.get(row.line.pk, True),
            )
            for row in figures.lines
        ]
        fund_year = self.fund_years.get(year)
        contingency = fund_year.contingency if fund_year else ZERO
        if as_contingency:
            contingency += sum(opening.values(), ZERO)
        income = fund_year.income if fund_year else ZERO
        return cover.year_end(
            self.terms(), accounts=accounts, lines=lines, contingency=contingency, income=income
        )

    def _decided(self, figures, received):
        year_end = figures.year_end
        record = year_end.working or {}
        accounts = [
            cover.Account(
                body=share.organisation,
                opening=share.opening_balance,
                contribution=share.contribution,
                received=received.get(share.organisation_id, ZERO),
                income=share.income,
                cover=share.share + share.returned,
                returned=share.returned,
                carried_forward=share.carried_forward,
            )
            for share in year_end.shares.all()
        ]

        def amount(name):
            return Decimal(record.get(name, "0"))

        return cover.YearEndWorking(
            resources=amount("resources") if record else year_end.total_contributions,
            outturn=year_end.outturn,
            gross_overspend=amount("gross_overspend"),
            steps=[
                cover.Step(
                    s["step"],
                    s["label"],
                    Decimal(s["available"]),
                    Decimal(s["used"]),
                    Decimal(s["left_to_cover"]),
                )
                for s in record.get("steps", [])
            ],
            to_bodies=amount("to_bodies"),
            capped={name: Decimal(value) for name, value in record.get("capped", {}).items()},
            surplus=amount("surplus"),
            kept=amount("kept"),
            kept_as=record.get("kept_as", ""),
            withheld=amount("withheld"),
            accounts=accounts,
        )


# --- Writing figures ----------------------------------------------------------


def _stamp(obj, *, user, reason="", organisation=None):
    obj._history_user = user
    obj._change_reason = reason or ""
    obj._acting_organisation = organisation


def fund_closed_on(budget):
    """The day a pooled fund was closed at its exit (None while it runs): from then nothing of
    it changes, so its pages offer no changes and its services refuse them. Reads the exit
    loaded with the budget (``select_related("exit")``), else asks."""
    try:
        return budget.exit.closed_on
    except FundExit.DoesNotExist:
        return None


def _lock_budget(budget):
    """Take ``budget``'s row lock. Every change to its figures and every year close takes
    it first, so a close sees every change committed before it and none after. A fund closed
    at its exit changes no more."""
    locked = Budget.objects.select_for_update(of=("self",)).select_related("exit").get(pk=budget.pk)
    closed_on = fund_closed_on(locked)
    if closed_on is not None:
        raise ValidationError(f"{budget.name} closed on {closed_on:%-d %B %Y}: nothing of it changes now.")


def is_year_closed(budget, year):
    return YearEnd.objects.filter(
        budget=budget, year=year, closed_on__isnull=False, reopened_on__isnull=True
    ).exists()


def _refuse_if_closed(budget, year):
    if is_year_closed(budget, year):
        raise ValidationError(
            f"{financial_year_label(year)} is closed for {budget.name}: its contributions, plans and "
            "monitoring cannot change until the year is reopened."
        )


def _amount(value, label):
    try:
        return parse_money(value)
    except MoneyError as exc:
        raise ValidationError(f"{label} {exc}.") from exc


def _check_partner(budget, organisation):
    if not budget.partnership.partners.filter(organisation=organisation).exists():
        raise ValidationError(f"{organisation.name} is not a partner body of {budget.partnership.name}.")


def _require_line_figures(user, line):
    permissions.require(
        access.may_enter_figures(user, line.budget.partnership, line.organisation),
        f"You may not change the figures of “{line.name}”: only finance officers of "
        f"{line.organisation.name}, which runs it, may.",
    )


def _require_budget(user, budget):
    permissions.require(
        access.may_save_budget(user, budget),
        "You may not change this budget: only officers and finance officers of its partner bodies may.",
    )


def rolled_forward(previous, uplift_percent):
    """Last year's contribution ``previous`` with ``uplift_percent`` added, to the penny (half a
    penny rounds up)."""
    return (previous * (1 + uplift_percent / Decimal(100))).quantize(PENNY, rounding=ROUND_HALF_UP)


def set_contribution(
    *,
    budget,
    organisation,
    year,
    amount,
    user,
    reason="",
    note=None,
    adding=False,
    basis=ContributionBasis.STATED,
    uplift_percent=None,
    agree_by=None,
):
    """Set ``organisation``'s contribution to ``budget`` for ``year`` (creating it if need be):
    a stated ``amount``, or (``basis`` rolled forward) last year's with ``uplift_percent``.
    A change to the amount undoes its chief finance officer's agreement: it is agreed again.

    ``adding`` is for a form that offered a new contribution: if one has been entered
    meanwhile, it is refused rather than overwritten unseen."""
    permissions.require(
        access.may_enter_figures(user, budget.partnership, organisation),
        f"You may not change {organisation.name}'s contribution: only its finance officers may.",
    )
    if basis == ContributionBasis.ROLLED_FORWARD:
        if uplift_percent is None:
            raise ValidationError({"uplift_percent": "Enter the uplift on last year's contribution, or 0."})
        previous = (
            Contribution.objects.filter(budget=budget, organisation=organisation, year=year - 1)
            .values_list("amount", flat=True)
            .first()
        )
        if previous is None:
            last_year = financial_year_label(year - 1)
            raise ValidationError(
                {"basis": f"{organisation.name} has no contribution for {last_year} to roll forward."}
            )
        amount = rolled_forward(previous, uplift_percent)
    else:
        uplift_percent = None
    amount = _amount(amount, "Contribution amount")
    _check_partner(budget, organisation)
    organisation.check_exists(financial_year=year, doing="contribute for it")
    with transaction.atomic():
        _lock_budget(budget)
        contribution = (
            Contribution.objects.select_for_update()
            .filter(budget=budget, organisation=organisation, year=year)
            .first()
        )
        if contribution is not None and adding:
            raise ValidationError(
                f"{organisation.name} already has a contribution of £{contribution.amount:,} for "
                f"{financial_year_label(year)}, entered just now or before: change that one instead."
            )
        terms = {"basis": basis, "uplift_percent": uplift_percent, "agree_by": agree_by}
        if contribution is None:
            contribution = Contribution(budget=budget, organisation=organisation, year=year, amount=amount)
        elif (
            contribution.amount == amount
            and (note is None or note == contribution.note)
            and all(getattr(contribution, name) == value for name, value in terms.items())
        ):
            return contribution
        _refuse_if_closed(budget, year)
        if contribution.pk and amount < contribution.amount:
            scheduled = sum(contribution.instalments.values_list("amount", flat=True), ZERO)
            if scheduled > amount:
                raise ValidationError(
                    {
                        "amount": f"Contribution amount: £{scheduled:,} is already scheduled in instalments, "
                        f"more than £{amount:,}; change the instalments first."
                    }
                )
        if contribution.amount != amount:
            contribution.agreed_by, contribution.agreed_on, contribution.agreed_as = None, None, ""
        contribution.amount = amount
        for name, value in terms.items():
            setattr(contribution, name, value)
        if note is not None:
            contribution.note = note
        _stamp(contribution, user=user, reason=reason, organisation=organisation)
        contribution.save()
    return contribution


def agree_contribution(
    *, contribution, user, on, agreed_as="Chief finance officer (section 151 officer)", reason=""
):
    """Record that the body's chief finance officer agreed its contribution on ``on``: only a
    finance officer acting for that body (never another body's), on a day it is a partner."""
    budget = contribution.budget
    organisation = contribution.organisation
    permissions.require(
        access.may_agree_contribution(user, organisation, budget.partnership, on=on),
        f"Only a finance officer of {organisation.name} agrees its contribution.",
    )
    if on > timezone.localdate():
        raise ValidationError({"on": "The date it was agreed cannot be in the future."})
    with transaction.atomic():
        _lock_budget(budget)
        locked = Contribution.objects.select_for_update().filter(pk=contribution.pk).first()
        if locked is None:
            raise ValidationError("This contribution has been removed.")
        if locked.agreed_on is not None:
            raise ValidationError(
                f"{organisation.name}'s contribution was already agreed on {locked.agreed_on:%-d %B %Y}."
            )
        if contribution.amount != locked.amount:
            raise ValidationError(
                f"The contribution changed to £{locked.amount:,} after you opened it: read it again, "
                "then agree it."
            )
        locked.agreed_by, locked.agreed_on, locked.agreed_as = user, on, agreed_as.strip()[:200]
        _stamp(
            locked,
            user=user,
            reason=reason or "Agreed by the chief finance officer",
            organisation=organisation,
        )
        locked.save()
    return locked


def set_line_plan(*, line, year, amount, user, reason="", adding=False, committed=True):
    """Set the amount planned for ``line`` in ``year``, and whether the scheme is committed;
    ``adding`` as for contributions."""
    _require_line_figures(user, line)
    amount = _amount(amount, "Planned amount")
    with transaction.atomic():
        _lock_budget(line.budget)
        plan = LinePlan.objects.select_for_update().filter(line=line, year=year).first()
        if plan is not None and adding:
            raise ValidationError(
                f"{line.name} already has £{plan.amount:,} planned for {financial_year_label(year)}, "
                "entered just now or before: change that one instead."
            )
        if plan is None:
            plan = LinePlan(line=line, year=year, amount=amount)
        elif plan.amount == amount and plan.committed == committed:
            return plan
        _refuse_if_closed(line.budget, year)
        plan.amount = amount
        plan.committed = committed
        _stamp(plan, user=user, reason=reason, organisation=line.organisation)
        plan.save()
    return plan


def record_monitoring(
    *, line, year, month, actual_to_date, forecast_outturn, user, note="", reason="", adding=False
):
    """Record (or correct) one month's actual spend to date and forecast outturn for ``line``;
    ``adding`` as for contributions."""
    _require_line_figures(user, line)
    if month not in MONTH_NAMES:
        raise ValidationError("Month: choose a month of the financial year, April (1) to March (12).")
    actual = _amount(actual_to_date, "Actual spend to date")
    forecast = _amount(forecast_outturn, "Forecast outturn")
    with transaction.atomic():
        _lock_budget(line.budget)
        record = Monitoring.objects.select_for_update().filter(line=line, year=year, month=month).first()
        if record is not None and adding:
            raise ValidationError(
                f"{line.name} already has monitoring for {MONTH_NAMES[month]} {financial_year_label(year)}, "
                "entered just now or before: correct that one instead."
            )
        if record is None:
            record = Monitoring(line=line, year=year, month=month)
        elif (record.actual_to_date, record.forecast_outturn, record.note) == (actual, forecast, note):
            return record
        _refuse_if_closed(line.budget, year)
        record.actual_to_date = actual
        record.forecast_outturn = forecast
        record.note = note
        _stamp(record, user=user, reason=reason, organisation=line.organisation)
        record.save()
    return record


def _set_per_body(model, field, *, budget, values, user, reason):
    """Make ``budget``'s ``model`` rows (one per body) say ``values`` (``{Organisation: value}``):
    added, changed or taken out, each in the history, under the budget's lock."""
    with transaction.atomic():
        _lock_budget(budget)
        existing = {
            row.organisation_id: row for row in model.objects.select_for_update().filter(budget=budget)
        }
        for org, value in values.items():
            row = existing.pop(org.pk, None)
            if row is None:
                row = model(budget=budget, organisation=org, **{field: value})
            elif getattr(row, field) == value:
                continue
            setattr(row, field, value)
            _stamp(row, user=user, reason=reason)
            row.save()
        for row in existing.values():
            _stamp(row, user=user, reason=reason)
            row.delete()


def set_risk_shares(*, budget, shares, user, reason=""):
    """Set the fixed percentage of each body (``{Organisation: Decimal}``); they must add up to 100."""
    _require_budget(user, budget)
    shares = {org: Decimal(pct) for org, pct in shares.items() if pct is not None}
    total = sum(shares.values(), Decimal(0))
    if shares and total != HUNDRED:
        raise ValidationError(f"Fixed risk shares: the shares add up to {total}%, not 100%.")
    _set_per_body(RiskShare, "percentage", budget=budget, values=shares, user=user, reason=reason)


def set_cover_caps(*, budget, caps, user, reason=""):
    """Set the most each body pays towards an overspend in a year (``{Organisation: Decimal}``;
    a body left out has no cap)."""
    _require_budget(user, budget)
    caps = {org: _amount(cap, f"Cap for {org.name}") for org, cap in caps.items() if cap is not None}
    for org in caps:
        _check_partner(budget, org)
    _set_per_body(CoverCap, "cap", budget=budget, values=caps, user=user, reason=reason)


def save_budget(*, budget, user, reason="", risk_shares=None, cover_caps=None):
    """Create or update a budget (and, for the fixed-shares rule, its shares; and its caps)."""
    _require_budget(user, budget)
    budget.full_clean()
    with transaction.atomic():
        if budget.pk:
            _lock_budget(budget)
        _stamp(budget, user=user, reason=reason)
        budget.save()
        if risk_shares is not None:
            set_risk_shares(budget=budget, shares=risk_shares, user=user, reason=reason)
        if cover_caps is not None:
            set_cover_caps(budget=budget, caps=cover_caps, user=user, reason=reason)
    return budget


def save_fund_year(*, budget, year, user, reason="", **values):
    """Set the host's figures for ``year`` of ``budget``: contingency and income (which the year
    end rests on, so not once it is closed) and the ledger totals (which may be entered after)."""
    permissions.require(
        access.may_keep_fund_accounts(user, budget),
        "Only finance officers of the host body keep the fund's own figures.",
    )
    unknown = set(values) - set(FundYear.HOST_FIGURES)
    if unknown:
        raise ValueError(f"Not a figure of the fund's year: {', '.join(sorted(unknown))}")
    for name in ("contingency", "income"):
        if name in values:
            values[name] = _amount(values[name] if values[name] is not None else ZERO, name.capitalize())
    for name in ("ledger_contributions", "ledger_spend", "ledger_income"):
        if values.get(name) is not None:
            values[name] = _amount(values[name], name.replace("_", " ").capitalize())
    with transaction.atomic():
        _lock_budget(budget)
        fund_year = FundYear.objects.select_for_update().filter(budget=budget, year=year).first()
        if fund_year is None:
            fund_year = FundYear(budget=budget, year=year)
        changed = {name for name, value in values.items() if getattr(fund_year, name) != value}
        if fund_year.pk and not changed:
            return fund_year
        if changed & {"contingency", "income"}:
            _refuse_if_closed(budget, year)
        for name, value in values.items():
            setattr(fund_year, name, value)
        fund_year.full_clean()
        _stamp(fund_year, user=user, reason=reason, organisation=budget.host)
        fund_year.save()
    return fund_year


def save_instalment(*, instalment, user, reason=""):
    """Schedule (or change, or mark paid) an instalment of a contribution. The instalments of a
    contribution never add up to more than it, checked under the budget's lock."""
    contribution = instalment.contribution
    budget = contribution.budget
    permissions.require(
        access.may_schedule_instalments(user, contribution),
        f"Only finance officers of {contribution.organisation.name} schedule its instalments.",
    )
    instalment.amount = _amount(instalment.amount, "Amount")
    if instalment.amount <= 0:
        raise ValidationError({"amount": "Amount must be more than £0."})
    if instalment.paid_on and instalment.paid_on > timezone.localdate():
        raise ValidationError({"paid_on": "Paid on: the date it was paid cannot be in the future."})
    instalment.full_clean()
    with transaction.atomic():
        _lock_budget(budget)
        current = Contribution.objects.filter(pk=contribution.pk).values_list("amount", flat=True).first()
        if current is None:
            raise ValidationError("This contribution has been removed.")
        others = (
            Instalment.objects.filter(contribution=contribution)
            .exclude(pk=instalment.pk)
            .values_list("amount", flat=True)
        )
        scheduled = sum(others, ZERO) + instalment.amount
        if scheduled > current:
            raise ValidationError(
                {
                    "amount": f"Amount: the instalments would come to £{scheduled:,}, more than the "
                    f"contribution of £{current:,}."
                }
            )
        if instalment.pk:
            stored = Instalment.objects.select_for_update().filter(pk=instalment.pk).first()
            if stored is None:
                raise ValidationError("This instalment has been taken out meanwhile.")
            if stored.paid_on is not None and (
                instalment.paid_on is None or instalment.amount != stored.amount
            ):
                raise ValidationError(
                    f"This instalment was paid on {stored.paid_on:%-d %B %Y}: its amount stays, and it stays "
                    "paid (its date may be corrected)."
                )
        _stamp(instalment, user=user, reason=reason, organisation=contribution.organisation)
        instalment.save()
    return instalment


def remove_instalment(*, instalment, user, reason=""):
    """Take out an instalment not yet paid (one paid stays: it is in the ledger)."""
    contribution = instalment.contribution
    permissions.require(
        access.may_schedule_instalments(user, contribution),
        f"Only finance officers of {contribution.organisation.name} schedule its instalments.",
    )
    with transaction.atomic():
        _lock_budget(contribution.budget)
        locked = Instalment.objects.select_for_update().filter(pk=instalment.pk).first()
        if locked is None:
            raise ValidationError("This instalment has already been taken out.")
        if locked.paid_on is not None:
            raise ValidationError(
                f"This instalment was paid on {locked.paid_on:%-d %B %Y}: a paid instalment is not taken out."
            )
        _stamp(locked, user=user, reason=reason, organisation=contribution.organisation)
        locked.delete()


def save_line(*, line, user, reason=""):
    """Create or change a budget line, run by one body (whose officers may change it)."""
    permissions.require(
        access.may_save_line(user, line),
        "You may not change this line: only officers and finance officers of the body that runs it may.",
    )
    line.full_clean()
    with transaction.atomic():
        if line.pk:
            BudgetLine.objects.select_for_update().filter(pk=line.pk).values_list("pk", flat=True).get()
        _stamp(line, user=user, reason=reason, organisation=line.organisation)
        line.save()
    return line


def save_transfer(*, transfer, user, reason=""):
    """Validate a Section 256 transfer (NHS body to council, under a S256 agreement) and save it.

    Marking it paid is checked again under the agreement's row lock: the agreement must be in
    force on the payment date (``Transfer.payment_errors``)."""
    if not transfer.agreement_id:
        raise ValidationError("Choose the Section 256 agreement the payment is made under.")
    permissions.require(
        access.may_save_transfer(user, transfer),
        "You may not record this transfer: only officers and finance officers of the paying body may.",
    )
    transfer.full_clean()
    with transaction.atomic():
        # The agreement first, then the transfer: the order an agreement's own changes take, so a
        # termination and a payment wait for each other and the later one sees the earlier.
        agreement = Agreement.objects.select_for_update().get(pk=transfer.agreement_id)
        stored = transfer.stored_payment(lock=True)
        if transfer.makes_payment(stored):
            errors = transfer.payment_errors(agreement)
            if errors:
                raise ValidationError(errors)
        _stamp(transfer, user=user, reason=reason, organisation=transfer.from_organisation)
        transfer.save()
    return transfer


# --- Year end -----------------------------------------------------------------


def _require_year_end(user, budget):
    permissions.require(
        access.may_close_year(user, budget),
        "Only finance officers of the host body may close or reopen a year of this budget.",
    )


def close_financial_year(*, budget, year, user, note=""):
    """Close ``year``: work out the variance and each body's share, keep them, and lock the year.

    The figures are read after taking the budget's lock, so they include every change
    committed before the close, and no change can slip in until it has committed."""
    _require_year_end(user, budget)
    with transaction.atomic():
        _lock_budget(budget)
        budget_figures = BudgetFigures(budget)
        figures = budget_figures.year(year)
        if figures.is_closed:
            raise ValidationError(f"{figures.label} is already closed for {budget.name}.")
        previous = budget_figures.year_ends.get(year - 1)
        if (year - 1) in budget_figures.years and not (previous and previous.is_closed):
            raise ValidationError(
                f"Close {financial_year_label(year - 1)} first: its closing balances open {figures.label}."
            )
        if not figures.contributions and not figures.lines:
            raise ValidationError(
                f"{budget.name} has no contributions or lines for {figures.label}: nothing to close."
            )
        if figures.share_error:
            raise ValidationError(figures.share_error)
        reason = note or f"Year {figures.label} closed"
        year_end = YearEnd.objects.select_for_update().filter(budget=budget, year=year).first() or YearEnd(
            budget=budget, year=year
        )
        year_end.rule = budget.risk_share_rule
        year_end.total_contributions = figures.total_contributions
        year_end.outturn = figures.outturn
        year_end.variance = figures.variance
        year_end.working = figures.working.as_record()
        year_end.closed_on = timezone.now()
        year_end.closed_by = user
        year_end.reopened_on = None
        year_end.reopened_by = None
        year_end.reopen_reason = ""
        _stamp(year_end, user=user, reason=reason, organisation=budget.host)
        year_end.save()
        existing = {s.organisation_id: s for s in year_end.shares.select_for_update()}
        for account in figures.working.accounts:
            decided = {
                "contribution": account.contribution,
                "share": account.settlement,
                "returned": account.returned,
                "opening_balance": account.opening,
                "income": account.income,
                "carried_forward": account.carried_forward,
            }
            row = existing.pop(account.body.pk, None)
            if row is None:
                row = YearEndShare(year_end=year_end, organisation=account.body)
            elif all(getattr(row, name) == value for name, value in decided.items()):
                continue
            for name, value in decided.items():
                setattr(row, name, value)
            _stamp(row, user=user, reason=reason, organisation=budget.host)
            row.save()
        for row in existing.values():
            _stamp(row, user=user, reason=reason, organisation=budget.host)
            row.delete()
    return year_end


def reopen_financial_year(*, budget, year, user, reason):
    """Reopen a closed year so its figures may change; the reason is kept in the history."""
    _require_year_end(user, budget)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Reason for reopening: say why the year is being reopened.")
    with transaction.atomic():
        _lock_budget(budget)
        year_end = YearEnd.objects.select_for_update().filter(budget=budget, year=year).first()
        if year_end is None or not year_end.is_closed:
            raise ValidationError(f"{financial_year_label(year)} is not closed for {budget.name}.")
        later = YearEnd.objects.filter(budget=budget, year=year + 1).first()
        if later is not None and later.is_closed:
            raise ValidationError(
                f"Reopen {financial_year_label(year + 1)} first: it opened with "
                f"{financial_year_label(year)}'s closing balances."
            )
        year_end.reopened_on = timezone.now()
        year_end.reopened_by = user
        year_end.reopen_reason = reason
        _stamp(year_end, user=user, reason=reason, organisation=budget.host)
        year_end.save()
    return year_end


# --- Statutory reports ----------------------------------------------------------


def name_report_recipient(*, budget, organisation, named, user, reason=""):
    """``organisation`` names ``named`` (one of its own people) to receive ``budget``'s reports."""
    from partnership.models import Membership

    permissions.require(
        access.may_name_report_recipient(user, budget, organisation),
        f"Only finance officers of {organisation.name} name its officer for the reports.",
    )
    _check_partner(budget, organisation)
    if not Membership.objects.filter(user=named, organisation=organisation).exists():
        raise ValidationError({"user": f"Named officer: choose someone who acts for {organisation.name}."})
    with transaction.atomic():
        _lock_budget(budget)
        row = (
            ReportRecipient.objects.select_for_update()
            .filter(budget=budget, organisation=organisation)
            .first()
        )
        if row is None:
            row = ReportRecipient(budget=budget, organisation=organisation, user=named)
        elif row.user_id == named.pk:
            return row
        row.user = named
        _stamp(row, user=user, reason=reason, organisation=organisation)
        row.save()
    return row


def issue_statutory_report(*, budget, kind, year, period, user, on=None, correction=""):
    """Issue one statutory report: drawn from the monitoring to the end of its period, kept as
    PDF and XLSX as they are today, and sent to each partner's named officer; only once its
    period has ended. Issued again only as a correction, saying what was wrong: the earlier
    versions are kept."""
    from django.core.files.base import ContentFile
    from django.template.defaultfilters import slugify

    from finance import statutory
    from partnership.pdf import render_pdf

    permissions.require(
        access.may_issue_reports(user, budget),
        "Only finance officers of the host body issue this fund's statutory reports.",
    )
    on = on or timezone.localdate()
    if kind not in statutory.report_kinds(budget):
        raise ValidationError(f"{budget.name} does not need this report.")
    ended = statutory.period_end(year, period)
    if ended >= on:
        raise ValidationError(
            f"{statutory.title(kind, year, period)} cannot be issued before its period ends "
            f"on {ended:%-d %B %Y}."
        )
    with transaction.atomic():
        _lock_budget(budget)
        correction = (correction or "").strip()
        issued = (
            StatutoryReport.objects.filter(budget=budget, kind=kind, year=year, period=period)
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
        )
        if issued and not correction:
            raise ValidationError(
                f"{statutory.title(kind, year, period)} has already been issued: to issue it again, say what "
                "was wrong in it (a correction)."
            )
        if correction and not issued:
            raise ValidationError(
                f"{statutory.title(kind, year, period)} has not been issued: there is nothing to correct."
            )
        figures = BudgetFigures(budget).to_month(year, statutory.last_month(period))
        recipients = list(
            ReportRecipient.objects.filter(budget=budget).select_related("organisation", "user")
        )
        context = statutory.pdf_context(
            budget, kind, year, period, figures, recipients, version=(issued or 0) + 1, correction=correction
        )
        name = f"{slugify(budget.name)}-{year}-{kind}-{'annual' if period == 5 else f'q{period}'}"
        if issued:
            name += f"-v{issued + 1}"
        report = StatutoryReport(
            budget=budget,
            kind=kind,
            year=year,
            period=period,
            issued_on=on,
            issued_by=user,
            version=(issued or 0) + 1,
            correction=correction,
            sent_to="\n".join(
                f"{r.user.get_full_name() or r.user.username}, {r.organisation.name}" for r in recipients
            ),
        )
        report.pdf.save(
            f"{name}.pdf", ContentFile(render_pdf("pdf/finance/statutory_report.html", context)), save=False
        )
        report.workbook.save(
            f"{name}.xlsx",
            ContentFile(statutory.workbook_bytes(budget, kind, year, period, figures)),
            save=False,
        )
        _stamp(report, user=user, reason=correction or "Issued", organisation=budget.host)
        report.save()
        link = report.get_absolute_url()
        queue_reminders(
            {
                "key": f"finance:statutory-report:{report.pk}:user:{r.user_id}",
                "recipient": r.user,
                "subject": f"{budget.name}: {statutory.title(kind, year, period)} "
                + ("corrected" if correction else "issued"),
                "body": (
                    f"{budget.host.name if budget.host else 'The lead body'} has issued "
                    f"{statutory.title(kind, year, period)} for {budget.name}, to you as the named officer "
                    f"of {r.organisation.name}."
                    + (f"\n\nIt corrects the version before: {correction}" if correction else "")
                    + f"\n\nRead it (PDF and Excel): {link}"
                ),
                "link": link,
                "partnership": budget.partnership,
            }
            for r in recipients
        )
    return report


# --- Exit -----------------------------------------------------------------------------


EXIT_REFUSAL = "Only finance officers of the host body plan and record the fund's exit."


def _require_exit(user, budget):
    permissions.require(access.may_close_year(user, budget), EXIT_REFUSAL)


def may_plan_exit(budget, today):
    """A fund's exit is planned once notice is served or an ending recorded on its agreement, once
    the agreement no longer has effect, or in the year before the agreement's end date or (for a
    time-limited fund) the fund's own."""
    agreement = budget.agreement
    if agreement.ending_status or not agreement.has_effect:
        return True
    return any(end is not None and (end - today).days <= 365 for end in (agreement.end_date, budget.ends_on))


def save_fund_exit(*, fund_exit, user, reason=""):
    """Start (or change) the plan for ending a pooled fund."""
    budget = fund_exit.budget
    _require_exit(user, budget)
    if not fund_exit.pk and not may_plan_exit(budget, timezone.localdate()):
        raise ValidationError(
            f"{budget.agreement.reference} has no notice served, no ending recorded and does not end within "
            "a year, nor does the fund: an exit is planned once one of these is so."
        )
    fund_exit.full_clean()
    with transaction.atomic():
        _lock_budget(budget)
        _stamp(fund_exit, user=user, reason=reason, organisation=budget.host)
        fund_exit.save()
    return fund_exit


def _exit_write(user, fund_exit, row, reason, organisation):
    _require_exit(user, fund_exit.budget)
    row.full_clean()
    with transaction.atomic():
        _lock_budget(fund_exit.budget)
        _stamp(row, user=user, reason=reason, organisation=organisation)
        row.save()
    return row


def record_exit_payment(*, payment, user, reason=""):
    """Record a settlement payment into the fund (or, negative, out of it to the body)."""
    if not payment.amount:
        raise ValidationError({"amount": "Amount: enter the amount paid (negative if paid to the body)."})
    _check_partner(payment.exit.budget, payment.organisation)
    return _exit_write(user, payment.exit, payment, reason, payment.exit.budget.host)


def save_residual_liability(*, liability, user, reason=""):
    _check_partner(liability.exit.budget, liability.held_by)
    return _exit_write(user, liability.exit, liability, reason, liability.held_by)


def save_exit_return(*, item, user, reason=""):
    _check_partner(item.exit.budget, item.returned_to)
    return _exit_write(user, item.exit, item, reason, item.returned_to)


def exit_position(fund_exit):
    """(final year's figures, settlement rows, returns, problems) of an exit."""
    from finance import exit as fund_exits

    figures = BudgetFigures(fund_exit.budget)
    final = figures.year(fund_exit.final_year)
    rows = fund_exits.settlement(final.working, fund_exit.payments.all())
    returns = list(fund_exit.returns.select_related("returned_to"))
    problems = fund_exits.close_problems(final, rows, returns)
    if final.share_error:
        problems.insert(0, final.share_error)
    return final, rows, returns, problems


def close_fund(*, fund_exit, user, on=None, reason=""):
    """Close the fund at its exit: only with the final year closed, every settlement paid, every
    instalment paid and all staff and assets returned, checked under the budget's lock."""
    budget = fund_exit.budget
    _require_exit(user, budget)
    on = on or timezone.localdate()
    with transaction.atomic():
        _lock_budget(budget)
        locked = FundExit.objects.select_for_update().get(pk=fund_exit.pk)
        problems = exit_position(locked)[-1]
        if problems:
            raise ValidationError(problems)
        locked.closed_on, locked.closed_by = on, user
        _stamp(locked, user=user, reason=reason or "Fund closed", organisation=budget.host)
        locked.save()
    return locked
