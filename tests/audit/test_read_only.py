"""Auditors change nothing, and no one changes history: every edit view, the admin."""

import re
from datetime import date

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views.generic.edit import ProcessFormView

from partnership import audit, generic
from partnership.choices import Role
from partnership.models import AuditEntry, Organisation, Reorganisation, ReorganisationBody
from tests.audit.test_tracked_models import FACTORIES, CannotBuild, _build


def _patterns(resolvers, prefix="", namespace=None):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry, namespace


def _is_edit_view(view_class):
    return issubclass(view_class, generic.ObjectEditView | generic.ObjectDeleteView | ProcessFormView) or (
        "post" in vars(view_class) and view_class.__module__.split(".")[0] != "django"
    )


def edit_views():
    """Every named URL whose view writes on POST, outside the admin and sign-in pages."""
    found = []
    for route, pattern, namespace in _patterns(get_resolver().url_patterns):
        view_class = getattr(pattern.callback, "view_class", None)
        if view_class is None or namespace == "admin" or route.startswith(("accounts/", "admin/")):
            continue
        if namespace in ("public",):
            continue
        if _is_edit_view(view_class) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            found.append((name, route, view_class))
    return found


EDIT_VIEWS = edit_views()

#: Views that take a POST but change no record, and that an auditor may use: each is
#: still tested, as answering the auditor without writing anything.
WRITES_NO_RECORD = {
    # Asks for the PDF of a paper the user may already download to be built (a cached
    # file, not a tracked record); auditors read meeting papers like anyone entitled.
    "committees:paper_build",
}


#: Pages an auditor reads, which carry a form only for those who may act: GET answers
#: 200 (without the form), POST 403.
READ_WITH_A_FORM = {"reorganisation_detail"}


def _reorganisation_of(body):
    """A reorganisation abolishing ``body`` (its records still to transfer)."""
    successor = Organisation.objects.create(name="Successor of the council", kind=body.kind)
    reorganisation = Reorganisation.objects.create(name="Council replaced", takes_effect=date(2030, 4, 1))
    ReorganisationBody.objects.create(reorganisation=reorganisation, organisation=body, side="abolished")
    ReorganisationBody.objects.create(reorganisation=reorganisation, organisation=successor, side="successor")
    return reorganisation


def _in_partnership(model, partnership):
    """A ``model`` record belonging to ``partnership``, built by the factories."""
    path = getattr(model, "partnership_path", None)
    if path == "pk":
        return partnership
    if path is None or model not in FACTORIES:
        raise CannotBuild(f"cannot place a {model._meta.label} in a partnership")
    first = path.split("__")[0]
    parent = (
        partnership
        if first == "partnership"
        else _in_partnership(model._meta.get_field(first).related_model, partnership)
    )
    return _build(model, FACTORIES[model], **{first: parent})


TRACKED = audit.tracked_models()


def _model_named(name, app_label):
    """The tracked model a URL argument or path segment names ("agreement", "party",
    "meetings", "appendices", "costs" for a report's cost lines)."""
    name = name.lower()
    candidates = [name, name.rstrip("s")]
    if name.endswith("ies"):
        candidates.append(name[:-3] + "y")
    if name.endswith("ices"):
        candidates.append(name[:-4] + "ix")
    for candidate in candidates:
        exact = [m for m in TRACKED if m._meta.model_name == candidate]
        if exact:
            return exact[0]
        ending = [
            m for m in TRACKED if m._meta.app_label == app_label and m._meta.model_name.endswith(candidate)
        ]
        if ending:
            return ending[0]
    for candidate in candidates:
        containing = [
            m for m in TRACKED if m._meta.app_label == app_label and candidate in m._meta.model_name
        ]
        if len(containing) == 1:
            return containing[0]
    return None


#: URL arguments that are values, not records: a financial year, a kind of meeting paper, a
#: step of a decision's call-in, a report's period.
VALUES = {"year": 2018, "kind": "members-pack", "step": "publish", "organisation": 1, "period": 1}


def _ancestors(obj):
    """``obj`` and the records above it on its way to its partnership (approval, variation, agreement)."""
    yield obj
    for name in (getattr(type(obj), "partnership_path", None) or "pk").split("__")[:-1]:
        obj = getattr(obj, name)
        yield obj


def _depth(model):
    return len((getattr(model, "partnership_path", None) or "").split("__"))


ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>")


def test_edit_views_were_found():
    names = {name for name, _, _ in EDIT_VIEWS}
    assert {"partnership_edit", "organisation_edit", "membership_add", "membership_remove"} <= names


@pytest.mark.parametrize("name, route, view_class", EDIT_VIEWS, ids=[n for n, _, _ in EDIT_VIEWS])
def test_auditor_is_refused_by_every_edit_view(client, world, name, route, view_class):
    """GET and POST answer 403 and nothing is written. Every record the URL names is
    built (and belongs with the others), so no view is left out."""
    auditor = world.user("council", Role.AUDITOR)
    keys = ARGUMENT.findall(route)
    app_label = name.split(":")[0] if ":" in name else "partnership"
    kwargs = {}
    if name in ("organisation_edit", "membership_add", "membership_remove"):
        kwargs["pk"] = world.bodies["council"].pk
        kwargs["membership"] = world.bodies["council"].memberships.first().pk
    if name == "reorganisation_detail":
        kwargs["pk"] = _reorganisation_of(world.bodies["council"]).pk
    models_named = {}
    for key in keys:
        if key in kwargs or key in VALUES or key == "partnership":
            continue
        if key == "pk":
            before = route.split("<int:pk>")[0].rstrip("/").split("/")[-1]
            model = getattr(view_class, "model", None) or _model_named(before, app_label)
        else:
            model = _model_named(key, app_label)
        assert model is not None, f"{name}: cannot tell which record <{key}> names; teach _model_named"
        models_named[key] = model
    # Build the deepest record first, and take the others from above it, so that every
    # record in the URL belongs with the rest (an approval of a variation of the agreement).
    built = []
    for key, model in sorted(models_named.items(), key=lambda item: -_depth(item[1])):
        above = [a for obj in built for a in _ancestors(obj) if isinstance(a, model)]
        if above:
            kwargs[key] = above[0].pk
            continue
        try:
            obj = _in_partnership(model, world.ours)
        except CannotBuild as error:
            pytest.fail(f"{name}: {error}")
        built.append(obj)
        kwargs[key] = obj.pk
    for key in keys:
        if key == "partnership":
            kwargs.setdefault(key, world.ours.slug)
        elif key in VALUES:
            kwargs.setdefault(key, VALUES[key])
    kwargs = {key: kwargs[key] for key in keys}
    url = reverse(name, kwargs=kwargs)
    client.force_login(auditor)
    written = AuditEntry.objects.count()
    get = client.get(url)
    post = client.post(url, {"change_reason": "auditor attempt", "name": "Changed by auditor"})
    if name in WRITES_NO_RECORD:
        assert post.status_code in {200, 302, 403}, f"POST {url} answered {post.status_code}"
    elif name in READ_WITH_A_FORM:
        assert get.status_code == 200, f"GET {url} answered {get.status_code}"
        assert post.status_code == 403, f"POST {url} answered {post.status_code}"
    else:
        assert get.status_code in {403, 405}, f"GET {url} answered {get.status_code}"
        assert post.status_code == 403, f"POST {url} answered {post.status_code}"
    assert AuditEntry.objects.count() == written


def test_auditor_is_refused_by_the_admin(client, world):
    auditor = world.user("council", Role.AUDITOR)
    body = world.bodies["council"]
    client.force_login(auditor)
    change = reverse("admin:partnership_organisation_change", args=[body.pk])
    for url in (reverse("admin:index"), change, reverse("admin:partnership_auditentry_changelist")):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.post(change, {"name": "Renamed by auditor", "kind": body.kind})
    body.refresh_from_db()
    assert body.name == "Our Council"


def test_auditors_hold_no_change_permission_anywhere(world):
    auditor = world.user("council", Role.AUDITOR)
    assert not auditor.is_staff
    for model in audit.tracked_models():
        for action in ("add", "change", "delete"):
            assert not auditor.has_perm(f"{model._meta.app_label}.{action}_{model._meta.model_name}")
    assert not auditor.has_perm("partnership.change_organisation", world.bodies["council"])


def test_no_historical_model_is_in_the_admin():
    registered = set(admin.site._registry)
    assert not {audit.history_model_for(model) for model in audit.tracked_models()} & registered


def test_superuser_cannot_revert_or_edit_history_in_the_admin(client, superuser, world):
    body = world.bodies["council"]
    body.name = "Our Council (renamed)"
    body.save()
    first = body.history.order_by("history_id").first()
    url = reverse("admin:partnership_organisation_simple_history", args=[body.pk, first.history_id])
    client.force_login(superuser)
    assert client.get(url).status_code == 200  # reading is fine
    response = client.post(url, {"name": "Our Council", "kind": body.kind, "_change_history": "1"})
    assert response.status_code == 403
    body.refresh_from_db()
    assert body.name == "Our Council (renamed)"
    assert body.history.count() == 2


def test_no_one_may_add_change_or_delete_audit_entries_in_the_admin(client, superuser, world):
    entry = AuditEntry.objects.order_by("id").first()
    client.force_login(superuser)
    assert client.get(reverse("admin:partnership_auditentry_changelist")).status_code == 200
    assert client.get(reverse("admin:partnership_auditentry_add")).status_code == 403
    change = reverse("admin:partnership_auditentry_change", args=[entry.pk])
    assert client.get(change).status_code == 200  # read-only view
    client.post(change, {"reason": "rewritten"})
    assert AuditEntry.objects.get(pk=entry.pk).reason == entry.reason
    assert client.post(reverse("admin:partnership_auditentry_delete", args=[entry.pk])).status_code == 403
    response = client.post(
        reverse("admin:partnership_auditentry_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
    assert response.status_code in (200, 302, 403)
    assert audit.verify_chain().ok


def test_superuser_cannot_change_history_rows_or_entries_through_the_orm(world):
    row = Organisation.history.first()
    row.history_change_reason = "rewritten"
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        AuditEntry.objects.first().delete()
