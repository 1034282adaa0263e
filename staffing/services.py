"""The rules of shared staff, written once.

Writes:
    :func:`save_post` — create or change a post and its shares together, and keep the
    record of who held it (``PostHolding``) when its holder changes.
    :func:`validate_shares` — a post's shares add up to exactly 100%.

Reads (computed on demand, never stored):
    :func:`recharge_statement` — for one partnership and financial year, what
    each non-employer body owes each employer, and the net position between
    each pair of bodies.
    :func:`post_recharges` — the same for one post.

Who may change a post, and whom a post's holder may not sign for, are
staffing's rules in ``staffing.access``; who may sign for a body is
``agreements.access.signing_authority``.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from partnership import dates, permissions
from staffing import access
from staffing.models import HUNDRED, Post, PostHolding, PostShare

PENNY = Decimal("0.01")
ZERO = Decimal("0.00")

#: The message named in the rules: a post's shares must account for all of it.
SHARES_MUST_TOTAL_100 = (
    "The shares of a post must add up to exactly 100% of its time and cost; these add up to {total}%."
)


# --- Shares -----------------------------------------------------------------


def validate_shares(shares, *, partnership=None):
    """Check ``shares`` ({Organisation: Decimal percent}) before they are saved.

    Every share is more than 0 and at most 100, each body is a partner in
    ``partnership`` (when given), and together they make exactly 100.
    """
    if not shares:
        raise ValidationError(
            "Give each body's share of the post's time and cost: the shares must add up to 100%.",
            code="no_shares",
        )
    partner_ids = permissions.partner_organisation_ids(partnership) if partnership else None
    for organisation, percent in shares.items():
        if percent is None or percent <= 0 or percent > HUNDRED:
            raise ValidationError(
                f"{organisation.display_name}'s share must be more than 0% and at most 100%.",
                code="share_out_of_range",
            )
        if Decimal(percent).quantize(PENNY) != Decimal(percent):
            raise ValidationError(
                f"{organisation.display_name}'s share can have at most two decimal places.",
                code="share_precision",
            )
        if partner_ids is not None and organisation.pk not in partner_ids:
            raise ValidationError(
                f"{organisation.display_name} is not a partner in {partnership}, so it cannot "
                "share this post.",
                code="share_outside_partnership",
            )
    total = sum((Decimal(p) for p in shares.values()), ZERO)
    if total != HUNDRED:
        raise ValidationError(SHARES_MUST_TOTAL_100.format(total=f"{total:.2f}"), code="shares_not_100")


def save_post(*, post, shares, user, reason="", holder_since=None):
    """Create or change ``post`` and replace its shares with ``shares``.

    Only officers of the employer may (:func:`staffing.access.may_save_post`).
    ``shares`` maps each sharing body to its percentage. When the holder changes
    (or the post falls vacant), the present holding ends the day before
    ``holder_since`` (default: the "vacant from" date, else today) and the new
    holder's begins that day. The post, its holdings and every share that changes
    are saved with ``user`` and ``reason`` in their history, in one transaction:
    either all of it is saved or none of it.
    """
    permissions.require(
        access.may_save_post(user, post),
        "You may not change this post: only officers of the body that employs it may.",
    )
    with transaction.atomic():
        before = None
        if post.pk:
            before = Post.objects.select_for_update().get(pk=post.pk)
        return _save_post(post, shares, user, reason, before, holder_since)


def _holder_of(post):
    """Who holds ``post`` as its fields say: (account id, name), or None when vacant or unnamed."""
    if post.vacant or not (post.holder_id or post.holder_name.strip()):
        return None
    return (post.holder_id, post.holder_name.strip())


def _record_holder_change(post, before, since, user, reason):
    """End the present holding and begin the new holder's, when the holder changed."""
    new = _holder_of(post)
    if before is not None and _holder_of(before) == new:
        return
    if since is None and before is not None:
        since = post.vacant_from if post.vacant and post.vacant_from else timezone.localdate()
    current = PostHolding.objects.filter(post=post, ended_on__isnull=True).first()
    if current is not None:
        if since is None or (current.started_on and since <= current.started_on):
            began = f"on {current.started_on:%-d %B %Y}" if current.started_on else "when the post began"
            raise ValidationError(
                {
                    "holder_since": f"The present holder, {current.holder_display}, began {began}: "
                    "the new holder can begin only after that."
                }
            )
        current.ended_on = since - datetime.timedelta(days=1)
        _stamp(current, user, reason, post.employer)
        current.save()
    if new is None:
        return
    if since and post.start_date and since < post.start_date:
        established = f"{post.start_date:%-d %B %Y}"
        raise ValidationError(
            {"holder_since": f"The post was established on {established}: nobody held it before then."}
        )
    holding = PostHolding(post=post, holder_id=new[0], holder_name=new[1], started_on=since)
    _stamp(holding, user, reason, post.employer)
    holding.save()


def _save_post(post, shares, user, reason, before, holder_since):
    post.full_clean()
    validate_shares(shares, partnership=post.partnership)
    _stamp(post, user, reason, post.employer)
    if post.pk is None or _has_changes(post):
        post.save()
    _record_holder_change(post, before, holder_since, user, reason)

    existing = {share.organisation_id: share for share in PostShare.objects.filter(post=post)}
    for organisation, percent in shares.items():
        share = existing.pop(organisation.pk, None)
        if share is None:
            share = PostShare(post=post, organisation=organisation, share_percent=percent)
        elif share.share_percent == percent:
            continue
        else:
            share.share_percent = percent
        _stamp(share, user, reason, post.employer)
        share.save()
    for share in existing.values():
        _stamp(share, user, reason, post.employer)
        share.delete()
    return post


def _stamp(obj, user, reason, organisation):
    obj._history_user = user
    obj._change_reason = reason or ""
    obj._acting_organisation = organisation


def _has_changes(post):
    """Has anything on ``post`` changed since it was loaded? (Unchanged saves write history.)"""
    stored = Post.objects.filter(pk=post.pk).values().first()
    if stored is None:
        return True
    return any(
        stored[f.attname] != getattr(post, f.attname)
        for f in Post._meta.concrete_fields
        if f.attname not in ("updated_at",)
    )


# --- Recharges --------------------------------------------------------------


@dataclass
class RechargeLine:
    """One body's part of one post's cost in one financial year."""

    post: Post
    organisation: object  # the body whose share this is
    employer: object
    share_percent: Decimal
    days_charged: int
    days_in_year: int
    amount: Decimal

    @property
    def is_recharge(self):
        """True when another body owes the employer (the employer's own share is not recharged)."""
        return self.organisation.pk != self.employer.pk


@dataclass
class NetPosition:
    """What two bodies owe each other for shared posts, and the net payment."""

    first: object
    second: object
    first_owes_second: Decimal = ZERO
    second_owes_first: Decimal = ZERO

    @property
    def net(self):
        return abs(self.first_owes_second - self.second_owes_first)

    @property
    def payer(self):
        if self.first_owes_second == self.second_owes_first:
            return None
        return self.first if self.first_owes_second > self.second_owes_first else self.second

    @property
    def payee(self):
        payer = self.payer
        if payer is None:
            return None
        return self.second if payer is self.first else self.first


@dataclass
class BodyTotals:
    organisation: object
    receivable: Decimal = ZERO  # owed to this body by others
    payable: Decimal = ZERO  # owed by this body to others
    own_share: Decimal = ZERO  # cost of its own posts it bears itself

    @property
    def net(self):
        """Positive: the body is owed money overall; negative: it owes."""
        return self.receivable - self.payable


@dataclass
class RechargeStatement:
    partnership: object
    year: int
    lines: list = field(default_factory=list)

    @property
    def label(self):
        return dates.financial_year_label(self.year)

    @property
    def recharges(self):
        return [line for line in self.lines if line.is_recharge]

    @property
    def total_recharged(self):
        return sum((line.amount for line in self.recharges), ZERO)

    @property
    def total_cost(self):
        return sum((line.amount for line in self.lines), ZERO)

    def net_positions(self):
        """One row per pair of bodies with recharges between them, by name."""
        pairs = {}
        for line in self.recharges:
            payer, payee = line.organisation, line.employer
            first, second = sorted([payer, payee], key=lambda o: (o.name, o.pk))
            position = pairs.get((first.pk, second.pk))
            if position is None:
                position = pairs[(first.pk, second.pk)] = NetPosition(first, second)
            if payer.pk == first.pk:
                position.first_owes_second += line.amount
            else:
                position.second_owes_first += line.amount
        return sorted(pairs.values(), key=lambda p: (p.first.name, p.second.name))

    def body_totals(self):
        totals = {}

        def of(organisation):
            if organisation.pk not in totals:
                totals[organisation.pk] = BodyTotals(organisation)
            return totals[organisation.pk]

        for line in self.lines:
            if line.is_recharge:
                of(line.organisation).payable += line.amount
                of(line.employer).receivable += line.amount
            else:
                of(line.employer).own_share += line.amount
        return sorted(totals.values(), key=lambda t: t.organisation.name)


def days_charged(post, year):
    """Days of financial year ``year`` for which ``post`` is charged.

    A post is charged from its establishment (or the start of the year) to its
    end (or the end of the year), and not while it is vacant: a post vacant
    with no date given is vacant for the whole year. Computed from the post as
    it stands now.
    """
    year_start, year_end = dates.financial_year_bounds(year)
    start = max(post.start_date or year_start, year_start)
    end = min(post.end_date or year_end, year_end)
    if post.vacant:
        vacant_from = post.vacant_from or start
        end = min(end, vacant_from - datetime.timedelta(days=1))
    return max((end - start).days + 1, 0)


def _days_in_year(year):
    year_start, year_end = dates.financial_year_bounds(year)
    return (year_end - year_start).days + 1


def share_amount(annual_cost, share_percent, days, days_in_year):
    """Annual cost x share x the part of the year charged, rounded once to the penny (half up)."""
    exact = Decimal(annual_cost) * Decimal(share_percent) * days / (HUNDRED * days_in_year)
    return exact.quantize(PENNY, rounding=ROUND_HALF_UP)


def post_recharges(post, year):
    """The recharge lines of one post for financial year ``year`` (shares prefetched if possible)."""
    days = days_charged(post, year)
    in_year = _days_in_year(year)
    return [
        RechargeLine(
            post=post,
            organisation=share.organisation,
            employer=post.employer,
            share_percent=share.share_percent,
            days_charged=days,
            days_in_year=in_year,
            amount=share_amount(post.annual_cost, share.share_percent, days, in_year),
        )
        for share in post.shares.all()
    ]


def recharge_statement(*, partnership, year):
    """Every post's cost in ``year`` split by share, for one partnership (three queries)."""
    year_start, year_end = dates.financial_year_bounds(year)
    posts = (
        Post.objects.filter(partnership=partnership)
        .exclude(start_date__gt=year_end)
        .exclude(end_date__lt=year_start)
        .select_related("employer", "partnership")
        .prefetch_related(Prefetch("shares", queryset=PostShare.objects.select_related("organisation")))
        .order_by("employer__name", "title", "pk")
    )
    statement = RechargeStatement(partnership=partnership, year=year)
    for post in posts:
        statement.lines.extend(line for line in post_recharges(post, year) if line.days_charged)
    return statement


def default_year(today=None):
    return dates.financial_year_start(today or timezone.localdate())
