"""Bodies over time: reorganisations and the transfer of what abolished bodies held.

A reorganisation (``partnership.models.Reorganisation``) records that bodies are
abolished on a date and which bodies succeed them: one into one, a merger or a
split. Recording it ends the abolished bodies' lives. Every live record that
still names an abolished body (a partner place, an agreement party, a delegation,
a committee seat or quorum rule, a membership, a post or a post's share, a
contribution of a financial year after the change) is then an attention item for
the people who may run the reorganisation, until one reviewed transfer moves each
record to a successor (chosen per record when there are several) or ends it, with
history and a ``TransferredRecord`` for each.

The core never imports the apps built on it: the records of other apps are found
through the app registry by label, and changed through the ORM here, under row
locks and with the history stamped with the person and the reason.

Who may run a reorganisation (:func:`may_reorganise`): a site administrator, or a
person who is an administrator of every body it abolishes, choosing successors
only among the bodies they can see in their partnerships.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from partnership import permissions
from partnership.choices import (
    OrganisationKind,
    ReorganisationSide,
    ReorganisationStatus,
    Role,
    TransferOutcome,
)
from partnership.models import (
    Membership,
    Organisation,
    Partner,
    Reorganisation,
    ReorganisationBody,
    TransferredRecord,
)

#: The choice, per record, that ends it instead of moving it to a successor.
END = "end"


def _day(day):
    return f"{day:%-d %B %Y}"


# --- Who may run one ------------------------------------------------------------


def may_reorganise(user, abolished, successors=()):
    """May ``user`` record, or complete the transfer of, a reorganisation abolishing
    ``abolished`` in favour of ``successors``?

    A site administrator may. Otherwise the person must be an administrator of every
    body abolished (their records are what moves), and, when recording it, every
    successor must be a body they can see through their partnerships (records are not
    handed to a stranger). The transfer asks without ``successors``: they were settled
    when the reorganisation was recorded.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if not abolished:
        return False
    if not all(permissions.has_role(user, body, Role.ADMINISTRATOR) for body in abolished):
        return False
    successor_ids = {body.pk for body in successors}
    visible = permissions.restrict_organisations(Organisation.objects.filter(pk__in=successor_ids), user)
    return set(visible.values_list("pk", flat=True)) == successor_ids


def successor_choices(user):
    """The bodies ``user`` may name as a successor: every body for a site administrator,
    otherwise the bodies of their partnerships (and their own)."""
    return Organisation.objects.visible_to(user)


def _stamp(obj, user, reason, organisation=None):
    obj._history_user = user
    obj._change_reason = reason
    obj._acting_organisation = organisation


# --- Recording ------------------------------------------------------------------


def record_reorganisation(*, name, takes_effect, abolished, successors, user, legal_basis="", reason=""):
    """Record that ``abolished`` end the day before ``takes_effect`` and ``successors``
    take over. Ends the abolished bodies' lives (and names the successor when there is
    one); their records are moved by :func:`complete_transfer`."""
    abolished = list(abolished)
    successors = list(successors)
    permissions.require(
        may_reorganise(user, abolished, successors),
        "Only a site administrator, or an administrator of every body abolished, may record this "
        "reorganisation, with successors from their partnerships.",
    )
    if not abolished or not successors:
        raise ValidationError("Choose at least one body abolished and one successor.")
    if {b.pk for b in abolished} & {b.pk for b in successors}:
        raise ValidationError("A body cannot succeed itself: it is either abolished or a successor.")
    last_day = takes_effect - datetime.timedelta(days=1)
    reason = reason or f"Reorganisation: {name}"
    with transaction.atomic():
        locked = {
            body.pk: body
            for body in Organisation.objects.select_for_update().filter(
                pk__in=[b.pk for b in abolished + successors]
            )
        }
        for body in abolished:
            body = locked[body.pk]
            if body.active_to is not None and body.active_to != last_day:
                raise ValidationError(
                    f"{body.name} was already abolished on {_day(body.active_to)}, not {_day(last_day)}."
                )
            if body.active_from is not None and body.active_from > last_day:
                raise ValidationError(
                    f"{body.name} was established on {_day(body.active_from)}, after {_day(last_day)}."
                )
            already = ReorganisationBody.objects.filter(organisation=body, side=ReorganisationSide.ABOLISHED)
            if already.exists():
                raise ValidationError(f"Another reorganisation already abolishes {body.name}.")
        for body in successors:
            body = locked[body.pk]
            if not body.is_active_on(takes_effect):
                raise ValidationError(
                    f"{body.name} does not exist on {_day(takes_effect)}, so it cannot take over then."
                )
        reorganisation = Reorganisation(name=name, takes_effect=takes_effect, legal_basis=legal_basis)
        _stamp(reorganisation, user, reason)
        reorganisation.save()
        sides = ((ReorganisationSide.ABOLISHED, abolished), (ReorganisationSide.SUCCESSOR, successors))
        for side, bodies in sides:
            for body in bodies:
                place = ReorganisationBody(
                    reorganisation=reorganisation, organisation=locked[body.pk], side=side
                )
                _stamp(place, user, reason)
                place.save()
        only_successor = locked[successors[0].pk] if len(successors) == 1 else None
        for body in abolished:
            body = locked[body.pk]
            new_successor = only_successor is not None and body.successor_id != only_successor.pk
            changed = body.active_to != last_day or new_successor
            if changed:
                body.active_to = last_day
                if only_successor is not None:
                    body.successor = only_successor
                _stamp(body, user, reason, body)
                body.save()
    return reorganisation


# --- The records a reorganisation touches ---------------------------------------


@dataclass
class Context:
    reorganisation: Reorganisation
    user: object
    reason: str

    @property
    def last_day(self):
        return self.reorganisation.abolished_on

    @property
    def first_day(self):
        return self.reorganisation.takes_effect


def _model(label):
    return apps.get_model(label)


def _copy(obj, **changes):
    """A new, unsaved record with ``obj``'s values and ``changes``."""
    values = {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if not f.primary_key and f.name not in ("created_at", "updated_at")
    }
    new = type(obj)(**values)
    for name, value in changes.items():
        setattr(new, name, value)
    return new


def _save(obj, ctx, organisation):
    _stamp(obj, ctx.user, ctx.reason, organisation)
    obj.save()


def _delete(obj, ctx, organisation):
    _stamp(obj, ctx.user, ctx.reason, organisation)
    obj.delete()


def _repoint(obj, field_name, successor, ctx, old):
    """Give ``obj`` to ``successor`` in place, moving the owner permissions with it."""
    setattr(obj, field_name, successor)
    _save(obj, ctx, successor)
    if getattr(obj, "owner_permissions", None):
        permissions.revoke_owner_permissions(obj, old)
        permissions.grant_owner_permissions(obj)


@dataclass
class RecordKind:
    """One kind of record that names a body, and how the transfer moves or ends it."""

    key: str
    label: str
    model_label: str
    field: str
    describe: object
    move: object
    end: object = None
    live: object = field(default=lambda queryset, ctx: queryset)
    related: tuple = ()

    @property
    def model(self):
        return _model(self.model_label)

    def queryset(self, ctx, abolished_ids):
        queryset = self.model._default_manager.filter(**{f"{self.field}__in": abolished_ids})
        return self.live(queryset, ctx).select_related(self.field, *self.related)


# Partner places: the successor takes the place from its first day.
def _move_partner(partner, successor, ctx):
    old = partner.organisation
    _end_partner(partner, None, ctx)
    if not Partner.objects.filter(partnership=partner.partnership, organisation=successor).exists():
        new = Partner(
            partnership=partner.partnership, organisation=successor, role=partner.role, joined=ctx.first_day
        )
        _save(new, ctx, successor)
        return f"{old.display_name} left on {_day(ctx.last_day)}; {successor.display_name} joined"
    return f"{old.display_name} left on {_day(ctx.last_day)}; {successor.display_name} was already a partner"


def _end_partner(partner, successor, ctx):
    partner.left = max(ctx.last_day, partner.joined) if partner.joined else ctx.last_day
    _save(partner, ctx, partner.organisation)
    return f"left on {_day(partner.left)}"


# Agreement parties: the successor stands in the body's place (its transfer scheme
# carries the rights and duties); the signature stays in the party's history.
def _move_party(party, successor, ctx):
    agreement = party.agreement
    old = party.organisation
    existing = type(party).objects.filter(agreement=agreement, organisation=successor).first()
    if existing is not None:
        _delete(party, ctx, old)
        note = f"{successor.display_name} was already a party; {old.display_name}'s place removed"
    else:
        _repoint(party, "organisation", successor, ctx, old)
        note = f"{successor.display_name} now a party in place of {old.display_name}"
    permissions.revoke_owner_permissions(agreement, old)
    permissions.grant_owner_permissions(agreement)
    return note


def _end_party(party, successor, ctx):
    agreement = party.agreement
    old = party.organisation
    _delete(party, ctx, old)
    permissions.revoke_owner_permissions(agreement, old)
    return f"{old.display_name} no longer a party"


def _live_party(queryset, ctx):
    return queryset.exclude(agreement__status__in=["expired", "terminated"]).filter(
        Q(agreement__end_date__isnull=True) | Q(agreement__end_date__gt=ctx.last_day)
    )


# Payments an agreement states between partners (regulations 8 and 9): the successor pays,
# or is paid, in the body's place; a payment the change would leave between one body and
# itself, or whose body's place is ended, is no longer stated.
def _move_payment(side):
    def move(payment, successor, ctx):
        payment.refresh_from_db()  # the other side may have moved it already
        old = getattr(payment, side)
        other = payment.payee if side == "payer" else payment.payer
        if other == successor:
            _delete(payment, ctx, old)
            return f"{successor.display_name} would pay itself: the payment is no longer stated"
        _repoint(payment, side, successor, ctx, old)
        verb = "pays" if side == "payer" else "is paid"
        return f"{successor.display_name} now {verb} in place of {old.display_name}"

    return move


def _end_payment(side):
    def end(payment, successor, ctx):
        old = getattr(payment, side)
        if type(payment).objects.filter(pk=payment.pk).exists():
            _delete(payment, ctx, old)
        return f"The payment {'from' if side == 'payer' else 'to'} {old.display_name} is no longer stated"

    return end


def _describe_payment(payment):
    return (
        f"{payment.payer.display_name} pays {payment.payee.display_name} under "
        f"{payment.agreement.reference}: {payment.description[:60]}"
    )


# Delegations: the old body's delegation ends on its last day; moved, the successor's
# carries on from its first day in the same terms.
def _move_delegation(delegation, successor, ctx):
    if delegation.valid_from > ctx.last_day:
        _repoint(delegation, "from_organisation", successor, ctx, delegation.from_organisation)
        return f"now given by {successor.display_name}"
    new = _copy(delegation, from_organisation=successor, valid_from=ctx.first_day)
    _end_delegation(delegation, None, ctx)
    _save(new, ctx, successor)
    return f"ended {_day(ctx.last_day)}; carried on by {successor.display_name} from {_day(ctx.first_day)}"


def _end_delegation(delegation, successor, ctx):
    if delegation.valid_from > ctx.last_day:
        _delete(delegation, ctx, delegation.from_organisation)
        return "removed: it was to start after the body's abolition"
    delegation.valid_to = ctx.last_day
    _save(delegation, ctx, delegation.from_organisation)
    return f"ended {_day(ctx.last_day)}"


def _live_delegation(queryset, ctx):
    return queryset.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=ctx.last_day))


#: The short form of each NHS kind as seat titles write it ("PCT Chair").
KIND_WORDS = {OrganisationKind.PCT: "PCT", OrganisationKind.CCG: "CCG", OrganisationKind.ICB: "ICB"}


def successor_title(text, abolished, successor):
    """``text`` (a seat's name or job title) starting with the abolished body's kind word, with
    the successor's instead: a "PCT Chair" seat a CCG now nominates is its "CCG Chair". Other
    text is kept ("Nominee of NHS Walsall PCT" names a body, not a role)."""
    old, new = KIND_WORDS.get(abolished.kind), KIND_WORDS.get(successor.kind)
    if not old or not new or old == new:
        return text
    return re.sub(rf"^{old}\b", new, text)


# Committee seats: the old nomination ends; moved, the successor nominates the same person (the
# seat's title naming the successor's kind of body).
def _move_seat(seat, successor, ctx):
    titles = {
        name: successor_title(getattr(seat, name), seat.organisation, successor)
        for name in ("person_name", "job_title")
    }
    if seat.from_date and seat.from_date > ctx.last_day:
        for name, title in titles.items():
            setattr(seat, name, title)
        _repoint(seat, "organisation", successor, ctx, seat.organisation)
        return f"now nominated by {successor.display_name}"
    new = _copy(seat, organisation=successor, from_date=ctx.first_day, **titles)
    _end_seat(seat, None, ctx)
    _save(new, ctx, successor)
    successor_name = successor.display_name
    return f"seat ended {_day(ctx.last_day)}; nominated by {successor_name} from {_day(ctx.first_day)}"


def _end_seat(seat, successor, ctx):
    if seat.from_date and seat.from_date > ctx.last_day:
        _delete(seat, ctx, seat.organisation)
        return "removed: the seat was to start after the body's abolition"
    seat.to_date = ctx.last_day
    _save(seat, ctx, seat.organisation)
    return f"seat ended {_day(ctx.last_day)}"


def _live_seat(queryset, ctx):
    return queryset.exclude(committee__status="dissolved").filter(
        Q(to_date__isnull=True) | Q(to_date__gt=ctx.last_day)
    )


# Quorum rules: the successor's members count instead.
def _move_quorum(rule, successor, ctx):
    if type(rule).objects.filter(committee=rule.committee, organisation=successor).exists():
        _delete(rule, ctx, rule.organisation)
        return f"{successor.display_name} already had a quorum rule; this one removed"
    _repoint(rule, "organisation", successor, ctx, rule.organisation)
    return f"{rule.minimum_members} from {successor.display_name}"


def _end_quorum(rule, successor, ctx):
    _delete(rule, ctx, rule.organisation)
    return "removed"


def _live_quorum(queryset, ctx):
    return queryset.exclude(committee__status="dissolved")


# Memberships: the person holds the same role for the successor.
def _move_membership(membership, successor, ctx):
    old = membership.organisation
    if not Membership.objects.filter(
        user=membership.user, organisation=successor, role=membership.role, partnership=membership.partnership
    ).exists():
        new = _copy(membership, organisation=successor)
        _save(new, ctx, successor)
        note = f"now {membership.get_role_display().lower()} of {successor.display_name}"
    else:
        note = f"already {membership.get_role_display().lower()} of {successor.display_name}"
    _delete(membership, ctx, old)
    return note


def _end_membership(membership, successor, ctx):
    _delete(membership, ctx, membership.organisation)
    return "role removed"


# Posts: the successor employs the post (TUPE); ended, the post ends on the last day.
def _move_post(post, successor, ctx):
    _repoint(post, "employer", successor, ctx, post.employer)
    return f"now employed by {successor.display_name}"


def _end_post(post, successor, ctx):
    post.end_date = max(ctx.last_day, post.start_date) if post.start_date else ctx.last_day
    _save(post, ctx, post.employer)
    return f"post ended {_day(post.end_date)}"


def _live_post(queryset, ctx):
    return queryset.filter(Q(end_date__isnull=True) | Q(end_date__gt=ctx.last_day))


# A post's share: the successor takes the body's share of time and cost (shares must
# still add up to 100%, so a share can only move).
def _move_share(share, successor, ctx):
    existing = type(share).objects.select_for_update().filter(post=share.post, organisation=successor).first()
    if existing is not None:
        existing.share_percent += share.share_percent
        _save(existing, ctx, successor)
        _delete(share, ctx, share.organisation)
        return f"added to {successor.display_name}'s share ({existing.share_percent}%)"
    _repoint(share, "organisation", successor, ctx, share.organisation)
    return f"{share.share_percent}% now {successor.display_name}'s"


def _live_share(queryset, ctx):
    return queryset.filter(Q(post__end_date__isnull=True) | Q(post__end_date__gt=ctx.last_day))


# Contributions of the financial years after the change: the successor makes them.
def _first_year_after(ctx):
    first = ctx.first_day
    return first.year if first <= datetime.date(first.year, 4, 1) else first.year + 1


def _move_contribution(contribution, successor, ctx):
    old = contribution.organisation
    existing = (
        type(contribution)
        .objects.select_for_update()
        .filter(budget=contribution.budget, organisation=successor, year=contribution.year)
        .first()
    )
    if existing is not None:
        existing.amount += contribution.amount
        _save(existing, ctx, successor)
        _delete(contribution, ctx, old)
        return f"added to {successor.display_name}'s contribution (£{existing.amount:,})"
    _repoint(contribution, "organisation", successor, ctx, old)
    return f"£{contribution.amount:,} now {successor.display_name}'s"


def _end_contribution(contribution, successor, ctx):
    _delete(contribution, ctx, contribution.organisation)
    return f"£{contribution.amount:,} withdrawn"


def _live_contribution(queryset, ctx):
    return queryset.filter(year__gte=_first_year_after(ctx))


KINDS = (
    RecordKind(
        "partner",
        "Partner place",
        "partnership.Partner",
        "organisation",
        describe=lambda p: f"{p.organisation.display_name} in {p.partnership.name}",
        move=_move_partner,
        end=_end_partner,
        live=lambda qs, ctx: qs.filter(Q(left__isnull=True) | Q(left__gt=ctx.last_day)),
        related=("partnership",),
    ),
    RecordKind(
        "party",
        "Agreement party",
        "agreements.AgreementParty",
        "organisation",
        describe=lambda p: (
            f"{p.organisation.display_name}, party to {p.agreement.reference} "
            f"({p.agreement.get_status_display().lower()})"
        ),
        move=_move_party,
        end=_end_party,
        live=_live_party,
        related=("agreement__partnership",),
    ),
    RecordKind(
        "payment_from",
        "Payment by a partner",
        "agreements.AgreementPayment",
        "payer",
        describe=_describe_payment,
        move=_move_payment("payer"),
        end=_end_payment("payer"),
        live=_live_party,
        related=("payee", "agreement__partnership"),
    ),
    RecordKind(
        "payment_to",
        "Payment to a partner",
        "agreements.AgreementPayment",
        "payee",
        describe=_describe_payment,
        move=_move_payment("payee"),
        end=_end_payment("payee"),
        live=_live_party,
        related=("payer", "agreement__partnership"),
    ),
    RecordKind(
        "delegation",
        "Delegation",
        "committees.Delegation",
        "from_organisation",
        describe=lambda d: f"{d.from_organisation.display_name} to {d.delegate}: {d.scope[:80]}",
        move=_move_delegation,
        end=_end_delegation,
        live=_live_delegation,
        related=("partnership", "to_committee"),
    ),
    RecordKind(
        "seat",
        "Committee seat",
        "committees.CommitteeMember",
        "organisation",
        describe=lambda m: (
            f"{m.person_name}, nominated by {m.organisation.display_name} to {m.committee.name}"
        ),
        move=_move_seat,
        end=_end_seat,
        live=_live_seat,
        related=("committee__partnership",),
    ),
    RecordKind(
        "quorum",
        "Quorum rule",
        "committees.CommitteeQuorumRule",
        "organisation",
        describe=lambda r: f"{r.minimum_members} from {r.organisation.display_name} for {r.committee.name}",
        move=_move_quorum,
        end=_end_quorum,
        live=_live_quorum,
        related=("committee__partnership",),
    ),
    RecordKind(
        "membership",
        "Membership",
        "partnership.Membership",
        "organisation",
        describe=lambda m: (
            f"{m.user.get_full_name() or m.user.username}, "
            f"{m.get_role_display().lower()} of {m.organisation.display_name}"
        ),
        move=_move_membership,
        end=_end_membership,
        related=("user", "partnership"),
    ),
    RecordKind(
        "post",
        "Post",
        "staffing.Post",
        "employer",
        describe=lambda p: f"{p.title}, employed by {p.employer.display_name}",
        move=_move_post,
        end=_end_post,
        live=_live_post,
        related=("partnership",),
    ),
    RecordKind(
        "post_share",
        "Share of a post",
        "staffing.PostShare",
        "organisation",
        describe=lambda s: f"{s.organisation.display_name}'s {s.share_percent}% of {s.post.title}",
        move=_move_share,
        live=_live_share,
        related=("post__partnership",),
    ),
    RecordKind(
        "contribution",
        "Contribution",
        "finance.Contribution",
        "organisation",
        describe=lambda c: f"{c.organisation.display_name}, {c.year_label}: £{c.amount:,} to {c.budget.name}",
        move=_move_contribution,
        end=_end_contribution,
        live=_live_contribution,
        related=("budget__partnership",),
    ),
)
KINDS_BY_KEY = {kind.key: kind for kind in KINDS}


@dataclass
class Touched:
    """One live record that names an abolished body."""

    kind: RecordKind
    record: object
    organisation: Organisation

    @property
    def key(self):
        return f"{self.kind.key}-{self.record.pk}"

    @property
    def label(self):
        return self.kind.describe(self.record)

    @property
    def partnership(self):
        if self.kind.key == "membership":
            return None
        return self.record.get_partnership()

    @property
    def can_end(self):
        return self.kind.end is not None


def _context(reorganisation, user=None, reason=""):
    return Context(reorganisation=reorganisation, user=user, reason=reason)


def _abolished_ids(reorganisation):
    return [b.organisation_id for b in reorganisation.bodies.all() if b.side == ReorganisationSide.ABOLISHED]


def touched_records(reorganisation):
    """Every live record naming a body ``reorganisation`` abolishes, by kind then label."""
    ctx = _context(reorganisation)
    abolished_ids = _abolished_ids(reorganisation)
    found = []
    for kind in KINDS:
        for record in kind.queryset(ctx, abolished_ids).order_by("pk"):
            found.append(Touched(kind, record, getattr(record, kind.field)))
    return found


def count_touched(reorganisation):
    """How many live records still name an abolished body (one count per kind)."""
    ctx = _context(reorganisation)
    abolished_ids = _abolished_ids(reorganisation)
    return sum(
        kind.live(kind.model._default_manager.filter(**{f"{kind.field}__in": abolished_ids}), ctx).count()
        for kind in KINDS
    )


# --- The transfer -----------------------------------------------------------------


def complete_transfer(*, reorganisation, choices, user, reason=""):
    """Move each live record naming an abolished body to the successor ``choices`` names
    for it (``{"seat-12": <successor id> or END}``), or end it; record each in a
    ``TransferredRecord`` and complete the reorganisation, in one transaction.

    The reorganisation's row lock orders two people completing it at once: the second
    finds it completed and is told so. Choices must cover exactly the records live
    now: a record added or changed since the page was opened is refused, to be reviewed.
    """
    with transaction.atomic():
        reorganisation = Reorganisation.objects.select_for_update().get(pk=reorganisation.pk)
        if reorganisation.is_completed:
            who = reorganisation.completed_by
            name = (who.get_full_name() or who.username) if who else "Someone"
            when = timezone.localtime(reorganisation.completed_at)
            raise ValidationError(
                f"{name} completed this transfer at {when:%H:%M on %-d %B %Y}, so nothing more was "
                "changed: see what was transferred below."
            )
        abolished = reorganisation.abolished()
        successors = {body.pk: body for body in reorganisation.successors()}
        permissions.require(
            may_reorganise(user, abolished),
            "Only a site administrator, or an administrator of every body abolished, may complete "
            "this transfer.",
        )
        if timezone.localdate() < reorganisation.takes_effect:
            raise ValidationError(
                f"The successors take over on {_day(reorganisation.takes_effect)}: the transfer can be "
                "completed from that day."
            )
        ctx = _context(reorganisation, user, reason or f"Reorganisation: {reorganisation.name}")
        plan = []
        for touched in _locked_touched(reorganisation, ctx, abolished):
            choice = choices.get(touched.key)
            if choice is None:
                raise ValidationError(
                    f"{touched.kind.label} “{touched.label}” is not on the page you sent (it is new or "
                    "changed since you opened it): review the transfer again."
                )
            plan.append((touched, _successor_for(touched, choice, successors)))
        live_keys = {touched.key for touched, _ in plan}
        stale = set(choices) - live_keys
        if stale:
            raise ValidationError(
                "Some records on the page you sent no longer name an abolished body (someone changed "
                "them since you opened it): review the transfer again."
            )
        content_types = {}
        for touched, successor in plan:
            record, kind = touched.record, touched.kind
            partnership = touched.partnership
            label = touched.label
            content_type = content_types.setdefault(kind.model, ContentType.objects.get_for_model(kind.model))
            record_id = record.pk
            note = kind.end(record, None, ctx) if successor is None else kind.move(record, successor, ctx)
            entry = TransferredRecord(
                reorganisation=reorganisation,
                kind=kind.label,
                record_label=label[:300],
                content_type=content_type,
                object_id=str(record_id),
                partnership=partnership,
                from_organisation=touched.organisation,
                to_organisation=successor,
                outcome=TransferOutcome.ENDED if successor is None else TransferOutcome.MOVED,
                note=note[:300],
            )
            _save(entry, ctx, touched.organisation)
        reorganisation.status = ReorganisationStatus.COMPLETED
        reorganisation.completed_at = timezone.now()
        reorganisation.completed_by = user
        _save(reorganisation, ctx, None)
    return reorganisation


def _locked_touched(reorganisation, ctx, abolished):
    """The live records, each locked (``SELECT ... FOR UPDATE``) before it is read for the plan."""
    abolished_ids = [body.pk for body in abolished]
    found = []
    for kind in KINDS:
        ids = list(kind.queryset(ctx, abolished_ids).values_list("pk", flat=True))
        locked = kind.model._default_manager.select_for_update().filter(pk__in=ids).order_by("pk")
        for record in kind.queryset(ctx, abolished_ids).filter(pk__in=[r.pk for r in locked]).order_by("pk"):
            found.append(Touched(kind, record, getattr(record, kind.field)))
    return found


def _successor_for(touched, choice, successors):
    if str(choice) == END:
        if not touched.can_end:
            raise ValidationError(
                f"{touched.kind.label} “{touched.label}” cannot be ended: move it to a successor."
            )
        return None
    try:
        return successors[int(choice)]
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError(
            f"{touched.kind.label} “{touched.label}”: choose one of the successors, or end it."
        ) from exc


def default_choices(reorganisation, touched):
    """With one successor, every record moves to it; with several, each must be chosen."""
    successors = reorganisation.successors()
    if len(successors) != 1:
        return {}
    return {t.key: str(successors[0].pk) for t in touched}


# --- Attention -------------------------------------------------------------------


def attention_items(user):
    """Reorganisations in effect whose transfer is not done, for those who may run them:
    every live record naming an abolished body is counted until the transfer is done."""
    if not user.is_authenticated:
        return []
    from django.urls import reverse

    today = timezone.localdate()
    open_ones = Reorganisation.objects.filter(
        status=ReorganisationStatus.RECORDED, takes_effect__lte=today
    ).prefetch_related("bodies__organisation")
    if not user.is_superuser:
        memberships = permissions.user_memberships(user)
        administered = {m.organisation_id for m in memberships if m.role == Role.ADMINISTRATOR}
        if not administered:
            return []
        open_ones = open_ones.filter(
            bodies__organisation_id__in=administered, bodies__side=ReorganisationSide.ABOLISHED
        )
    items = []
    for reorganisation in open_ones.distinct():
        if not may_reorganise(user, reorganisation.abolished()):
            continue
        count = count_touched(reorganisation)
        if not count:
            continue
        names = ", ".join(body.display_name for body in reorganisation.abolished())
        items.append(
            {
                "text": f"{count} live {'record still names' if count == 1 else 'records still name'} "
                f"{names}, abolished on {_day(reorganisation.abolished_on)}: review the transfer",
                "url": reverse("reorganisation_detail", kwargs={"pk": reorganisation.pk}),
                "partnership": None,
                "due": reorganisation.takes_effect,
            }
        )
    return items
