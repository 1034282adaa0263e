"""The committees' questions about who may do what, answered through partnership.permissions.

* Seeing a committee, meeting or report follows membership of the
  partnership (``permissions.restrict``), as everywhere.
* Running the cycle (meetings, agenda, attendance, declarations, minutes,
  decisions, actions) is the ``service_committee`` object permission that
  every partner body's committee secretaries hold on the committee.
* Exempt (Part 2) items and reports are seen only by people who may see
  them: auditors and site administrators (``can_see_everything``), the
  committee secretaries, signatories and administrators of the partner
  bodies, the committee's own members with an account, and the officers of
  the body that wrote the report.
"""

from partnership import permissions
from partnership.choices import Role

#: Roles of a partner body whose holders may read exempt (Part 2) material.
EXEMPT_ROLES = (Role.COMMITTEE_SECRETARY, Role.SIGNATORY, Role.ADMINISTRATOR)


def can_run(user, committee, checker=None):
    """May ``user`` run ``committee``'s meeting cycle?"""
    if permissions.is_read_only(user):
        return False
    return permissions.has_object_permission(user, committee, "service", checker)


def can_manage(user, committee, checker=None):
    """May ``user`` change the committee's constitution, members and quorum rules?"""
    if permissions.is_read_only(user):
        return False
    return permissions.has_object_permission(user, committee, "change", checker)


def can_see_exempt(user, committee):
    """May ``user`` read exempt items of ``committee``'s meetings (cached per request)?"""
    cache = user.__dict__.setdefault("_concordat_exempt", {})
    if committee.pk in cache:
        return cache[committee.pk]
    partnership = committee.partnership
    allowed = (
        permissions.can_see_everything(user, partnership)
        or bool(permissions.bodies_acting_for(user, partnership, *EXEMPT_ROLES))
        or (user.is_authenticated and committee.members.filter(user=user).exists())
    )
    cache[committee.pk] = allowed
    return allowed


def can_see_report(user, report, committee=None):
    """Open reports are seen by the whole partnership; exempt ones as exempt items are."""
    if not report.exempt:
        return True
    if permissions.has_role(user, report.organisation, Role.OFFICER, partnership=report.partnership):
        return True
    if committee is None and report.meeting_id:
        committee = report.meeting.committee
    if committee is not None:
        return can_see_exempt(user, committee)
    return permissions.can_see_everything(user, report.partnership) or bool(
        permissions.bodies_acting_for(user, report.partnership, *EXEMPT_ROLES)
    )


def can_ratify(user, binding):
    """The ratifying body's own secretaries or administrators record its ratification."""
    if permissions.is_read_only(user):
        return False
    if user.is_superuser:
        return True
    return permissions.has_role(user, binding.organisation, Role.COMMITTEE_SECRETARY, Role.ADMINISTRATOR)
