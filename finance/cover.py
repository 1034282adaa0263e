"""A pooled fund's year end under its agreement: the order of cover, caps, underspends and
each partner's memorandum account.

Pure arithmetic on figures already read (no queries), so the budget page, the year-end
accounts page, the close and the reports all show the same working to the penny.

An overspend is met step by step in the order the agreement sets (``CoverStep``): other
lines' underspends (and money in the pool planned on no line), the pool's contingency,
then schemes not yet committed (their unspent plan, the part not yet spent withheld).
Whatever is left falls on the bodies under the budget's risk-share rule; a body's share
above its cap is returned to the bodies whose services overspent, in proportion to their
lines' overspends. What remains unused in the pool is the underspend, dealt with by the
underspend rule: returned, carried forward within the pool, or kept as contingency (up
to a cap, the rest returned pro rata).

A partner's memorandum account then reads: opening balance + contribution + share of
income + overspend cover − underspend returned − closing balance carried forward =
its share of the spend. The shares of spend add up to the outturn (less anything
withheld from uncommitted schemes), so the accounts always add up to the fund.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from math import floor

from django.core.exceptions import ValidationError

from finance.choices import CoverStep, RiskShareRule, UnderspendRule
from finance.money import PENNY

ZERO = Decimal("0.00")
HUNDRED = Decimal("100")


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


def _sum(values):
    return sum(values, ZERO)


@dataclass
class LineFigures:
    """One line's figures for the year, as the cover needs them."""

    body: object
    planned: Decimal
    forecast: Decimal
    actual: Decimal
    committed: bool = True

    @property
    def overspend(self):
        return max(ZERO, self.forecast - self.planned)

    @property
    def underspend(self):
        return max(ZERO, self.planned - self.forecast)

    @property
    def unspent_plan(self):
        """For a scheme not yet committed: planned money it has not spent, which may be withheld."""
        return max(ZERO, min(self.forecast, self.planned) - self.actual)


@dataclass
class Terms:
    """What the agreement says for this fund."""

    rule: str = RiskShareRule.PROPORTIONAL
    order: tuple = (CoverStep.LINES, CoverStep.CONTINGENCY, CoverStep.UNCOMMITTED)
    caps: dict = field(default_factory=dict)  # body -> Decimal
    fixed_shares: dict = field(default_factory=dict)  # body -> percentage
    host: object = None
    underspend_rule: str = UnderspendRule.RISK_SHARE
    underspend_cap: Decimal | None = None


@dataclass
class Account:
    """One partner's memorandum account for one year."""

    body: object
    opening: Decimal = ZERO
    contribution: Decimal = ZERO
    received: Decimal = ZERO
    income: Decimal = ZERO
    cover: Decimal = ZERO
    returned: Decimal = ZERO
    carried_forward: Decimal = ZERO

    @property
    def settlement(self):
        """The body's risk-share settlement: paid in (positive) or paid back (negative)."""
        return self.cover - self.returned

    @property
    def spend(self):
        return self.opening + self.contribution + self.income + self.settlement - self.carried_forward

    @property
    def closing(self):
        return self.carried_forward

    @property
    def outstanding(self):
        return self.contribution - self.received


@dataclass
class Step:
    step: str
    label: str
    available: Decimal
    used: Decimal
    left_to_cover: Decimal


@dataclass
class YearEndWorking:
    """The whole computation, as shown and as kept at a close."""

    resources: Decimal
    outturn: Decimal
    gross_overspend: Decimal
    steps: list
    to_bodies: Decimal
    capped: dict  # body's name -> amount above its cap
    surplus: Decimal
    kept: Decimal
    kept_as: str
    withheld: Decimal
    accounts: list  # [Account]

    @property
    def variance(self):
        return self.outturn - self.resources

    def totals(self):
        names = ("opening", "contribution", "received", "income", "cover", "returned", "carried_forward")
        result = {name: _sum(getattr(a, name) for a in self.accounts) for name in names}
        result["spend"] = _sum(a.spend for a in self.accounts)
        result["settlement"] = _sum(a.settlement for a in self.accounts)
        result["closing"] = result["carried_forward"]
        return result

    def as_record(self):
        """The working as kept on the year end (JSON: amounts as strings)."""
        return {
            "resources": str(self.resources),
            "outturn": str(self.outturn),
            "gross_overspend": str(self.gross_overspend),
            "steps": [
                {
                    "step": s.step,
                    "label": s.label,
                    "available": str(s.available),
                    "used": str(s.used),
                    "left_to_cover": str(s.left_to_cover),
                }
                for s in self.steps
            ],
            "to_bodies": str(self.to_bodies),
            "capped": {name: str(amount) for name, amount in self.capped.items()},
            "surplus": str(self.surplus),
            "kept": str(self.kept),
            "kept_as": self.kept_as,
            "withheld": str(self.withheld),
        }


def allocate_or_refuse(total, weights, what):
    if not total:
        return {}
    try:
        return allocate(total, weights)
    except ValueError as exc:
        raise ValidationError(f"{what}: there is nothing to share it in proportion to.") from exc


def pro_rata_weights(accounts):
    """Contributions; with none, opening balances."""
    weights = {a.body: a.contribution for a in accounts if a.contribution}
    return weights or {a.body: a.opening for a in accounts if a.opening > 0}


def _under_the_rule(terms, amount, accounts, lines):
    """``amount`` (an overspend positive) shared between the bodies under the risk-share rule."""
    line_variances = {}
    for line in lines:
        line_variances[line.body] = line_variances.get(line.body, ZERO) + (line.forecast - line.planned)
    return share_variance(
        terms.rule,
        amount,
        contributions={a.body: a.contribution for a in accounts},
        fixed_shares=terms.fixed_shares,
        host=terms.host,
        line_variances=line_variances,
    )


def _body_shares(terms, amount, accounts, lines):
    """Step 4: ``amount`` (an overspend left after the pool's own steps) on the bodies under the
    risk-share rule, then any share above a body's cap on the bodies whose services overspent."""
    shares = _under_the_rule(terms, amount, accounts, lines)
    capped = {}
    for body, share in shares.items():
        cap = terms.caps.get(body)
        if cap is not None and share > cap:
            capped[body] = share - cap
            shares[body] = cap
    excess = _sum(capped.values())
    if excess:
        overspent = {}
        for line in lines:
            if line.overspend:
                overspent[line.body] = overspent.get(line.body, ZERO) + line.overspend
        if not overspent:
            if terms.host is None:
                raise ValidationError(
                    f"Caps: £{excess:,} is above the bodies' caps and no body's services overspent, "
                    "so there is no body to return it to."
                )
            overspent = {terms.host: Decimal(1)}
        for body, part in allocate_or_refuse(excess, overspent, "Above the caps").items():
            shares[body] = shares.get(body, ZERO) + part
    return shares, capped


def _returns(terms, amount, accounts, lines):
    """An underspend ``amount`` returned: under the risk-share rule, or pro rata to contributions."""
    if not amount:
        return {}
    if terms.underspend_rule == UnderspendRule.RISK_SHARE:
        return {body: -share for body, share in _under_the_rule(terms, -amount, accounts, lines).items()}
    return allocate_or_refuse(amount, pro_rata_weights(accounts), "The underspend")


def _account(accounts, body):
    """``body``'s account, added (empty) if a share falls to a body not taking part this year (a
    fixed share or a line of a body that has left, or the host): nothing is dropped."""
    for account in accounts:
        if account.body == body:
            return account
    account = Account(body=body)
    accounts.append(account)
    return account


STEP_LABELS = {
    CoverStep.LINES: "Underspends on other lines, and money in the pool planned on no line",
    CoverStep.CONTINGENCY: "The pool's contingency",
    CoverStep.UNCOMMITTED: "Schemes not yet committed",
}


def year_end(terms, *, accounts, lines, contingency=ZERO, income=ZERO):
    """Work out the year end of one pooled fund.

    ``accounts`` is one :class:`Account` per body taking part, with its opening balance,
    contribution and the instalments received already set; ``lines`` the year's
    :class:`LineFigures`; ``contingency`` the pool's contingency (money kept out of the
    lines' plans); ``income`` the fund's income other than contributions, shared in
    proportion to contributions. Fills in each account and returns the working."""
    if income:
        for body, part in allocate_or_refuse(income, pro_rata_weights(accounts), "Income").items():
            _account(accounts, body).income = part
    resources = _sum(a.opening + a.contribution + a.income for a in accounts)
    planned = _sum(line.planned for line in lines)
    outturn = _sum(line.forecast for line in lines)
    unplanned = resources - contingency - planned
    gross = _sum(line.overspend for line in lines)
    left = gross + max(ZERO, -unplanned)
    uncommitted = [line for line in lines if not line.committed]
    free = {
        CoverStep.LINES: _sum(line.underspend for line in lines if line.committed) + max(ZERO, unplanned),
        CoverStep.CONTINGENCY: contingency,
        CoverStep.UNCOMMITTED: _sum(line.underspend for line in uncommitted),
    }
    withholdable = _sum(line.unspent_plan for line in uncommitted)
    withheld = ZERO
    steps = []
    for step in terms.order:
        available = free[step] + (withholdable if step == CoverStep.UNCOMMITTED else ZERO)
        used = min(left, available)
        from_free = min(used, free[step])
        free[step] -= from_free
        if step == CoverStep.UNCOMMITTED:
            withheld = used - from_free
        left -= used
        steps.append(Step(step, STEP_LABELS[step], available, used, left))
    to_bodies = left
    capped = {}
    if to_bodies:
        shares, capped = _body_shares(terms, to_bodies, accounts, lines)
        for body, share in shares.items():
            _account(accounts, body).cover = share
    surplus = _sum(free.values())
    kept = ZERO
    kept_as = ""
    if surplus:
        if terms.underspend_rule in (UnderspendRule.CARRY_FORWARD, UnderspendRule.CONTINGENCY):
            kept = surplus if terms.underspend_cap is None else min(surplus, terms.underspend_cap)
            kept_as = terms.underspend_rule
            for body, part in allocate_or_refuse(kept, pro_rata_weights(accounts), "The underspend").items():
                _account(accounts, body).carried_forward = part
            returned = allocate_or_refuse(surplus - kept, pro_rata_weights(accounts), "The underspend")
        else:
            returned = _returns(terms, surplus, accounts, lines)
        for body, part in returned.items():
            _account(accounts, body).returned = part
    return YearEndWorking(
        resources=resources,
        outturn=outturn,
        gross_overspend=gross,
        steps=steps,
        to_bodies=to_bodies,
        capped={body.display_name: amount for body, amount in capped.items()},
        surplus=surplus,
        kept=kept,
        kept_as=kept_as,
        withheld=withheld,
        accounts=accounts,
    )


@dataclass
class ReconciliationRow:
    label: str
    ledger: Decimal | None
    accounts: Decimal

    @property
    def difference(self):
        return None if self.ledger is None else self.ledger - self.accounts


def reconcile(working, fund_year, *, spent_to_date=None):
    """The host's ledger totals beside the sums of the memorandum accounts, line by line.

    Spend in the accounts is each body's share of the spend, which adds up to the outturn. In
    the year (``spent_to_date`` given: the monitoring's actual spend to date) the ledger's spend
    is set beside what the monitoring says has been spent so far instead. A difference is listed
    for the pooled fund manager to explain (a late invoice, a contribution paid but not recorded).
    """
    totals = working.totals()
    ledger = fund_year
    if spent_to_date is None:
        spend = ReconciliationRow("Spend", ledger.ledger_spend if ledger else None, totals["spend"])
    else:
        spend = ReconciliationRow(
            "Spend to date (latest monitoring)", ledger.ledger_spend if ledger else None, spent_to_date
        )
    return [
        ReconciliationRow(
            "Contributions received",
            ledger.ledger_contributions if ledger else None,
            totals["received"],
        ),
        spend,
        ReconciliationRow("Income", ledger.ledger_income if ledger else None, totals["income"]),
    ]
