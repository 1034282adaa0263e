"""The committees' questions about who may do what, answered through partnership.permissions.

* Seeing a committee, meeting or report follows membership of the
  partnership (``permissions.restrict``), as everywhere.
* Running the cycle (meetings, agenda, attendance, declarations, minutes,
  decisions, actions) is the ``service_committee`` object permission that
  every partner body's committee secretaries hold on the committee.
* Exempt (Part 2) business is decided here and nowhere else. An agenda item
  is exempt when its own box is ticked or its report is exempt; a report is
  exempt when its box is ticked or it goes to an exempt item. Everything
  hanging off them shares their exemption: minutes and amendments proposed to
  them, decisions and their bindings, actions arising from the decisions, declarations about the item,
  appendices, cost lines and clearance reviews, and the history of each (:data:`EXEMPT_VIA`).
  Its content is read only by those entitled: auditors and site
  administrators (``can_see_everything``), the committee secretaries,
  signatories and administrators of the partner bodies, the committee's own
  members with an account, and, for a report and its parts, the officers
  of the body that wrote it. Everyone else sees the Schedule 12A paragraph
  (:func:`exempt_paragraph`), never the content.

The rule is one :class:`ExemptRule` per model, giving both a queryset filter
and an object check from the same paths; the app declares them to the core
(``CommitteesConfig.read_rules``) and every path asks through
``permissions.restrict(queryset, user, action="read")``,
``permissions.readable_history(queryset, user)`` or
``permissions.can_read(user, obj)``. Pages for the public, which no one
signs in to, ask :func:`is_exempt` and show nothing that is.
"""

import functools
from dataclasses import dataclass

from django.db.models import Q

from partnership import permissions
from partnership.choices import Role

#: Roles of a partner body whose holders may read exempt (Part 2) material.
EXEMPT_ROLES = (Role.COMMITTEE_SECRETARY, Role.SIGNATORY, Role.ADMINISTRATOR)

ITEM = "item"
REPORT = "report"


def _join(*parts):
    return "__".join(part for part in parts if part)


def _follow(obj, path):
    for part in path.split("__") if path else ():
        obj = getattr(obj, part)
        if obj is None:
            return None
    return obj


@dataclass(frozen=True)
class ExemptRule:
    """Where a record finds the item or report whose exemption it shares (``kind`` and
    ``path`` from the record; ``""`` for the item or report itself), and the committee
    whose members may read it (``committee_path``, the shortest way there)."""

    kind: str
    path: str
    committee_path: str = "meeting__committee"

    # --- Is it exempt? -------------------------------------------------------------

    def exempt_q(self):
        """Records that are exempt, as a filter (live or historical rows)."""
        from committees.models import AgendaItem

        if self.kind == ITEM:
            return Q(**{_join(self.path, "exempt"): True}) | Q(**{_join(self.path, "report__exempt"): True})
        on_exempt_items = AgendaItem.objects.filter(exempt=True, report__isnull=False).values("report_id")
        return Q(**{_join(self.path, "exempt"): True}) | Q(**{_join(self.path, "id__in"): on_exempt_items})

    def source(self, obj):
        """The item or report ``obj`` takes its exemption from, or None."""
        return _follow(obj, self.path)

    def is_exempt(self, obj):
        found = self.source(obj)
        if found is None:
            return False
        if self.kind == ITEM:
            return found.exempt or bool(found.report_id and found.report.exempt)
        return found.exempt or _exempt_item_of(found) is not None

    def paragraph(self, obj):
        found = self.source(obj)
        if found is None:
            return None
        if self.kind == ITEM:
            if found.exempt:
                return found.exempt_paragraph
            return found.report.exempt_paragraph if found.report_id and found.report.exempt else None
        if found.exempt:
            return found.exempt_paragraph
        item = _exempt_item_of(found)
        return item.exempt_paragraph if item is not None else None

    # --- May this person read it? ----------------------------------------------------

    def entitled_q(self, model, user):
        """Records of ``model`` whose exempt content ``user`` is entitled to read."""
        from committees.models import CommitteeMember

        q = Q(**{f"{model.partnership_path}__in": exempt_partnerships(user)})
        seats = CommitteeMember.objects.filter(user=user).values("committee_id")
        q |= Q(**{f"{self.committee_path}__in": seats})
        if self.kind == REPORT:
            unscoped, scoped = _officer_bodies(user)
            report = self.path
            q |= Q(**{_join(report, "organisation_id__in"): unscoped})
            for organisation_id, partnership_id in scoped:
                q |= Q(
                    **{
                        _join(report, "organisation_id"): organisation_id,
                        _join(report, "partnership_id"): partnership_id,
                    }
                )
        return q

    def entitled(self, user, obj):
        if not user.is_authenticated:
            return False
        found = self.source(obj)
        if (
            self.kind == REPORT
            and found is not None
            and permissions.has_role(user, found.organisation, Role.OFFICER, partnership=found.partnership)
        ):
            return True
        committee = _follow(obj, self.committee_path)
        if committee is not None:
            return can_see_exempt(user, committee)
        return may_read_exempt_in(user, obj.get_partnership())

    def restrict(self, queryset, user):
        """``queryset`` (of the model or its history) less what ``user`` may not read."""
        if user.is_authenticated and user.is_superuser:
            return queryset
        model = getattr(queryset.model, "instance_type", queryset.model)
        entitled = self.entitled_q(model, user) if user.is_authenticated else Q(pk__in=[])
        exempt = self.exempt_q()
        if model is queryset.model:
            return queryset.filter(~exempt | entitled)
        # A history row is hidden when it was exempt then or its record is exempt now.
        exempt_now = model._base_manager.filter(exempt).values("id")
        return queryset.filter((~exempt & ~Q(id__in=exempt_now)) | entitled)

    def allows(self, user, obj):
        if user.is_authenticated and user.is_superuser:
            return True
        return not self.is_exempt(obj) or self.entitled(user, obj)


def _exempt_item_of(report):
    """An exempt agenda item ``report`` goes to, or None (cached on the report)."""
    if "_exempt_item" not in report.__dict__:
        report.__dict__["_exempt_item"] = (
            report.agenda_items.filter(exempt=True).order_by("pk").first() if report.pk else None
        )
    return report.__dict__["_exempt_item"]


@functools.cache
def rules():
    """{model: ExemptRule}: every kind of record that can be exempt, and where it finds out."""
    from committees import models as m

    return {
        m.AgendaItem: ExemptRule(ITEM, ""),
        m.Minute: ExemptRule(ITEM, "agenda_item", "agenda_item__meeting__committee"),
        m.Decision: ExemptRule(ITEM, "agenda_item"),
        m.DecisionBinding: ExemptRule(ITEM, "decision__agenda_item", "decision__meeting__committee"),
        m.Action: ExemptRule(ITEM, "decision__agenda_item"),
        m.Declaration: ExemptRule(ITEM, "agenda_item"),
        m.MinuteAmendment: ExemptRule(ITEM, "minute__agenda_item", "minute__agenda_item__meeting__committee"),
        m.Report: ExemptRule(REPORT, ""),
        m.ReportAppendix: ExemptRule(REPORT, "report", "report__meeting__committee"),
        m.ReportCostLine: ExemptRule(REPORT, "report", "report__meeting__committee"),
        m.ReportClearance: ExemptRule(REPORT, "report", "report__meeting__committee"),
    }


def rule_for(obj_or_model):
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    return rules().get(model)


def is_exempt(obj):
    """Is ``obj`` exempt (Part 2) business, or part of some?"""
    rule = rule_for(obj)
    return rule is not None and rule.is_exempt(obj)


def exempt_paragraph(obj):
    """The Schedule 12A paragraph that makes ``obj`` exempt, or None."""
    rule = rule_for(obj)
    return rule.paragraph(obj) if rule is not None else None


def exempt_partnerships(user):
    """The partnerships in which ``user`` may read exempt business (a subquery): as an
    auditor, or as a secretary, signatory or administrator of a partner body."""
    from partnership.models import Partnership

    q = Q(pk__in=[])
    unscoped = set()
    for m in permissions.user_memberships(user):
        if m.role == Role.AUDITOR and m.partnership_id is not None:
            q |= Q(pk=m.partnership_id)
        elif m.role in (Role.AUDITOR, *EXEMPT_ROLES):
            if m.partnership_id is None:
                unscoped.add(m.organisation_id)
            else:
                q |= Q(pk=m.partnership_id, partners__organisation_id=m.organisation_id)
    if unscoped:
        q |= Q(partners__organisation_id__in=unscoped)
    return Partnership.objects.filter(q).values("pk")


def _officer_bodies(user):
    """(body ids, [(body id, partnership id)]) for which ``user`` is an officer,
    everywhere and in one partnership only."""
    unscoped, scoped = set(), []
    for m in permissions.user_memberships(user):
        if m.role == Role.OFFICER:
            if m.partnership_id is None:
                unscoped.add(m.organisation_id)
            else:
                scoped.append((m.organisation_id, m.partnership_id))
    return unscoped, scoped


def may_read_exempt_in(user, partnership):
    """Is ``user`` entitled to exempt business throughout ``partnership`` (by role)?"""
    if partnership is None or not user.is_authenticated:
        return False
    return permissions.can_see_everything(user, partnership) or bool(
        permissions.bodies_acting_for(user, partnership, *EXEMPT_ROLES)
    )


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
    """May ``user`` read exempt business of ``committee``'s meetings (cached per request)?"""
    if not user.is_authenticated:
        return False
    cache = user.__dict__.setdefault("_concordat_exempt", {})
    if committee.pk in cache:
        return cache[committee.pk]
    allowed = may_read_exempt_in(user, committee.partnership) or (
        committee.members.filter(user=user).exists()
    )
    cache[committee.pk] = allowed
    return allowed


def can_ratify(user, binding):
    """The ratifying body's own secretaries or administrators record its ratification."""
    if permissions.is_read_only(user):
        return False
    if user.is_superuser:
        return True
    return permissions.has_role(user, binding.organisation, Role.COMMITTEE_SECRETARY, Role.ADMINISTRATOR)


# --- The register of interests ------------------------------------------------------------------

#: Roles of a body whose holders keep its register: they review its members' entries (for the
#: monitoring officer or governance lead), key entries in for members, and read withheld details.
REGISTER_ROLES = (Role.COMMITTEE_SECRETARY,)


def keeps_own_register(user, member):
    """Is ``member``'s seat ``user``'s own, so they may write their own register entries?"""
    return (
        user.is_authenticated
        and member.user_id is not None
        and member.user_id == user.pk
        and not permissions.is_read_only(user)
    )


def register_bodies(user, partnership):
    """The partner bodies (today) whose registers ``user`` keeps."""
    if permissions.is_read_only(user):
        return []
    return permissions.bodies_acting_for(user, partnership, *REGISTER_ROLES)


def keeps_register_of(user, organisation, partnership):
    """May ``user`` review and key in entries registered under ``organisation``'s code?"""
    if user.is_authenticated and user.is_superuser:
        return True
    return organisation in register_bodies(user, partnership)


def may_register_for(user, member, organisation):
    """May ``user`` put an entry on ``member``'s register under ``organisation``'s code?"""
    return keeps_own_register(user, member) or keeps_register_of(
        user, organisation, member.committee.partnership
    )


def register_seats(user, partnership):
    """The seats of ``partnership``'s committees whose registers ``user`` may add entries to: their
    own, and those nominated by the bodies whose registers they keep (co-opted members' too), as a
    queryset (the same answer as :func:`may_register_for`, for a form's choices)."""
    from committees.models import CommitteeMember

    seats = CommitteeMember.objects.filter(committee__partnership=partnership)
    if user.is_authenticated and user.is_superuser:
        allowed = Q()
    else:
        allowed = (
            Q(user=user) if user.is_authenticated and not permissions.is_read_only(user) else Q(pk__in=[])
        )
        bodies = register_bodies(user, partnership)
        if bodies:
            allowed |= Q(organisation__isnull=True) | Q(organisation__in=bodies)
    return (
        seats.filter(allowed)
        .select_related("committee", "organisation")
        .order_by("person_name", "committee__name")
    )


def may_change_interest(user, interest):
    return may_register_for(user, interest.member, interest.organisation)


def may_review_interest(user, interest):
    return keeps_register_of(user, interest.organisation, interest.partnership)


class WithheldInterestRule:
    """The details of an entry withheld from the public (a sensitive interest) are read by the
    member, the keepers of the register it is on, auditors and site administrators: a rule for
    ``permissions.read_rules``, as a filter and as an object check."""

    def entitled_q(self, user):
        from partnership.models import Partner

        q = Q(member__user_id=user.pk)
        for m in permissions.user_memberships(user):
            if m.role in REGISTER_ROLES:
                body = Q(organisation_id=m.organisation_id)
                q |= body if m.partnership_id is None else body & Q(partnership_id=m.partnership_id)
            elif m.role == Role.AUDITOR:
                if m.partnership_id is None:
                    q |= Q(
                        partnership_id__in=Partner.objects.filter(organisation_id=m.organisation_id).values(
                            "partnership_id"
                        )
                    )
                else:
                    q |= Q(partnership_id=m.partnership_id)
        return q

    def restrict(self, queryset, user):
        if user.is_authenticated and user.is_superuser:
            return queryset
        model = getattr(queryset.model, "instance_type", queryset.model)
        entitled = self.entitled_q(user) if user.is_authenticated else Q(pk__in=[])
        if model is queryset.model:
            return queryset.filter(Q(withheld=False) | entitled)
        withheld_now = model._base_manager.filter(withheld=True).values("id")
        return queryset.filter((Q(withheld=False) & ~Q(id__in=withheld_now)) | entitled)

    def allows(self, user, obj):
        if not obj.withheld or (user.is_authenticated and user.is_superuser):
            return True
        if not user.is_authenticated:
            return False
        return (
            obj.member.user_id == user.pk
            or permissions.has_role(user, obj.organisation, *REGISTER_ROLES, partnership=obj.partnership)
            or permissions.can_see_everything(user, obj.partnership)
        )


WITHHELD_INTEREST = WithheldInterestRule()


# --- Draft minutes ----------------------------------------------------------------------------------


def attended(user, meeting):
    """Did ``user`` attend ``meeting`` (present, or as a substitute) in a seat their account holds?"""
    from committees.choices import AttendanceStatus

    if not user.is_authenticated:
        return False
    return meeting.attendances.filter(
        member__user=user, status__in=(AttendanceStatus.PRESENT, AttendanceStatus.SUBSTITUTE)
    ).exists()


def may_propose_amendment(user, meeting):
    """Those who attended propose amendments to the draft minutes (not auditors)."""
    return not permissions.is_read_only(user) and attended(user, meeting)


# --- Report clearance ---------------------------------------------------------------------------------

#: Roles of a partner body whose holders clear a joint report as its lead.
PARTNER_LEAD_ROLES = (Role.OFFICER, Role.COMMITTEE_SECRETARY, Role.ADMINISTRATOR)


def may_clear(user, report, kind, organisation):
    """May ``user`` give ``report`` the review ``kind`` for ``organisation``: a reviewer the
    writing body names for that kind, or, for a joint report, an officer of the partner body?"""
    from committees.choices import ClearanceKind
    from committees.models import ClearanceReviewer

    if permissions.is_read_only(user) or not user.is_authenticated:
        return False
    if kind == ClearanceKind.PARTNER_LEAD:
        return organisation in permissions.bodies_acting_for(user, report.partnership, *PARTNER_LEAD_ROLES)
    return (
        organisation.pk == report.organisation_id
        and ClearanceReviewer.objects.filter(
            partnership_id=report.partnership_id, organisation_id=organisation.pk, kind=kind, user=user
        ).exists()
    )


def keeps_clearance_of(user, organisation, partnership):
    """May ``user`` name who clears ``organisation``'s reports: its administrators."""
    if user.is_authenticated and user.is_superuser:
        return True
    if permissions.is_read_only(user):
        return False
    return organisation in permissions.bodies_acting_for(user, partnership, Role.ADMINISTRATOR)
