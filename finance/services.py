"""Finance rules: setting figures, sharing a variance, closing and reopening a year.

Every write here first asks ``finance.access`` whether the user may
(``PermissionDenied`` if not), then validates, runs in one transaction,
records the acting user, body and reason on the history row, and raises
``django.core.exceptions.ValidationError`` with a message a person can read.
Views, admin actions and the demo loader all call these functions.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from math import floor

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from agreements.models import Agreement
from finance import access
from finance.choices import MONTH_NAMES, ContributionBasis, RiskShareRule
from finance.models import (
    Budget,
    BudgetLine,
    Contribution,
    LinePlan,
    Monitoring,
    RiskShare,
    YearEnd,
    YearEndShare,
)
from finance.money import PENNY, MoneyError, parse_money
from partnership import permissions
from partnership.dates import financial_year_bounds, financial_year_label

ZERO = Decimal("0.00")
HUNDRED = Decimal("100")


# --- Sharing a variance -------------------------------------------------------


def allocate(total, weights):
    """Split ``total`` (pounds) between the keys of ``weights`` in proportion, to the penny.

    Largest-remainder method: each key first gets the whole pennies of its
    exact share, then the pennies left over go one each to the keys with the
    largest fractions (ties: larger weight first, then the order given). The
    parts always add up to ``total`` exactly.
    """
    keys = list(weights)
    if not keys:
        raise ValueError("Nothing to share between.")
    if any(Decimal(weights[k]) < 0 for k in keys):
        raise ValueError("Weights must not be negative.")
    weight_total = sum((Fraction(Decimal(weights[k])) for k in keys), Fraction(0))
    if weight_total == 0:
        raise ValueError("The weights add up to nothing, so there is no proportion to share by.")
    pennies = int((Decimal(total) / PENNY).to_integral_value())
    if Decimal(total).quantize(PENNY) != Decimal(total):
        raise ValueError("The amount to share must be in whole pennies.")
    sign = -1 if pennies < 0 else 1
    pennies = abs(pennies)
    exact = {k: Fraction(pennies) * Fraction(Decimal(weights[k])) / weight_total for k in keys}
    parts = {k: floor(exact[k]) for k in keys}
    left_over = pennies - sum(parts.values())
    order = sorted(
        range(len(keys)),
        key=lambda i: (-(exact[keys[i]] - parts[keys[i]]), -Fraction(Decimal(weights[keys[i]])), i),
    )
    for i in order[:left_over]:
        parts[keys[i]] += 1
    return {k: (Decimal(sign * parts[k]) * PENNY).quantize(PENNY) for k in keys}


def share_variance(rule, variance, *, contributions, fixed_shares=None, host=None, line_variances=None):
    """Each body's share of ``variance`` (positive: overspend) under ``rule``.

    ``contributions`` maps each body to its contribution for the year (its
    keys are the bodies sharing); ``fixed_shares`` maps bodies to percentages
    (fixed-shares rule); ``host`` is the host body (host-bears-all rule);
    ``line_variances`` maps bodies to the variance on the lines they run
    (own-lines rule). The shares always add up to ``variance`` to the penny.
    """
    variance = Decimal(variance).quantize(PENNY)
    bodies = list(contributions)
    if rule == RiskShareRule.PROPORTIONAL:
        try:
            return allocate(variance, contributions)
        except ValueError as exc:
            raise ValidationError(
                "The variance cannot be shared in proportion to contributions: "
                "no body has contributed this year."
            ) from exc
    if rule == RiskShareRule.FIXED_SHARES:
        shares = dict(fixed_shares or {})
        total = sum(shares.values(), Decimal(0))
        if not shares or total != HUNDRED:
            raise ValidationError(
                f"The fixed risk shares add up to {total}%, not 100%: "
                "set each body's share on the budget first."
            )
        result = {body: ZERO for body in bodies}
        result.update(allocate(variance, shares))
        return result
    if rule == RiskShareRule.HOST_BEARS_ALL:
        if host is None:
            raise ValidationError("The budget has no host body to bear the variance.")
        result = {body: ZERO for body in bodies}
        result[host] = variance
        return result
    if rule == RiskShareRule.OWN_LINES:
        own = {body: Decimal(v).quantize(PENNY) for body, v in (line_variances or {}).items()}
        result = {body: ZERO for body in bodies}
        for body, amount in own.items():
            result[body] = result.get(body, ZERO) + amount
        # What the lines do not explain (contributions not planned on any line, or
        # plans beyond the contributions) is shared in proportion to contributions.
        residual = variance - sum(own.values(), ZERO)
        if residual:
            weights = {b: c for b, c in contributions.items() if c}
            if not weights:
                weights = {b: 1 for b in result}
            for body, amount in allocate(residual, weights).items():
                result[body] = result.get(body, ZERO) + amount
        return result
    raise ValidationError(f"Unknown risk-share rule “{rule}”.")


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
    def variance(self):
        """Forecast (or, once the year is over, actual) outturn less total contributions."""
        return self.outturn - self.total_contributions

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

    @property
    def years(self):
        years = (
            {c.year for c in self.contributions}
            | {p.year for p in self.plans}
            | {m.year for m in self.monitoring}
        )
        return sorted(years)

    @property
    def bodies(self):
        """Partner bodies first, then any other body with a contribution (a body that has left)."""
        seen = {b.pk: b for b in self.partners}
        for c in self.contributions:
            seen.setdefault(c.organisation_id, c.organisation)
        return sorted(seen.values(), key=lambda b: b.name)

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
        if contributions or rows:
            try:
                figures.shares = self.shares_for(figures)
            except ValidationError as error:
                figures.share_error = " ".join(error.messages)
        return figures

    def shares_for(self, figures):
        contributions = {
            body: figures.contributions.get(body, ZERO) for body in self.bodies_for(figures.year)
        }
        return share_variance(
            self.budget.risk_share_rule,
            figures.variance,
            contributions=contributions,
            fixed_shares={rs.organisation: rs.percentage for rs in self.risk_shares},
            host=self.budget.host,
            line_variances=figures.line_variances_by_body(),
        )


# --- Writing figures ----------------------------------------------------------


def _stamp(obj, *, user, reason="", organisation=None):
    obj._history_user = user
    obj._change_reason = reason or ""
    obj._acting_organisation = organisation


def _lock_budget(budget):
    """Take ``budget``'s row lock. Every change to its figures and every year close takes
    it first, so a close sees every change committed before it and none after."""
    Budget.objects.select_for_update().filter(pk=budget.pk).values_list("pk", flat=True).get()


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


def set_line_plan(*, line, year, amount, user, reason="", adding=False):
    """Set the amount planned for ``line`` in ``year``; ``adding`` as for contributions."""
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
        elif plan.amount == amount:
            return plan
        _refuse_if_closed(line.budget, year)
        plan.amount = amount
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


def set_risk_shares(*, budget, shares, user, reason=""):
    """Set the fixed percentage of each body (``{Organisation: Decimal}``); they must add up to 100."""
    _require_budget(user, budget)
    shares = {org: Decimal(pct) for org, pct in shares.items() if pct is not None}
    total = sum(shares.values(), Decimal(0))
    if shares and total != HUNDRED:
        raise ValidationError(f"Fixed risk shares: the shares add up to {total}%, not 100%.")
    with transaction.atomic():
        _lock_budget(budget)
        existing = {
            rs.organisation_id: rs for rs in RiskShare.objects.select_for_update().filter(budget=budget)
        }
        for org, pct in shares.items():
            row = existing.pop(org.pk, None)
            if row is None:
                row = RiskShare(budget=budget, organisation=org, percentage=pct)
            elif row.percentage == pct:
                continue
            row.percentage = pct
            _stamp(row, user=user, reason=reason)
            row.save()
        for row in existing.values():
            _stamp(row, user=user, reason=reason)
            row.delete()


def save_budget(*, budget, user, reason="", risk_shares=None):
    """Create or update a budget (and, for the fixed-shares rule, its shares)."""
    _require_budget(user, budget)
    budget.full_clean()
    with transaction.atomic():
        if budget.pk:
            _lock_budget(budget)
        _stamp(budget, user=user, reason=reason)
        budget.save()
        if risk_shares is not None:
            set_risk_shares(budget=budget, shares=risk_shares, user=user, reason=reason)
    return budget


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
        figures = BudgetFigures(budget).year(year)
        if figures.is_closed:
            raise ValidationError(f"{figures.label} is already closed for {budget.name}.")
        if not figures.contributions and not figures.lines:
            raise ValidationError(
                f"{budget.name} has no contributions or lines for {figures.label}: nothing to close."
            )
        if figures.share_error:
            raise ValidationError(figures.share_error)
        shares = figures.shares
        reason = note or f"Year {figures.label} closed"
        year_end = YearEnd.objects.select_for_update().filter(budget=budget, year=year).first() or YearEnd(
            budget=budget, year=year
        )
        year_end.rule = budget.risk_share_rule
        year_end.total_contributions = figures.total_contributions
        year_end.outturn = figures.outturn
        year_end.variance = figures.variance
        year_end.closed_on = timezone.now()
        year_end.closed_by = user
        year_end.reopened_on = None
        year_end.reopened_by = None
        year_end.reopen_reason = ""
        _stamp(year_end, user=user, reason=reason, organisation=budget.host)
        year_end.save()
        existing = {s.organisation_id: s for s in year_end.shares.select_for_update()}
        for body, share in shares.items():
            contribution = figures.contributions.get(body, ZERO)
            row = existing.pop(body.pk, None)
            if row is None:
                row = YearEndShare(year_end=year_end, organisation=body)
            elif row.share == share and row.contribution == contribution:
                continue
            row.contribution = contribution
            row.share = share
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
        year_end.reopened_on = timezone.now()
        year_end.reopened_by = user
        year_end.reopen_reason = reason
        _stamp(year_end, user=user, reason=reason, organisation=budget.host)
        year_end.save()
    return year_end
