"""Reading django-simple-history: field-by-field changes for a record and its children."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import models

ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}

#: model -> functions returning history querysets of records that belong to an instance.
_CHILDREN = {}


def register_children(model, function):
    """Declare that ``function(obj)`` returns historical querysets of ``obj``'s children.

    Apps built on another app's model use this from ``AppConfig.ready()`` (finance
    registers contributions as children of an agreement), so nothing imports upwards.
    """
    _CHILDREN.setdefault(model, []).append(function)


def history_sources(obj, user=None):
    """The history querysets that make up ``obj``'s record: its own, then its children's.

    A model lists its own children with a ``history_children()`` method. Given
    ``user``, each keeps only the rows they may read (``permissions.readable``:
    a meeting's History tab leaves out its exempt items' minutes, decisions
    and actions for those not entitled to them).
    """
    sources = [obj.history.all()]
    own = getattr(obj, "history_children", None)
    if own is not None:
        sources.extend(own())
    for function in _CHILDREN.get(type(obj), []):
        sources.extend(function(obj))
    if user is not None:
        from partnership import permissions

        sources = [permissions.readable(queryset, user) for queryset in sources]
    return sources


HIDDEN_FIELDS = {"id", "created_at", "updated_at"}


@dataclass
class FieldChange:
    name: str
    before: str
    after: str


@dataclass
class HistoryEntry:
    date: datetime
    action: str
    kind: str
    label: str
    user: object
    organisation: object
    reason: str
    changes: list = field(default_factory=list)
    history_id: int = 0


def tracked_fields(model):
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in HIDDEN_FIELDS and not f.name.startswith("history_")
    ]


def _display(model_field, value, related_names):
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.ForeignKey):
        return related_names.get((model_field.related_model, value), f"#{value}")
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def _related_names(records, fields):
    """Names of every record a foreign key points at, one query per related model."""
    wanted = {}
    for f in fields:
        if isinstance(f, models.ForeignKey):
            ids = {getattr(r, f.attname) for r in records} - {None}
            if ids:
                wanted.setdefault(f.related_model, set()).update(ids)
    names = {}
    for model, ids in wanted.items():
        for obj in model._base_manager.filter(pk__in=ids):
            names[(model, obj.pk)] = str(obj)
    return names


def entries_for(history_querysets):
    """Every change in the given history querysets, newest first, with field diffs."""
    entries = []
    for queryset in history_querysets:
        base_model = queryset.model.instance_type
        fields = tracked_fields(base_model)
        records = list(
            queryset.select_related("history_user", "history_organisation").order_by(
                "id", "history_date", "history_id"
            )
        )
        related = _related_names(records, fields)
        previous = {}
        for record in records:
            before = previous.get(record.id)
            changes = []
            for f in fields:
                new = getattr(record, f.attname)
                old = getattr(before, f.attname) if before is not None else None
                if before is None and record.history_type == "+":
                    if new not in (None, ""):
                        changes.append(FieldChange(f.verbose_name, "—", _display(f, new, related)))
                elif before is not None and old != new:
                    changes.append(
                        FieldChange(f.verbose_name, _display(f, old, related), _display(f, new, related))
                    )
            entries.append(
                HistoryEntry(
                    date=record.history_date,
                    action=ACTIONS.get(record.history_type, record.history_type),
                    kind=str(base_model._meta.verbose_name).capitalize(),
                    label=str(record.instance) if record.history_type != "-" else _label(record),
                    user=record.history_user,
                    organisation=record.history_organisation,
                    reason=record.history_change_reason or "",
                    changes=changes,
                    history_id=record.history_id,
                )
            )
            previous[record.id] = record
    entries.sort(key=lambda e: (e.date, e.history_id), reverse=True)
    return entries


def _label(record):
    try:
        return str(record.instance)
    except Exception:  # noqa: BLE001 - a deleted record's relations may be gone too
        return f"#{record.id}"
