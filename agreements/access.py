"""Who may sign for a body: the one signing authority every sign-off asks.

A person signs for a body on a day when all of these hold:

* the day is not in the future;
* the body existed on that day (``Organisation.active_from``/``active_to``);
* no rule of another app forbids it (whatever role they were given);
* they hold the signatory role for the body (a ``Membership``; the role group
  carries guardian's ``sign_*`` permission on the body's sign-offs).

An app declares rules that may forbid a signature with an AppConfig method
``signing_rules()`` returning callables ``rule(user, organisation, on_date)``
that give the reason they forbid, or None. Staffing declares the Walsall rule
this way (the holder of a jointly managed post signs only for the body that
employs them), so agreements never imports staffing.

:func:`signing_authority` gives the answer with the authority it rests on
(``Signatory of Walsall Council``), which the sign-off records.
"""

import functools
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from partnership import permissions
from partnership.choices import Role


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
        raise (ValidationError if self.about_the_date else PermissionDenied)(self.reason)


@functools.cache
def signing_rules():
    """The rules other apps declare (AppConfig ``signing_rules()``) that may forbid a signature."""
    found = []
    for config in apps.get_app_configs():
        declare = getattr(config, "signing_rules", None)
        if declare is not None:
            found.extend(declare())
    return tuple(found)


def _day(day):
    return f"{day:%-d %B %Y}"


def body_life_refusal(organisation, on_date):
    """Why nothing can be done for ``organisation`` on ``on_date`` (outside its life), or None."""
    if organisation.is_active_on(on_date):
        return None
    name = organisation.name
    if organisation.active_to and on_date > organisation.active_to:
        successor = f" (its successor is {organisation.successor.name})" if organisation.successor_id else ""
        return (
            f"{name} was abolished on {_day(organisation.active_to)}{successor}, so nobody can "
            f"sign for it on {_day(on_date)}."
        )
    return (
        f"{name} was established on {_day(organisation.active_from)}, so nobody can sign for it "
        f"on {_day(on_date)}."
    )


def signing_authority(user, organisation, on_date=None, *, partnership=None):
    """May ``user`` sign for ``organisation`` on ``on_date`` (today if not given), and on what authority?

    ``partnership`` narrows the signatory role to memberships valid in it.
    """
    today = timezone.localdate()
    on_date = on_date or today
    name = organisation.name
    if not user.is_authenticated or not user.is_active:
        return SigningAuthority(False, "Only a signed-in, active person can sign.")
    if on_date > today:
        return SigningAuthority(False, "The date of signing cannot be in the future.", about_the_date=True)
    refusal = body_life_refusal(organisation, on_date)
    if refusal:
        return SigningAuthority(False, refusal, about_the_date=True)
    for rule in signing_rules():
        refusal = rule(user, organisation, on_date)
        if refusal:
            return SigningAuthority(False, refusal)
    if not permissions.has_role(user, organisation, Role.SIGNATORY, partnership=partnership):
        person = user.get_full_name() or user.username
        return SigningAuthority(False, f"{person} does not hold the signatory role for {name}.")
    authority = f"Signatory of {name}"
    return SigningAuthority(True, f"{authority}.", authority=authority)


def _holds_signatory_permission(user, organisation, partnership, obj, checker):
    if not user.is_authenticated or permissions.is_read_only(user):
        return False
    return permissions.has_role(
        user, organisation, Role.SIGNATORY, partnership=partnership
    ) and permissions.has_object_permission(user, obj, "sign", checker)


def may_sign(user, party, checker=None):
    """May ``user`` open ``party``'s sign-off: a signatory of the party's own body holding its
    ``sign`` permission (never anyone else, superusers included, and never a read-only role)?
    Whether they may sign on a given day is :func:`signing_authority`'s answer."""
    return _holds_signatory_permission(user, party.organisation, party.agreement.partnership, party, checker)


def may_approve(user, approval, checker=None):
    """As :func:`may_sign`, for approving a variation for one party body."""
    return _holds_signatory_permission(
        user, approval.organisation, approval.variation.agreement.partnership, approval, checker
    )
