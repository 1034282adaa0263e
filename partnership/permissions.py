"""Who may do what in Concordat: the one place that decides.

Two questions, answered two ways:

* **Seeing** follows membership. A person sees the records of every
  partnership one of their bodies belongs to (or that a partnership-scoped
  membership names). :func:`restrict` filters any queryset to that in one
  query, through the model's ``partnership_path``. Anything outside answers
  404, so a partnership's existence is not revealed.
* **Changing** what a body owns (its details, its contribution, its
  sign-off, its delegation, its post) is a django-guardian object
  permission held by that body's role groups, never by a person directly.
  A model says which roles of its owning bodies get which permissions with
  ``owner_permissions`` and which bodies own a record with
  ``owner_organisations()``; :func:`grant_owner_permissions` keeps the
  rows in step (``partnership.signals`` calls it on create). Big tables use
  guardian's direct foreign-key permission models, which cascade on delete.
* **A partnership's shared records** (the partnership itself, its committees,
  its budgets: :data:`SHARED_WITH_PARTNERS`) belong to every
  body that is a partner on the day asked. Their rights are derived when
  asked, from the body's :class:`~partnership.models.Partner` place, never
  stored: a body that joins acts on them per its roles from its ``joined``
  date, and a body that leaves stops on the day after its ``left`` date (the
  leaving date is its last day as a partner). No rows to copy, so nothing to
  go stale when a body joins or leaves.
* **Nobody changes anything for a body that is not a partner that day**:
  a body's own records (its contribution, its report, its sign-off) stay its
  own (the guardian rows are not moved to anyone), but its people may act on
  them, or create new records, only while it is a partner (:func:`is_partner_on`).
* **A leaver keeps reading what was shared while it was a partner** (the
  auditor-style rule): after its ``left`` date, its people (auditors and
  officers alike) still see the partnership and the records created on or
  before that date, read-only; records created after it are not there for
  them (404). A body that has not yet joined sees the partnership's records
  (it is preparing to join) but changes nothing before its ``joined`` date.

Model-wide permissions are never granted to body groups: guardian would
read them as permission on every object.
"""

import functools

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from guardian.core import ObjectPermissionChecker
from guardian.ctypes import get_content_type
from guardian.shortcuts import remove_perm
from guardian.utils import get_group_obj_perms_model

from partnership.choices import Role

#: Roles that may never change anything, whatever else a group holds.
READ_ONLY_ROLES = frozenset({Role.AUDITOR})

#: Models whose records every partner body of their partnership owns, on the day asked: their
#: rights are derived from the Partner places, not stored (see :func:`has_object_permission`).
SHARED_WITH_PARTNERS = frozenset({"partnership.Partnership", "committees.Committee", "finance.Budget"})


def is_shared_with_partners(model):
    return model._meta.label in SHARED_WITH_PARTNERS


def body_group_name(organisation_id, role):
    return f"body:{organisation_id}:{role}"


def body_of_group(group):
    """The id of the body whose role group ``group`` is, or None."""
    kind, _, rest = group.name.partition(":")
    organisation_id = rest.partition(":")[0]
    return int(organisation_id) if kind == "body" and organisation_id.isdigit() else None


def body_group(organisation, role):
    group, _ = Group.objects.get_or_create(name=body_group_name(organisation.pk, role))
    return group


def body_groups(organisation_ids, roles):
    """{(body id, role): group} for every pair, made where missing: two queries, or three."""
    names = {body_group_name(pk, role): (pk, role) for pk in organisation_ids for role in roles}
    groups = Group.objects.in_bulk(names, field_name="name")
    if len(groups) < len(names):
        missing = [Group(name=name) for name in names if name not in groups]
        Group.objects.bulk_create(missing, ignore_conflicts=True)
        groups = Group.objects.in_bulk(names, field_name="name")
    return {names[name]: group for name, group in groups.items()}


def user_memberships(user):
    """Every membership of ``user``, fetched once per request (cached on the user)."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_concordat_memberships", None)
    if cached is None:
        from partnership.models import Membership

        memberships = Membership.objects.filter(user_id=user.pk).select_related("organisation", "partnership")
        # The model's order without its join to the user, who is the same on every row.
        cached = list(memberships.order_by("organisation__name", "role"))
        user._concordat_memberships = cached
    return cached


def forget_memberships(user):
    for name in (
        "_concordat_memberships",
        "_concordat_partner_places",
        "_concordat_own_places",
        "_concordat_left_partnerships",
        "_concordat_partnership_ids",
    ):
        user.__dict__.pop(name, None)
    permissions_changed()


_permission_changes = 0


def permissions_changed():
    """Object permissions or body groups changed in this process: a checker kept on a user
    before now is not used again (see :func:`_checker_of`)."""
    global _permission_changes
    _permission_changes += 1


def _checker_of(user):
    """One guardian checker per user object, so per request: each record's permissions are read
    once however often the page asks. Django's own backend would make a new checker, and read
    them again, on every ``user.has_perm``."""
    kept = user.__dict__.get("_concordat_checker")
    if kept is None or kept[0] != _permission_changes:
        kept = user.__dict__["_concordat_checker"] = (_permission_changes, ObjectPermissionChecker(user))
    return kept[1]


# --- Partner places: who is a partner of a partnership on a day ------------------


def is_partner_on(place, day):
    """Is the body of Partner row ``place`` a partner on ``day``? From its ``joined`` date (none:
    always) to its ``left`` date inclusive (none: still a partner)."""
    return (place.joined is None or place.joined <= day) and (place.left is None or day <= place.left)


def _cached_partner_places(user, partnership_ids):
    """{partnership id: [Partner]} for ``partnership_ids``, fetched once per request in one query."""
    from partnership.models import Partner

    cache = user.__dict__.setdefault("_concordat_partner_places", {})
    missing = {pk for pk in partnership_ids if pk is not None and pk not in cache}
    if missing:
        for pk in missing:
            cache[pk] = []
        for place in (
            Partner.objects.filter(partnership_id__in=missing)
            .order_by()
            .only("partnership_id", "organisation_id", "joined", "left")
        ):
            cache[place.partnership_id].append(place)
    return cache


def partner_ids_on(user, partnership_id, day):
    """Ids of the bodies that are partners of the partnership ``partnership_id`` on ``day``."""
    places = _cached_partner_places(user, [partnership_id]).get(partnership_id, [])
    return {place.organisation_id for place in places if is_partner_on(place, day)}


def acts_for_partner_on(user, partnership_id, day, roles):
    """Does ``user`` hold one of ``roles`` for a body that is a partner of the partnership
    ``partnership_id`` on ``day``? (A membership narrowed to another partnership does not count.)"""
    current = partner_ids_on(user, partnership_id, day)
    return any(
        m.role in roles and m.organisation_id in current and m.partnership_id in (None, partnership_id)
        for m in user_memberships(user)
    )


def _own_places(user):
    """[(partnership id, left)] of every Partner place of the bodies ``user`` acts for in all
    their partnerships (memberships not narrowed to one), fetched once per request."""
    cached = getattr(user, "_concordat_own_places", None)
    if cached is None:
        from partnership.models import Partner

        bodies = {m.organisation_id for m in user_memberships(user) if m.partnership_id is None}
        places = Partner.objects.filter(organisation_id__in=bodies).order_by()
        cached = list(places.values_list("partnership_id", "left")) if bodies else []
        user._concordat_own_places = cached
    return cached


def left_partnerships(user):
    """{partnership id: leaving date} for partnerships ``user`` sees only through bodies that have
    left them (today is after every one's ``left`` date), cached per request."""
    cached = getattr(user, "_concordat_left_partnerships", None)
    if cached is not None:
        return cached
    today = timezone.localdate()
    scoped = {m.partnership_id for m in user_memberships(user) if m.partnership_id}
    current, left = set(), {}
    for partnership_id, left_on in _own_places(user):
        if left_on is None or left_on >= today:
            current.add(partnership_id)
        else:
            left[partnership_id] = max(left_on, left.get(partnership_id, left_on))
    cached = {pk: day for pk, day in left.items() if pk not in current and pk not in scoped}
    user._concordat_left_partnerships = cached
    return cached


def _created_after_leaving(model, path, user):
    """A Q for the records of partnerships ``user`` has left that were created after the leaving date."""
    condition = Q()
    if hasattr(model, "created_at") and path != "pk":
        for partnership_id, left_on in left_partnerships(user).items():
            condition |= Q(**{path: partnership_id, "created_at__date__gt": left_on})
    return condition


def visible_partnerships(user):
    """Partnerships ``user`` may see: those any of their bodies is (or was) a partner of, and
    those a membership is narrowed to. A queryset by id (:func:`visible_partnership_ids`)."""
    from partnership.models import Partnership

    if not user.is_authenticated:
        return Partnership.objects.none()
    if user.is_superuser:
        return Partnership.objects.all()
    return Partnership.objects.filter(pk__in=sorted(visible_partnership_ids(user)))


def restrict(queryset, user, action="view"):
    """Filter ``queryset`` to the records ``user`` may see (one query).

    ``action="view"`` asks whether they may know the record is there (membership
    of its partnership); ``action="read"`` also asks whether they may read its
    content, under the rule its app declares (:func:`read_rule`).
    """
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    path = queryset.model.partnership_path
    if path is None:
        raise TypeError(f"{queryset.model.__name__} has no partnership_path to restrict by.")
    ids = sorted(visible_partnership_ids(user))
    lookup = "pk__in" if path == "pk" else f"{path}__in"
    queryset = queryset.filter(**{lookup: ids})
    after_leaving = _created_after_leaving(queryset.model, path, user)
    if after_leaving:
        queryset = queryset.exclude(after_leaving)
    if action == "read":
        queryset = readable(queryset, user)
    return queryset


@functools.cache
def read_rules():
    """{model: rule} for records whose content not everyone who can see them may read.

    An app declares them with an AppConfig method ``read_rules()`` returning
    ``{model: rule}``; a rule has ``restrict(queryset, user)`` (for the model's
    rows or its history's) and ``allows(user, obj)``. The committees app keeps
    exempt (Part 2) business this way; the core never imports the apps.
    """
    found = {}
    for config in apps.get_app_configs():
        declare = getattr(config, "read_rules", None)
        if declare is not None:
            found.update(declare())
    return found


def read_rule(model):
    """The rule for reading ``model``'s (or its history model's) content, or None."""
    return read_rules().get(getattr(model, "instance_type", model))


def readable(queryset, user):
    """``queryset`` (a model's rows or its history rows) less what ``user`` may not read."""
    rule = read_rule(queryset.model)
    return queryset if rule is None else rule.restrict(queryset, user)


def can_read(user, obj):
    """May ``user`` read the content of ``obj``, a record they can see (found through
    :func:`restrict`)? Its app's rule decides; records without one are read by all who see them."""
    rule = read_rule(type(obj))
    return rule is None or rule.allows(user, obj)


def restrict_organisations(queryset, user):
    """Bodies ``user`` may see: their own, and every body in their partnerships."""
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    ids = sorted(visible_partnership_ids(user))
    return queryset.filter(Q(partner_places__partnership__in=ids) | Q(memberships__user=user)).distinct()


def can_view(user, obj):
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    from partnership.models import Organisation

    if isinstance(obj, Organisation):
        return restrict_organisations(Organisation.objects.filter(pk=obj.pk), user).exists()
    partnership = obj.get_partnership()
    if partnership is None:
        return False
    if partnership.pk not in visible_partnership_ids(user):
        return False
    left_on = left_partnerships(user).get(partnership.pk)
    created_at = getattr(obj, "created_at", None)
    return (
        left_on is None
        or obj is partnership
        or created_at is None
        or timezone.localtime(created_at).date() <= left_on
    )


def visible_partnership_ids_by_user(users):
    """{user id: set of partnership ids} that each of ``users`` may see, by
    :func:`visible_partnerships`' rule, for many people in two queries (the reminder sweep)."""
    from partnership.models import Membership, Partner, Partnership

    users = list(users)
    answer = {user.pk: set() for user in users}
    if any(user.is_superuser for user in users):
        everything = set(Partnership.objects.values_list("pk", flat=True))
        answer.update({user.pk: set(everything) for user in users if user.is_superuser})
    unscoped = {}
    memberships = Membership.objects.filter(user_id__in=[user.pk for user in users if not user.is_superuser])
    for user_id, organisation_id, partnership_id in memberships.values_list(
        "user_id", "organisation_id", "partnership_id"
    ):
        if partnership_id is None:
            unscoped.setdefault(organisation_id, set()).add(user_id)
        else:
            answer[user_id].add(partnership_id)
    if unscoped:
        places = Partner.objects.filter(organisation_id__in=unscoped).values_list(
            "organisation_id", "partnership_id"
        )
        for organisation_id, partnership_id in places:
            for user_id in unscoped[organisation_id]:
                answer[user_id].add(partnership_id)
    return answer


def visible_partnership_ids(user):
    """The ids of the partnerships ``user`` may see, from their memberships and their bodies'
    Partner places (both read once per request), so a register's query names them rather
    than joining memberships again. For anyone not signed in, none; a superuser, all."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_concordat_partnership_ids", None)
    if cached is None:
        if user.is_superuser:
            from partnership.models import Partnership

            cached = frozenset(Partnership.objects.values_list("pk", flat=True))
        else:
            scoped = {m.partnership_id for m in user_memberships(user) if m.partnership_id}
            cached = frozenset(scoped | {partnership_id for partnership_id, _ in _own_places(user)})
        user._concordat_partnership_ids = cached
    return cached


def get_visible_or_404(queryset, user, **lookup):
    """The one record matching ``lookup`` that ``user`` may see, else 404."""
    try:
        return restrict(queryset, user).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404(f"No {queryset.model._meta.verbose_name} found.") from exc


def get_partnership_or_404(user, slug):
    from partnership.models import Partnership

    return get_visible_or_404(Partnership.objects.all(), user, slug=slug)


def roles_for(user, organisation, partnership=None):
    """The roles ``user`` holds for ``organisation`` (within ``partnership`` if given)."""
    return {
        m.role
        for m in user_memberships(user)
        if m.organisation_id == organisation.pk
        and (m.partnership_id is None or partnership is None or m.partnership_id == partnership.pk)
    }


def has_role(user, organisation, *roles, partnership=None):
    if not user.is_authenticated:
        return False
    return bool(roles_for(user, organisation, partnership) & set(roles))


def bodies_acting_for(user, partnership, *roles, on=None):
    """The bodies partners of ``partnership`` on ``on`` (today) for which ``user`` holds one of ``roles``."""
    if not user.is_authenticated:
        return []
    partner_ids = partner_ids_on(user, partnership.pk, on or timezone.localdate())
    seen = {}
    for m in user_memberships(user):
        if m.organisation_id not in partner_ids:
            continue
        if m.partnership_id not in (None, partnership.pk):
            continue
        if not roles or m.role in roles:
            seen[m.organisation_id] = m.organisation
    return sorted(seen.values(), key=lambda o: o.name)


def is_read_only(user):
    """True when every role ``user`` holds is read-only (auditors)."""
    if user.is_superuser:
        return False
    roles = {m.role for m in user_memberships(user)}
    return not roles or roles <= READ_ONLY_ROLES


def can_see_everything(user, partnership):
    """Auditors and site administrators see exempt and draft material too."""
    if user.is_superuser:
        return True
    partner_ids = partner_organisation_ids(partnership)
    return any(
        m.role == Role.AUDITOR
        and (
            m.partnership_id == partnership.pk
            or (m.partnership_id is None and m.organisation_id in partner_ids)
        )
        for m in user_memberships(user)
    )


def auditor_memberships(partnership):
    """The memberships that make someone an auditor of ``partnership`` (as in
    :func:`can_see_everything`): auditors of its bodies, and those named for it."""
    from partnership.models import Membership

    return Membership.objects.filter(role=Role.AUDITOR, user__is_active=True).filter(
        Q(partnership=partnership)
        | Q(partnership__isnull=True, organisation__partner_places__partnership=partnership)
    )


def partner_organisation_ids(partnership):
    """Ids of the bodies in ``partnership``, cached on it."""
    cached = getattr(partnership, "_partner_organisation_ids", None)
    if cached is None:
        cached = frozenset(partnership.partners.values_list("organisation_id", flat=True))
        partnership._partner_organisation_ids = cached
    return cached


def roles_allowed(model, action):
    """The roles whose holders may do ``action`` to a ``model`` record they own (``owner_permissions``)."""
    spec = getattr(model, "owner_permissions", None) or {}
    return {role for role, actions in spec.items() if action in actions}


def partnership_id_of(obj, checker=None):
    """The id of ``obj``'s partnership, without a query when it is at hand (None for a body)."""
    path = type(obj).partnership_path
    if path is None:
        return None
    if path == "pk":
        return obj.pk
    known = getattr(checker, "_concordat_partnership_ids", {})
    if (type(obj), obj.pk) in known:
        return known[(type(obj), obj.pk)]
    *steps, last = path.split("__")
    holder = obj
    for step in steps:
        if not type(holder)._meta.get_field(step).is_cached(holder):
            return type(obj)._base_manager.filter(pk=obj.pk).values_list(path, flat=True).first()
        holder = getattr(holder, step)
        if holder is None:
            return None
    return getattr(holder, f"{last}_id")


def has_object_permission(user, obj, action="change", checker=None, on=None):
    """May ``user`` do ``action`` ('change', 'delete', 'sign', ...) to ``obj`` on ``on`` (today)?

    A partnership's shared record (:data:`SHARED_WITH_PARTNERS`) is answered from
    the Partner places: a role that ``owner_permissions`` allows the action,
    held for a body that is a partner on the day. Any other record is answered
    by guardian from the body groups ``user`` belongs to, and only while one of
    their bodies holding such a role is a partner on the day. Pass a
    ``checker`` from :func:`permission_checker` when asking about many rows.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    partnership_id = partnership_id_of(obj, checker)
    if partnership_id is not None:
        roles = roles_allowed(type(obj), action)
        if not acts_for_partner_on(user, partnership_id, on or timezone.localdate(), roles):
            return False
        if is_shared_with_partners(type(obj)):
            return True
    return (checker or _checker_of(user)).has_perm(f"{action}_{obj._meta.model_name}", obj)


def permission_checker(user, objects):
    """A checker for ``objects`` (all of one model) with what it needs prefetched: the guardian
    permissions, and the records' partnerships and their partner places (at most 5 queries)."""
    checker = ObjectPermissionChecker(user)
    objects = list(objects)
    if not objects or not user.is_authenticated or user.is_superuser:
        return checker
    model = type(objects[0])
    if not is_shared_with_partners(model):
        checker.prefetch_perms(objects)
    path = model.partnership_path
    if path is not None and path != "pk" and "__" in path:
        rows = model._base_manager.filter(pk__in=[o.pk for o in objects]).values_list("pk", path)
        checker._concordat_partnership_ids = {(model, pk): partnership_id for pk, partnership_id in rows}
    _cached_partner_places(user, {partnership_id_of(o, checker) for o in objects})
    return checker


def can_change(user, obj, checker=None):
    return has_object_permission(user, obj, "change", checker)


def can_delete(user, obj, checker=None):
    return has_object_permission(user, obj, "delete", checker)


def can_create(user, model, partnership, organisation=None):
    """May ``user`` create a ``model`` record in ``partnership`` (owned by ``organisation``)?

    The model lists the roles that may create it in ``create_roles``; the
    user must hold one for a partner body (for ``organisation`` itself when a
    body will own the record).
    """
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    roles = getattr(model, "create_roles", ())
    if not roles:
        return False
    if organisation is not None:
        return organisation.pk in partner_ids_on(user, partnership.pk, timezone.localdate()) and has_role(
            user, organisation, *roles, partnership=partnership
        )
    return bool(bodies_acting_for(user, partnership, *roles))


def require(allowed, message="You do not have permission to do this."):
    if not allowed:
        raise PermissionDenied(message)


def grant_owner_permissions(obj):
    """Give each owning body's role groups the permissions the model names (none for a shared
    record: its rights are derived from the partner places, see :func:`has_object_permission`).

    ``obj.owner_permissions`` maps a role to codename prefixes, e.g.
    ``{Role.FINANCE_OFFICER: ["change", "delete"]}``. Every new record comes here, so the rows
    are written at once (a few queries, not three for each body, role and permission); a
    permission already held is left as it is.
    """
    spec = getattr(obj, "owner_permissions", None)
    if not spec or is_shared_with_partners(type(obj)):
        return
    owners = [organisation.pk for organisation in obj.owner_organisations()]
    if not owners:
        return
    content_type = get_content_type(obj)
    codenames = {f"{action}_{obj._meta.model_name}" for actions in spec.values() for action in actions}
    held = Permission.objects.filter(content_type=content_type, codename__in=codenames)
    held = {permission.codename: permission for permission in held}
    groups = body_groups(owners, spec)
    model = get_group_obj_perms_model(obj)
    target = (
        {"content_type": content_type, "object_pk": str(obj.pk)}
        if model.objects.is_generic()
        else {"content_object": obj}
    )
    model.objects.bulk_create(
        [
            model(group=groups[(pk, role)], permission=held[f"{action}_{obj._meta.model_name}"], **target)
            for pk in owners
            for role, actions in spec.items()
            for action in actions
        ],
        ignore_conflicts=True,
    )
    permissions_changed()


def revoke_owner_permissions(obj, organisation):
    """Take back every permission ``organisation``'s groups hold on ``obj``."""
    spec = getattr(obj, "owner_permissions", None) or {}
    permissions_changed()
    for role, actions in spec.items():
        group = body_group(organisation, role)
        for action in actions:
            remove_perm(f"{action}_{obj._meta.model_name}", group, obj)
