"""Rules for agreements: parties, the status lifecycle, sovereign sign-off,
statutory completeness, variations and reviews.

Every function takes the acting ``user`` by keyword, checks the rule, writes
inside one transaction with the history user and reason set, and raises
``ValidationError`` (a rule was broken) or ``PermissionDenied`` (the user
may not do this) with a message a person can read.
"""

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from agreements.access import may_approve, may_sign, signing_authority
from agreements.choices import (
    ENDING_STATUSES,
    AgreementKind,
    AgreementStatus,
    ReviewOutcome,
    ReviewStatus,
    VariationStatus,
)
from agreements.models import (
    Agreement,
    AgreementParty,
    AgreementPayment,
    Review,
    Variation,
    VariationApproval,
)
from partnership import permissions
from partnership.choices import OrganisationKind, Role
from partnership.models import Membership
from partnership.services import queue_reminder

# --- Lifecycle -------------------------------------------------------------

S = AgreementStatus

#: The moves a person may make by hand. An agreement comes into force only when
#: every party has signed (see :func:`sign_agreement`), never by hand.
ALLOWED_MOVES = {
    S.DRAFT: (S.IN_NEGOTIATION, S.AWAITING_SIGNATURE),
    S.IN_NEGOTIATION: (S.DRAFT, S.AWAITING_SIGNATURE),
    S.AWAITING_SIGNATURE: (S.IN_NEGOTIATION,),
    S.IN_FORCE: (S.UNDER_REVIEW, S.EXPIRED, S.TERMINATED),
    S.UNDER_REVIEW: (S.IN_FORCE, S.EXPIRED, S.TERMINATED),
    S.EXPIRED: (),
    S.TERMINATED: (),
}

#: Statuses in which the terms of an agreement may be edited. Once sent for
#: signature the text is fixed; an agreement in force changes by variation.
EDITABLE_STATUSES = frozenset({S.DRAFT, S.IN_NEGOTIATION})

#: Statuses in which schedules, variations and reviews may still be recorded.
LIVE_STATUSES = frozenset({S.DRAFT, S.IN_NEGOTIATION, S.AWAITING_SIGNATURE, S.IN_FORCE, S.UNDER_REVIEW})

MOVE_LABELS = {
    S.DRAFT: "Return to draft",
    S.IN_NEGOTIATION: "Move to negotiation",
    S.AWAITING_SIGNATURE: "Send for signature",
    S.IN_FORCE: "Mark as in force",
    S.UNDER_REVIEW: "Start review",
    S.EXPIRED: "Mark as expired",
    S.TERMINATED: "Terminate",
}


def is_editable(agreement):
    return agreement.status in EDITABLE_STATUSES


def can_manage(user, agreement, checker=None):
    """May ``user`` edit, move or add to ``agreement`` (an officer of a party body)?"""
    if permissions.is_read_only(user):
        return False
    return permissions.can_change(user, agreement, checker)


def allowed_moves(agreement):
    return ALLOWED_MOVES.get(agreement.status, ())


def moves_for(user, agreement):
    """The moves to offer ``user`` at a click: allowed from this status, and only if they may
    make them. Ending the agreement is not one of them: see :func:`endings_for`."""
    if not can_manage(user, agreement):
        return []
    return [
        (status, MOVE_LABELS[status]) for status in allowed_moves(agreement) if status not in ENDING_STATUSES
    ]


def endings_for(user, agreement):
    """The endings (terminate, mark as expired) to offer ``user``, each through its own
    confirmation page; none while an ending is already recorded."""
    if not can_manage(user, agreement) or agreement.ending_status:
        return []
    return [(status, MOVE_LABELS[status]) for status in allowed_moves(agreement) if status in ENDING_STATUSES]


def _stamp(obj, user, reason, organisation=None):
    obj._history_user = user
    obj._change_reason = reason
    if organisation is not None:
        obj._acting_organisation = organisation


def _locked(agreement):
    """``agreement`` as it is now, locked until the transaction ends: check rules on this."""
    return Agreement.objects.select_for_update().get(pk=agreement.pk)


def _require_manager(user, agreement, what="change this agreement"):
    permissions.require(
        can_manage(user, agreement),
        f"You may not {what}: only officers of the bodies that are party to it may.",
    )


def _acting_body(user, agreement, *roles):
    """The first party body ``user`` acts for in one of ``roles`` (for the history record)."""
    party_ids = {p.organisation_id for p in agreement.parties.all()}
    for body in permissions.bodies_acting_for(user, agreement.partnership, *roles):
        if body.pk in party_ids:
            return body
    return None


def change_status(*, agreement, status, user, reason=""):
    """Move ``agreement`` to ``status`` if the lifecycle allows it from the status it has
    now (checked under the row lock, so two people moving it at once cannot both win)."""
    _require_manager(user, agreement, "change the status of this agreement")
    status = AgreementStatus(status)
    if status in ENDING_STATUSES:
        # Ending goes through the notice rule; this is an ending given and taking effect today.
        today = timezone.localdate()
        return end_agreement(
            agreement=agreement,
            status=status,
            user=user,
            reason=reason or f"Status: {status.label}",
            ends_on=today,
            notice_given_on=today if status == S.TERMINATED else None,
        )
    with transaction.atomic():
        agreement = _locked(agreement)
        _check_move(agreement, status)
        current = AgreementStatus(agreement.status)
        if status == S.AWAITING_SIGNATURE:
            check_ready_for_signature(agreement)
        if current == S.AWAITING_SIGNATURE and status == S.IN_NEGOTIATION:
            _void_signatures(agreement, user, "Returned to negotiation: the text may change again")
        agreement.status = status
        _stamp(agreement, user, reason or f"Status: {status.label}", _acting_body(user, agreement))
        agreement.save()
    return agreement


def move_refusal(agreement, status):
    """Why the lifecycle does not allow moving ``agreement`` to ``status`` now, or None."""
    current = AgreementStatus(agreement.status)
    if status == current:
        return f"The agreement is already {current.label.lower()}."
    if status == S.IN_FORCE and current == S.AWAITING_SIGNATURE:
        return (
            "An agreement comes into force only when every party has signed it; it cannot be "
            "marked as in force by hand."
        )
    if status not in allowed_moves(agreement):
        allowed = ", ".join(AgreementStatus(s).label.lower() for s in allowed_moves(agreement))
        return f"An agreement that is {current.label.lower()} cannot be moved to {status.label.lower()}" + (
            f"; it can be moved to: {allowed}." if allowed else "; it can no longer change status."
        )
    return None


def _check_move(agreement, status):
    """Refuse a move the lifecycle does not allow from the (locked) agreement's status."""
    refusal = move_refusal(agreement, status)
    if refusal:
        raise ValidationError(refusal)


# --- Ending: notice, the day it takes effect, withdrawal ------------------------


def _day(day):
    return f"{day:%-d %B %Y}"


def _months(count):
    return f"{count} month{'' if count == 1 else 's'}"


def earliest_end(agreement, notice_given_on):
    """The first day an ending under notice given on ``notice_given_on`` may take effect:
    that day plus the agreement's notice period (the day itself when it has none)."""
    return add_months(notice_given_on, agreement.notice_period_months or 0)


def ending_date_errors(agreement, status, ends_on, notice_given_on, today=None):
    """The notice rule: what is wrong with the dates of an ending, as ``{field: message}``
    for the form's fields (``notice_given_on``, ``ends_on``); empty when they keep it."""
    today = today or timezone.localdate()
    status = AgreementStatus(status)
    errors = {}
    months = agreement.notice_period_months or 0
    if ends_on is None:
        errors["ends_on"] = "Enter the date the ending takes effect."
    if status == S.TERMINATED:
        if notice_given_on is None:
            errors["notice_given_on"] = "Enter the date notice was given."
        elif notice_given_on > today:
            errors["notice_given_on"] = (
                "The date notice was given cannot be in the future: record the notice on the day it is given."
            )
        elif ends_on is not None and ends_on < earliest_end(agreement, notice_given_on):
            errors["ends_on"] = (
                f"The date the ending takes effect must be on or after "
                f"{_day(earliest_end(agreement, notice_given_on))}: "
                + (
                    f"the agreement's notice period is {_months(months)}, counted from the date notice "
                    f"was given ({_day(notice_given_on)})."
                    if months
                    else f"it cannot take effect before notice was given ({_day(notice_given_on)})."
                )
            )
    if "ends_on" not in errors and months and ends_on <= today and status == S.TERMINATED:
        errors["ends_on"] = (
            f"The date the ending takes effect must be after today: under its {_months(months)} notice "
            "period this agreement ends on a date after notice is given, not at once."
        )
    if "ends_on" not in errors and agreement.start_date and ends_on < agreement.start_date:
        errors["ends_on"] = (
            f"The date the ending takes effect cannot be before the agreement started "
            f"({_day(agreement.start_date)})."
        )
    return errors


def end_agreement(*, agreement, status, user, reason, ends_on, notice_given_on=None, today=None):
    """Record that ``agreement`` ends (``status``: terminated or expired) on ``ends_on``.

    Terminating needs the date notice was given (not in the future), and ``ends_on`` no
    earlier than that date plus the agreement's notice period; under a notice period the
    ending is always on a later day than ``today``. Until ``ends_on`` the ending is pending
    (the agreement stays in force, and it can be withdrawn); :func:`apply_due_endings` applies
    it that day. An ending on ``today`` or before takes effect at once. Every party body's
    officers and signatories are told through the reminder outbox.
    """
    _require_manager(user, agreement, "end this agreement")
    status = AgreementStatus(status)
    if status not in ENDING_STATUSES:
        raise ValueError(f"{status} is not an ending")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Enter the reason for ending the agreement.")
    today = today or timezone.localdate()
    if status != S.TERMINATED:
        notice_given_on = None
    with transaction.atomic():
        agreement = _locked(agreement)
        if agreement.ending_status:
            raise ValidationError(
                f"An ending is already recorded: {agreement.ending_summary()}. Withdraw it before "
                "recording another."
            )
        _check_move(agreement, status)
        errors = ending_date_errors(agreement, status, ends_on, notice_given_on, today)
        if errors:
            raise ValidationError(errors)
        agreement.ending_status = status
        agreement.notice_given_on = notice_given_on
        agreement.ends_on = ends_on
        agreement.ending_reason = reason
        agreement.notice_given_by = user
        at_once = ends_on <= today
        if at_once:
            agreement.status = status
        _stamp(
            agreement,
            user,
            agreement.ending_summary(),
            _acting_body(user, agreement, Role.OFFICER),
        )
        agreement.save()
        _tell_parties(agreement, "ended" if at_once else "notice")
    return agreement


def withdraw_ending(*, agreement, user, reason):
    """Withdraw an ending that has not yet taken effect; the agreement goes on as before."""
    _require_manager(user, agreement, "withdraw the ending of this agreement")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Enter the reason for withdrawing the ending.")
    with transaction.atomic():
        agreement = _locked(agreement)
        if not agreement.pending_ending:
            raise ValidationError(
                f"This agreement is {agreement.get_status_display().lower()} and has no ending waiting "
                "to take effect, so there is nothing to withdraw."
            )
        withdrawn = agreement.ending_summary()
        agreement.ending_status = ""
        agreement.notice_given_on = None
        agreement.ends_on = None
        agreement.ending_reason = ""
        agreement.notice_given_by = None
        _stamp(
            agreement,
            user,
            f"Ending withdrawn ({withdrawn}): {reason}",
            _acting_body(user, agreement, Role.OFFICER),
        )
        agreement.save()
        _tell_parties(agreement, "withdrawn", withdrawn=withdrawn, withdrawal_reason=reason, by=user)
    return agreement


def apply_ending(*, agreement, today=None):
    """Apply ``agreement``'s recorded ending if it is due on ``today``: the system's act, with
    the reason given when notice was recorded. Returns True when this call applied it."""
    today = today or timezone.localdate()
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update().filter(pk=agreement.pk).first()
        if agreement is None or not agreement.pending_ending or agreement.ends_on > today:
            return False
        agreement.status = agreement.ending_status
        _stamp(agreement, None, f"Applied by Concordat on its date: {agreement.ending_summary()}")
        agreement.save()
        _tell_parties(agreement, "ended")
    return True


def apply_due_endings(*, today=None):
    """Apply every recorded ending due on or before ``today`` (the daily task). Returns how many."""
    today = today or timezone.localdate()
    due = Agreement.objects.filter(
        ending_status__in=ENDING_STATUSES,
        ends_on__lte=today,
        status__in=Agreement.EFFECTIVE_STATUSES,
    ).order_by("ends_on", "pk")
    return sum(apply_ending(agreement=agreement, today=today) for agreement in due)


def ending_recipients(agreement):
    """The officers and signatories of every party body, each once."""
    body_ids = [party.organisation_id for party in agreement.parties.all()]
    memberships = (
        Membership.objects.filter(
            organisation_id__in=body_ids, role__in=(Role.OFFICER, Role.SIGNATORY), user__is_active=True
        )
        .filter(Q(partnership__isnull=True) | Q(partnership=agreement.partnership_id))
        .select_related("user")
        .order_by("user_id")
    )
    return list({membership.user_id: membership.user for membership in memberships}.values())


def _tell_parties(agreement, event, *, withdrawn="", withdrawal_reason="", by=None):
    """Queue a message about ``agreement``'s ending to each party's people (sent after commit)."""
    name = f"{agreement.reference} ({agreement.title})"
    if event == "notice":
        subject = f"Notice given: {agreement.reference} ends on {_day(agreement.ends_on)}"
        body = (
            f"{agreement.ending_summary()}.\n\nUntil then “{agreement.title}” in "
            f"{agreement.partnership.name} stays {agreement.get_status_display().lower()}. The ending "
            "can be withdrawn on the agreement's page before it takes effect."
        )
    elif event == "ended":
        subject = f"{agreement.reference} is now {agreement.get_status_display().lower()}"
        body = f"{name} in {agreement.partnership.name}: {agreement.ending_summary()}."
    else:
        who = (by.get_full_name() or by.username) if by else "someone"
        subject = f"Ending withdrawn: {agreement.reference} continues"
        body = (
            f"{who} withdrew the ending of {name} in {agreement.partnership.name}: {withdrawal_reason}"
            f"\n\nWhat was withdrawn: {withdrawn}."
        )
    version = agreement.updated_at.isoformat()
    for person in ending_recipients(agreement):
        queue_reminder(
            key=f"agreements:ending:{event}:{agreement.pk}:{version}:{person.pk}",
            recipient=person,
            subject=subject,
            body=body,
            link=agreement.get_absolute_url(),
            due=agreement.ends_on,
            partnership=agreement.partnership,
        )


def _void_signatures(agreement, user, reason):
    for party in agreement.parties.filter(signed_on__isnull=False):
        party.signed_by = None
        party.signatory_name = ""
        party.signatory_position = ""
        party.signed_on = None
        party.relied_on = ""
        party.authority = ""
        _stamp(party, user, reason)
        party.save()


def check_ready_for_signature(agreement):
    parties = list(agreement.parties.all())
    if len(parties) < 2:
        raise ValidationError("An agreement needs at least two parties before it can be sent for signature.")
    missing = missing_statutory_elements(agreement)
    if missing:
        raise ValidationError(
            "This Section 75 agreement cannot be sent for signature until it sets out what "
            f"{statutory_basis(agreement)} requires. Missing: " + "; ".join(missing) + "."
        )


# --- Statutory completeness -----------------------------------------------

#: The regulations a Section 75 agreement is made under (first made under section 31 of the
#: Health Act 1999, now section 75 of the NHS Act 2006).
REGULATIONS = "the NHS Bodies and Local Authorities Partnership Arrangements Regulations 2000 (SI 2000/617)"

K = AgreementKind

#: The regulation of each way a Section 75 agreement may be made, and the arrangements it names.
#: Lead commissioning and integrated provision are made under regulation 8 when NHS bodies exercise
#: the councils' health-related functions with their own, and under regulation 9 when councils
#: exercise NHS functions with theirs: which applies follows the lead body.
REGULATION_7 = "regulation 7 (pooled fund arrangements)"
REGULATION_8 = "regulation 8 (exercise of functions by NHS bodies)"
REGULATION_9 = "regulation 9 (exercise of functions by local authorities)"
REGULATION_8_OR_9 = "regulation 8 or 9 (exercise of functions by NHS bodies or by local authorities)"

#: What each regulation says the written agreement must specify: (field, description). Regulation 7
#: asks for the contributions to the pooled fund; regulations 8 and 9 for the payments made to the
#: partner that exercises the functions, whose direction is also kept as payments under the
#: agreement (:class:`~agreements.models.AgreementPayment`, checked in
#: :func:`missing_statutory_elements`).
_AIMS = ("aims_and_outcomes", "the agreed aims and outcomes of the arrangements")
_FUNCTIONS = (
    "functions",
    "the NHS functions and the health-related functions the exercise of which are the subject of the "
    "arrangements",
)
_PERSONS = (
    "services_and_persons",
    "the persons in respect of whom and the kinds of services in respect of which the functions may be "
    "exercised",
)
_STAFF = (
    "staff_goods_accommodation",
    "the staff, goods, services or accommodation to be provided by the partners in connection with the "
    "arrangements",
)
_DURATION = (
    "duration_and_termination",
    "the duration of the arrangements and provision for the review or variation or termination of the "
    "arrangements",
)


def _exercise_elements(payer, payee, exerciser):
    return (
        _AIMS,
        (
            "contributions",
            f"the payments to be made by {payer} to {payee} and how those payments may be varied",
        ),
        _FUNCTIONS,
        _PERSONS,
        _STAFF,
        _DURATION,
        (
            "monitoring",
            f"the arrangements in place for monitoring the exercise by {exerciser} of the functions",
        ),
    )


STATUTORY_ELEMENTS = {
    REGULATION_7: (
        _AIMS,
        (
            "contributions",
            "the contributions to be made to the pooled fund by each of the partners and how those "
            "contributions may be varied",
        ),
        _FUNCTIONS,
        _PERSONS,
        _STAFF,
        _DURATION,
        ("monitoring", "the arrangements for monitoring the pooled fund"),
    ),
    REGULATION_8: _exercise_elements("the local authorities", "the NHS bodies", "the NHS bodies"),
    REGULATION_9: _exercise_elements("the NHS bodies", "the local authorities", "the local authorities"),
    REGULATION_8_OR_9: _exercise_elements("one partner", "the other", "the lead partner"),
}

#: Kinds whose agreement states payments between the partners, with their direction.
PAYMENT_KINDS = frozenset({K.S75_LEAD_COMMISSIONING, K.S75_INTEGRATED_PROVISION})


def regulation(agreement):
    """The regulation of SI 2000/617 a Section 75 agreement is made under, in words ("" for
    other kinds): 7 for a pooled fund; for lead commissioning or integrated provision, 8 if its
    lead body is an NHS body, 9 if a council, either while no lead body is recorded."""
    if agreement.kind == K.S75_POOLED_FUND:
        return REGULATION_7
    if agreement.kind not in PAYMENT_KINDS:
        return ""
    lead = agreement.host_body
    if lead is not None and lead.is_nhs:
        return REGULATION_8
    if lead is not None and lead.kind == OrganisationKind.LOCAL_AUTHORITY:
        return REGULATION_9
    return REGULATION_8_OR_9


def statutory_basis(agreement):
    """The regulation a Section 75 agreement is made under, with the regulations' name."""
    found = regulation(agreement)
    return f"{found} of {REGULATIONS}" if found else ""


def _is_blank(value):
    from django.utils.html import strip_tags

    return not strip_tags(value or "").replace("&nbsp;", " ").strip()


def missing_statutory_elements(agreement):
    """What a Section 75 agreement still lacks under its regulation (7, 8 or 9 of SI 2000/617).

    A pooled fund needs its host partner and pooled fund manager; lead commissioning and
    integrated provision need at least one payment between two of its parties, saying which
    pays which. Empty for any other kind of agreement.
    """
    if not agreement.is_section_75:
        return []
    under = regulation(agreement)
    elements = STATUTORY_ELEMENTS[under]
    missing = [description for field, description in elements if _is_blank(getattr(agreement, field))]
    if under == REGULATION_7:
        if agreement.host_body_id is None:
            missing.append("the host partner of the pooled fund")
        if _is_blank(agreement.pooled_fund_manager):
            missing.append("the pooled fund manager")
        return missing
    if under == REGULATION_8_OR_9:
        missing.append(
            "the lead body: the partner that exercises the functions (an NHS body under regulation 8, "
            "a council under regulation 9)"
        )
    if agreement.pk:
        missing.extend(_missing_payments(agreement, under))
    return missing


def _missing_payments(agreement, under):
    """Regulations 8 and 9: a payment stated between two parties, in the regulation's direction."""
    parties = {party.organisation_id: party.organisation for party in agreement.parties.all()}
    stated = [
        payment
        for payment in agreement.payments.all()
        if payment.payer_id in parties and payment.payee_id in parties
    ]
    if not stated:
        return ["the payments between the partners: which body pays which (add a payment)"]
    if under == REGULATION_8_OR_9:
        return []
    to_nhs = under == REGULATION_8

    def in_direction(payment):
        payer, payee = parties[payment.payer_id], parties[payment.payee_id]
        council, nhs = (payer, payee) if to_nhs else (payee, payer)
        return council.kind == OrganisationKind.LOCAL_AUTHORITY and nhs.is_nhs

    if any(in_direction(payment) for payment in stated):
        return []
    payer, payee = ("a council", "an NHS body") if to_nhs else ("an NHS body", "a council")
    return [f"the payments from {payer} to {payee} that {under.split(' (')[0]} requires (add one)"]


# --- Creating and editing ----------------------------------------------------


def save_agreement(*, agreement, user, reason="", parties=None, acting_organisation=None):
    """Save a new or edited agreement; for a new one, make ``parties`` its parties.

    ``parties`` is an iterable of Organisations; the host body (if any) gets
    the host role. The creator must be an officer of one of them.
    """
    creating = agreement.pk is None
    if creating:
        parties = list(parties or [])
        permissions.require(
            not permissions.is_read_only(user)
            and permissions.can_create(user, Agreement, agreement.partnership),
            "You may not add an agreement here: only officers of a partner body may.",
        )
        own = permissions.bodies_acting_for(user, agreement.partnership, Role.OFFICER)
        if not user.is_superuser and not any(body in own for body in parties):
            raise ValidationError(
                "One of the parties must be a body you act for as an officer, so that you can "
                "go on editing the agreement."
            )
        if agreement.host_body_id and agreement.host_body not in parties:
            parties.append(agreement.host_body)
    else:
        _require_manager(user, agreement)
    _check_parent(agreement)
    with transaction.atomic():
        if not creating:
            current = _locked(agreement)
            if not is_editable(current):
                raise ValidationError(
                    f"This agreement is {current.get_status_display().lower()}: its terms can no "
                    "longer be edited. Record a variation instead."
                )
            agreement.status = current.status  # the form never moves it; someone else may have
        _stamp(agreement, user, reason, acting_organisation or _first_officer_body(user, agreement))
        agreement.save()
        if creating:
            for organisation in parties:
                add_party(
                    agreement=agreement,
                    organisation=organisation,
                    role=_default_role(agreement, organisation),
                    user=user,
                    reason=reason or "Party when the agreement was created",
                    check=False,
                )
        elif agreement.host_body_id:
            party = agreement.parties.filter(organisation_id=agreement.host_body_id).first()
            if party is None:
                add_party(
                    agreement=agreement,
                    organisation=agreement.host_body,
                    role="host",
                    user=user,
                    reason="Host body added as a party",
                    check=False,
                )
    return agreement


def _first_officer_body(user, agreement):
    bodies = permissions.bodies_acting_for(user, agreement.partnership, Role.OFFICER)
    return bodies[0] if len(bodies) == 1 else None


def _default_role(agreement, organisation):
    return "host" if agreement.host_body_id == organisation.pk else "partner"


def _check_parent(agreement):
    parent = agreement.parent
    if parent is None:
        return
    if parent.partnership_id != agreement.partnership_id:
        raise ValidationError("The parent agreement must belong to the same partnership.")
    seen = {agreement.pk}
    while parent is not None:
        if parent.pk in seen:
            raise ValidationError("An agreement cannot be a schedule of itself or of its own schedules.")
        seen.add(parent.pk)
        parent = parent.parent


def add_party(*, agreement, organisation, role, user, reason="", check=True):
    """Make ``organisation`` a party; its officers may then edit the agreement."""
    if check:
        _require_manager(user, agreement, "change the parties to this agreement")
    if organisation.pk not in permissions.partner_organisation_ids(agreement.partnership):
        raise ValidationError(f"{organisation} is not a partner body in this partnership.")
    party = AgreementParty(agreement=agreement, organisation=organisation, role=role)
    with transaction.atomic():
        if check:
            _require_parties_editable(_locked(agreement))
        if agreement.parties.filter(organisation=organisation).exists():
            raise ValidationError(f"{organisation} is already a party to this agreement.")
        _stamp(party, user, reason or "Party added")
        party.save()
        permissions.grant_owner_permissions(agreement)
    return party


def _require_parties_editable(agreement):
    if not is_editable(agreement):
        raise ValidationError("Parties can be changed only while the agreement is a draft or in negotiation.")


def change_party_role(*, party, role, user, reason=""):
    agreement = party.agreement
    _require_manager(user, agreement, "change the parties to this agreement")
    if party.role == role:
        return party
    party.role = role
    with transaction.atomic():
        _require_parties_editable(_locked(agreement))
        _stamp(party, user, reason or "Party role changed")
        party.save()
    return party


def remove_party(*, party, user, reason=""):
    """Remove a party; its officers lose the right to edit the agreement."""
    agreement = party.agreement
    _require_manager(user, agreement, "change the parties to this agreement")
    organisation = party.organisation
    with transaction.atomic():
        agreement = _locked(agreement)
        _require_parties_editable(agreement)
        if agreement.host_body_id == party.organisation_id:
            raise ValidationError(
                f"{party.organisation} is the host body; choose another host before removing it."
            )
        _stamp(party, user, reason or "Party removed")
        party.delete()
        permissions.revoke_owner_permissions(agreement, organisation)
    return agreement


# --- Payments between the partners ------------------------------------------------


def save_payment(*, payment, user, reason=""):
    """Record or change a payment one party makes to another under the agreement (part of its
    terms, so only while they may still be edited)."""
    agreement = payment.agreement
    _require_manager(user, agreement, "change the payments under this agreement")
    with transaction.atomic():
        agreement = _locked(agreement)
        if not is_editable(agreement):
            raise ValidationError(
                f"This agreement is {agreement.get_status_display().lower()}: the payments it states can "
                "change only while it is a draft or in negotiation. Record a variation instead."
            )
        payment.agreement = agreement
        payment.full_clean()
        _stamp(
            payment,
            user,
            reason or "Payment between the partners",
            _acting_body(user, agreement, Role.OFFICER),
        )
        payment.save()
    return payment


def remove_payment(*, payment, user, reason=""):
    agreement = payment.agreement
    _require_manager(user, agreement, "change the payments under this agreement")
    with transaction.atomic():
        agreement = _locked(agreement)
        if not is_editable(agreement):
            raise ValidationError(
                f"This agreement is {agreement.get_status_display().lower()}: the payments it states can "
                "change only while it is a draft or in negotiation."
            )
        payment = AgreementPayment.objects.select_for_update().get(pk=payment.pk)
        _stamp(payment, user, reason or "Payment removed", _acting_body(user, agreement, Role.OFFICER))
        payment.delete()
    return agreement


# --- Sovereign sign-off ------------------------------------------------------


def sign_agreement(*, party, user, signatory_name, signed_on, relied_on, signatory_position="", reason=""):
    """Sign ``agreement`` for ``party``'s body on the authority :func:`signing_authority` finds
    for ``signed_on`` (recorded with the signature). When the last party signs, it comes into force."""
    organisation = party.organisation
    permissions.require(
        may_sign(user, party),
        f"Only a signatory of {organisation} may sign for {organisation}.",
    )
    if not signatory_name.strip():
        raise ValidationError("Enter the name of the person signing.")
    if not (relied_on or "").strip():
        raise ValidationError("Enter the decision or delegation relied on to sign.")
    if signed_on is None:
        raise ValidationError("Enter the date of signing.")
    authority = signing_authority(user, organisation, signed_on, partnership=party.agreement.partnership)
    authority.require()
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update().get(pk=party.agreement_id)
        party = AgreementParty.objects.select_for_update().get(pk=party.pk)
        if agreement.status != S.AWAITING_SIGNATURE:
            raise ValidationError(
                f"This agreement is {agreement.get_status_display().lower()}; it can be signed only "
                "while it is awaiting signature."
            )
        if party.has_signed:
            raise ValidationError(
                f"{organisation} has already signed this agreement "
                f"({party.signatory_name}, {party.signed_on:%d %B %Y})."
            )
        party.signed_by = user
        party.signatory_name = signatory_name.strip()
        party.signatory_position = signatory_position.strip()
        party.signed_on = signed_on
        party.relied_on = relied_on.strip()
        party.authority = authority.authority
        _stamp(party, user, reason or f"Signed for {organisation}", organisation)
        party.save()
        if not agreement.parties.filter(signed_on__isnull=True).exists():
            agreement.status = S.IN_FORCE
            if agreement.start_date is None:
                agreement.start_date = signed_on
            if agreement.next_review_date is None and agreement.review_frequency_months:
                agreement.next_review_date = add_months(
                    agreement.start_date, agreement.review_frequency_months
                )
            _stamp(agreement, user, "In force: every party has signed", organisation)
            agreement.save()
    party.agreement = agreement
    return party


def add_months(day, months):
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- Schedules ---------------------------------------------------------------


def save_schedule(*, schedule, user, reason=""):
    agreement = schedule.agreement
    _require_manager(user, agreement, "change the schedules of this agreement")
    with transaction.atomic():
        agreement = _locked(agreement)
        if agreement.status not in LIVE_STATUSES:
            raise ValidationError(
                f"This agreement is {agreement.get_status_display().lower()}: its schedules can no "
                "longer change."
            )
        clash = agreement.schedules.filter(number=schedule.number).exclude(pk=schedule.pk)
        if clash.exists():
            raise ValidationError(f"This agreement already has a schedule numbered {schedule.number}.")
        _stamp(schedule, user, reason, _acting_body(user, agreement, Role.OFFICER))
        schedule.save()
    return schedule


# --- Variations --------------------------------------------------------------

VARIABLE_STATUSES = frozenset({S.IN_FORCE, S.UNDER_REVIEW})


def next_variation_number(agreement):
    last = agreement.variations.order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


def _locked_variation(variation):
    return Variation.objects.select_for_update().get(pk=variation.pk)


def save_variation(*, variation, user, reason=""):
    agreement = variation.agreement
    _require_manager(user, agreement, "vary this agreement")
    with transaction.atomic():
        agreement = _locked(agreement)
        if agreement.status not in VARIABLE_STATUSES:
            raise ValidationError(
                "Only an agreement that is in force or under review can be varied; this one is "
                f"{agreement.get_status_display().lower()}."
            )
        if variation.pk:
            current = _locked_variation(variation)
            if current.status != VariationStatus.PROPOSED:
                raise ValidationError(
                    f"This variation is {current.get_status_display().lower()}; it can no longer be edited."
                )
            variation.status = current.status
        if not variation.number:
            variation.number = next_variation_number(agreement)
        _stamp(variation, user, reason, _acting_body(user, agreement, Role.OFFICER))
        variation.save()
    return variation


def submit_variation(*, variation, user, reason=""):
    """Ask every party to approve ``variation``: one approval record per party body."""
    agreement = variation.agreement
    _require_manager(user, agreement, "send this variation for approval")
    with transaction.atomic():
        variation = _locked_variation(variation)
        if variation.status != VariationStatus.PROPOSED:
            raise ValidationError(
                f"This variation is {variation.get_status_display().lower()}; only a proposed "
                "variation can be sent for approval."
            )
        if variation.effective_date is None:
            raise ValidationError("Enter the date the variation takes effect before sending it for approval.")
        for party in agreement.parties.select_related("organisation"):
            approval, created = VariationApproval.objects.get_or_create(
                variation=variation, organisation=party.organisation
            )
        variation.status = VariationStatus.AWAITING_APPROVAL
        _stamp(variation, user, reason or "Sent to every party for approval")
        variation.save()
    return variation


def approve_variation(*, approval, user, approver_name, approved_on, relied_on, reason=""):
    """Approve a variation for one party body; when every body has, it is approved."""
    organisation = approval.organisation
    permissions.require(
        may_approve(user, approval),
        f"Only a signatory of {organisation} may approve this variation for {organisation}.",
    )
    if not approver_name.strip():
        raise ValidationError("Enter the name of the person approving.")
    if not (relied_on or "").strip():
        raise ValidationError("Enter the decision or delegation relied on to approve.")
    if approved_on is None or approved_on > timezone.localdate():
        raise ValidationError("Enter the date of approval (not in the future).")
    authority = signing_authority(
        user, organisation, approved_on, partnership=approval.variation.agreement.partnership
    )
    authority.require()
    with transaction.atomic():
        variation = Variation.objects.select_for_update().get(pk=approval.variation_id)
        approval = VariationApproval.objects.select_for_update().get(pk=approval.pk)
        if variation.status != VariationStatus.AWAITING_APPROVAL:
            raise ValidationError(
                f"This variation is {variation.get_status_display().lower()}; it can be approved "
                "only while it awaits approval."
            )
        if approval.is_approved:
            raise ValidationError(f"{organisation} has already approved this variation.")
        approval.approved_by = user
        approval.approver_name = approver_name.strip()
        approval.approved_on = approved_on
        approval.relied_on = relied_on.strip()
        approval.authority = authority.authority
        _stamp(approval, user, reason or f"Approved for {organisation}", organisation)
        approval.save()
        if not variation.approvals.filter(approved_on__isnull=True).exists():
            variation.status = VariationStatus.APPROVED
            _stamp(variation, user, "Approved by every party", organisation)
            variation.save()
    return approval


def withdraw_variation(*, variation, user, reason=""):
    _require_manager(user, variation.agreement, "withdraw this variation")
    with transaction.atomic():
        variation = _locked_variation(variation)
        if variation.status not in (VariationStatus.PROPOSED, VariationStatus.AWAITING_APPROVAL):
            raise ValidationError(
                f"This variation is {variation.get_status_display().lower()}; it can no longer be withdrawn."
            )
        variation.status = VariationStatus.WITHDRAWN
        _stamp(variation, user, reason or "Withdrawn")
        variation.save()
    return variation


# --- Reviews -------------------------------------------------------------------


def save_review(*, review, user, reason=""):
    """Record or update a review; completing one sets the agreement's next review date."""
    agreement = review.agreement
    _require_manager(user, agreement, "record reviews of this agreement")
    if review.status == ReviewStatus.COMPLETED:
        if review.completed_on is None:
            raise ValidationError("Enter the date the review was completed.")
        if not review.outcome:
            raise ValidationError("Choose the outcome of the review (continue, vary or terminate).")
        if review.completed_on > timezone.localdate():
            raise ValidationError("The review cannot be completed on a future date.")
    elif review.outcome or review.completed_on:
        raise ValidationError("Only a completed review has an outcome and a completion date.")
    with transaction.atomic():
        agreement = _locked(agreement)
        _stamp(review, user, reason, _acting_body(user, agreement, Role.OFFICER))
        review.save()
        if review.status == ReviewStatus.COMPLETED:
            changed = False
            if (
                agreement.review_frequency_months
                and review.outcome != ReviewOutcome.TERMINATE
                and agreement.status in (S.IN_FORCE, S.UNDER_REVIEW)
            ):
                following = add_months(review.completed_on, agreement.review_frequency_months)
                if agreement.next_review_date != following:
                    agreement.next_review_date = following
                    changed = True
            if agreement.status == S.UNDER_REVIEW and review.outcome == ReviewOutcome.CONTINUE:
                agreement.status = S.IN_FORCE
                changed = True
            if changed:
                _stamp(agreement, user, f"Review completed: {review.get_outcome_display()}")
                agreement.save()
    return review


def reviews_due(*, agreements, today=None, within_days=60):
    """Agreements in force whose next review is overdue or due within ``within_days``."""
    today = today or timezone.localdate()
    return agreements.filter(
        status__in=(S.IN_FORCE, S.UNDER_REVIEW),
        next_review_date__isnull=False,
        next_review_date__lte=today + datetime.timedelta(days=within_days),
    )


def open_review_for(agreement):
    return (
        Review.objects.filter(agreement=agreement)
        .exclude(status=ReviewStatus.COMPLETED)
        .order_by("due")
        .first()
    )
