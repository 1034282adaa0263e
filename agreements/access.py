"""Who may sign for a body: the one signing authority every sign-off asks.

A person signs for a body on a day when all of these hold:

* the day is not in the future;
* the body existed on that day (``Organisation.active_from``/``active_to``);
* no rule of another app forbids it (whatever role or delegation they were given);
* they hold the signatory role for the body (a ``Membership``; the role group
  carries guardian's ``sign_*`` permission on the body's sign-offs), or a
  delegation from the body covering signing, in force on that day, names them
  by their account or by a shared post they hold that day
  (``committees.Delegation.names_on``). Never by the delegation's free text.

An app declares rules that may forbid a signature with an AppConfig method
``signing_rules()`` returning callables ``rule(user, organisation, on_date)``
that give the reason they forbid, or None. Staffing declares the Walsall rule
this way (the holder of a jointly managed post signs only for the body that
employs them), so agreements never imports staffing.

:func:`signing_authority` gives the answer with the authority it rests on
(``Signatory of Walsall Council``, or the delegation), which the sign-off records.
Agreements asks committees for delegations through the app registry, not an import,
so dependencies still run one way.
"""

import functools
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone

from partnership import permissions
from partnership.choices import Role

#: The code of a refusal about the date given, which a form shows beside its date field.
DATE_REFUSAL = "date"


@dataclass(frozen=True)
class SigningAuthority:
    """The answer: allowed or not, the authority relied on, and why (not)."""

    allowed: bool
    reason: str
    authority: str = ""
    #: A refusal about the date (ValidationError) rather than the person (PermissionDenied).
    about_the_date: bool = False

    def __bool__(self):
        return self.allowed

    def require(self):
        """Raise the refusal: ``ValidationError`` for the date, ``PermissionDenied`` for the person."""
        if self.allowed:
            return
        if self.about_the_date:
            raise ValidationError(self.reason, code=DATE_REFUSAL)
        raise PermissionDenied(self.reason)


@functools.cache
def signing_rules():
    """The rules other apps declare (AppConfig ``signing_rules()``) that may forbid a signature."""
    found = []
    for config in apps.get_app_configs():
        declare = getattr(config, "signing_rules", None)
        if declare is not None:
            found.extend(declare())
    return tuple(found)


SIGNING = "signing"  # committees.choices.Matter.SIGNING


def _day(day):
    return f"{day:%-d %B %Y}"


def _person(user):
    return user.get_full_name() or user.username


def _signing_delegations(organisation, partnership=None):
    """Delegations from ``organisation`` naming someone by account or shared post, latest first."""
    delegation = apps.get_model("committees", "Delegation")
    found = delegation.objects.filter(from_organisation=organisation).filter(
        Q(to_user__isnull=False) | Q(to_staff_post__isnull=False)
    )
    if partnership is not None:
        found = found.filter(partnership=partnership)
    return (
        found.select_related("from_organisation", "to_user", "to_staff_post__holder")
        .prefetch_related("to_staff_post__holdings")
        .order_by("-valid_from", "-pk")
    )


#: The longest authority text a party or approval keeps (``AgreementParty.authority``).
AUTHORITY_LENGTH = 300


def _clip(text, limit):
    return text if len(text) <= limit else f"{text[: limit - 1].rstrip()}…"


def delegation_authority(delegation, user):
    """The authority text a signature under ``delegation`` records: the body, whom it names,
    its dates and the minute that made it (long names clipped to fit the record)."""
    body = delegation.from_organisation.name
    if delegation.to_user_id:
        to = _person(delegation.to_user)
    else:
        to = f"{delegation.to_staff_post.title} (held by {_person(user)})"
    reference = delegation.minute_reference
    valid = f"valid from {_day(delegation.valid_from)}"
    if delegation.valid_to:
        valid += f" to {_day(delegation.valid_to)}"

    def words(body, to, reference):
        return f"Delegation from {body} to {to}, {valid}" + (f" ({reference})" if reference else "")

    text = words(body, to, reference)
    if len(text) > AUTHORITY_LENGTH:
        text = words(_clip(body, 100), _clip(to, 80), _clip(reference, 40))
    return text


def _why_not(delegation, user, on_date):
    """Why ``delegation``, naming ``user`` on some day, gives them no right to sign on ``on_date``."""
    body = delegation.from_organisation.name
    if not delegation.names_on(user, on_date):
        return f"they did not hold the post “{delegation.to_staff_post.title}” on {_day(on_date)}"
    if delegation.valid_from > on_date:
        return f"{body}'s delegation to them came into force only on {_day(delegation.valid_from)}"
    if delegation.valid_to and delegation.valid_to < on_date:
        return f"{body}'s delegation to them ended on {_day(delegation.valid_to)}"
    return f"{body}'s delegation to them does not cover signing agreements"


def delegation_to_sign(user, organisation, on_date, partnership=None):
    """(the delegation from ``organisation`` under which ``user`` signs on ``on_date`` or None,
    why each delegation naming them does not serve)."""
    refusals = []
    for delegation in _signing_delegations(organisation, partnership):
        if delegation.to_user_id and delegation.to_user_id != user.pk:
            continue
        if delegation.to_staff_post_id and not delegation.to_staff_post.ever_held_by(user):
            continue
        if (
            delegation.names_on(user, on_date)
            and delegation.is_in_force_on(on_date)
            and delegation.covers(SIGNING)
        ):
            return delegation, []
        refusals.append(_why_not(delegation, user, on_date))
    return None, refusals


def signing_authority(user, organisation, on_date=None, *, partnership=None):
    """May ``user`` sign for ``organisation`` on ``on_date`` (today if not given), and on what authority?

    ``partnership`` narrows the signatory role to memberships valid in it, and delegations to
    those made in it.
    """
    today = timezone.localdate()
    on_date = on_date or today
    name = organisation.name
    if not user.is_authenticated or not user.is_active:
        return SigningAuthority(False, "Only a signed-in, active person can sign.")
    if on_date > today:
        return SigningAuthority(False, "The date of signing cannot be in the future.", about_the_date=True)
    refusal = organisation.life_refusal(on_date, doing="sign for it")
    if refusal:
        return SigningAuthority(False, refusal, about_the_date=True)
    delegation, refusals = delegation_to_sign(user, organisation, on_date, partnership)
    for rule in signing_rules():
        refusal = rule(user, organisation, on_date)
        if refusal and delegation is None:
            return SigningAuthority(False, refusal)
        if refusal:
            # The body's own delegation naming the person says otherwise (DESIGN.md: a jointly
            # managed post signs only for its employer unless a delegation from the other body
            # says otherwise); a role given to them does not.
            authority = delegation_authority(delegation, user)
            reason = (
                f"{authority}. {name}'s own delegation names them, so their employment elsewhere "
                "does not prevent it."
            )
            return SigningAuthority(True, reason, authority=authority)
    if permissions.has_role(user, organisation, Role.SIGNATORY, partnership=partnership):
        authority = f"Signatory of {name}"
        return SigningAuthority(True, f"{authority}.", authority=authority)
    if delegation is not None:
        authority = delegation_authority(delegation, user)
        return SigningAuthority(True, f"{authority}.", authority=authority)
    reason = f"{_person(user)} does not hold the signatory role for {name}"
    if refusals:
        reason += f", and no delegation from it lets them sign on {_day(on_date)}: {'; '.join(refusals)}"
    else:
        reason += f", and no delegation from {name} to them covers signing"
    return SigningAuthority(False, f"{reason}.")


def _named_by_a_signing_delegation(user, organisation, partnership):
    """Does a delegation from ``organisation`` in ``partnership`` covering signing name ``user``
    (by account, or as the holder of the shared post today)? Whether it serves on a given day
    is :func:`signing_authority`'s answer."""
    if not user.is_active or permissions.is_read_only(user):
        return False
    if organisation.pk not in permissions.partner_ids_on(user, partnership.pk, timezone.localdate()):
        return False
    return any(
        delegation.covers(SIGNING)
        for delegation in _signing_delegations(organisation, partnership).filter(
            Q(to_user=user)
            | Q(
                to_staff_post__in=apps.get_model("staffing", "Post").objects.held_by_on(
                    user, timezone.localdate()
                )
            )
        )
    )


def _holds_signatory_permission(user, organisation, partnership, obj, checker):
    if not user.is_authenticated or permissions.is_read_only(user):
        return False
    return (
        permissions.has_role(user, organisation, Role.SIGNATORY, partnership=partnership)
        and permissions.has_object_permission(user, obj, "sign", checker)
    ) or _named_by_a_signing_delegation(user, organisation, partnership)


def may_sign(user, party, checker=None):
    """May ``user`` open ``party``'s sign-off: a signatory of the party's own body holding its
    ``sign`` permission, or a person a delegation from that body to sign names by account or
    post (never anyone else, superusers included, and never a read-only role)?
    Whether they may sign on a given day is :func:`signing_authority`'s answer."""
    return _holds_signatory_permission(user, party.organisation, party.agreement.partnership, party, checker)


def may_approve(user, approval, checker=None):
    """As :func:`may_sign`, for approving a variation for one party body."""
    return _holds_signatory_permission(
        user, approval.organisation, approval.variation.agreement.partnership, approval, checker
    )
