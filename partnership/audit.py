"""The audit log: a hash chain over every historical record, its verifier, and
"as it stood on" reconstruction.

Every history row django-simple-history writes gets one :class:`AuditEntry`,
appended by :func:`append_entry` from the ``post_create_historical_record``
receiver in the same transaction. Its ``hash`` is::

    HMAC-SHA256(audit key, previous_hash + canonical JSON of the entry's own fields
                                         + canonical JSON of the history row's values)

The key (``AUDIT_HMAC_KEYS``) is not in the database, so whoever can write to
the database still cannot recompute the chain after changing it. A signed
:class:`Checkpoint` of the chain head is sent to auditors every day; checked
against one, a chain cut short is found as well.

Writers do not wait for one another. An entry is written unsealed, with its
snapshot, in the writing transaction; just after that transaction commits,
:func:`seal_pending` locks the single :class:`AuditChainHead` row for as long
as it takes to chain every committed unsealed entry (a few milliseconds), giving
each its place (``sequence``) and hash in the order they committed. The hash
is computed from the snapshot taken while writing, so a history row changed
between commit and seal still fails to verify. Entries left unsealed by a
crash are sealed by the next write, the verifier or the nightly checkpoint.
:func:`verify_chain` walks the chain in sealed order and names the
first entry whose hash no longer matches: an edited history row, an edited or
removed entry, or entries cut from the end.

simple-history's ``bulk_create_with_history`` sends no signal: code that
uses it must call :func:`record_history_rows` with the rows it returns.
:func:`find_unrecorded` lists history rows that have no entry (the verifier
reports them), and ``verify_audit_chain --record-missing`` appends them.
"""

import datetime
import decimal
import hashlib
import hmac
import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.core.paginator import Page, Paginator
from django.db import connection, models, transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Window
from django.utils import timezone

from partnership import history
from partnership.models import AuditAction, AuditChainHead, AuditCheckpoint, AuditEntry, Organisation
from partnership.numbers import whole_number

GENESIS_HASH = ""
LONDON = ZoneInfo("Europe/London")
ACTIONS = {"+": AuditAction.CREATED, "~": AuditAction.CHANGED, "-": AuditAction.DELETED}
BATCH_SIZE = 2000


# --- Which models are tracked ------------------------------------------------


def tracked_models():
    """Every model with a simple-history ``history`` (not the historical models themselves)."""
    return [
        model
        for model in apps.get_models()
        if getattr(model._meta, "simple_history_manager_attribute", None)
        and not hasattr(model, "instance_type")
    ]


def history_model_for(model):
    return getattr(model, model._meta.simple_history_manager_attribute).model


def history_model_by_label(label):
    return apps.get_model(label)


# --- Canonical form and hashing ---------------------------------------------


def _canonical_value(value):
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC)
        return value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    raise TypeError(f"Cannot put {type(value).__name__} in an audit hash.")


def canonical_json(data):
    """Deterministic JSON: sorted keys, no spaces, dates in UTC ISO form."""
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_canonical_value
    )


def row_fields(history_model):
    """The columns of a history table that are hashed (all of them)."""
    return [f.attname for f in history_model._meta.concrete_fields]


def row_snapshot(values):
    """A history row's values as plain JSON types, exactly as hashed."""
    return json.loads(canonical_json(values))


def entry_fields(entry, content_type_label):
    """The entry's own hashed fields (everything but its id, snapshot and hashes)."""
    return {
        "content_type": content_type_label,
        "object_id": entry.object_id,
        "history_id": entry.history_id,
        "history_table": entry.history_table,
        "action": entry.action,
        "user": entry.user_id,
        "organisation": entry.organisation_id,
        "partnership": entry.partnership_id,
        "subject_organisation": entry.subject_organisation_id,
        "reason": entry.reason,
        "timestamp": entry.timestamp,
        "object_label": entry.object_label,
    }


class UnknownKey(Exception):
    """An entry or checkpoint names an audit key this installation does not hold."""


def audit_key(key_id):
    try:
        return settings.AUDIT_HMAC_KEYS[key_id].encode("utf-8")
    except KeyError:
        raise UnknownKey(f"audit key {key_id!r} is not in AUDIT_HMAC_KEYS") from None


def compute_hash(previous_hash, own_fields, row_values, key_id):
    """The entry's hash under audit key ``key_id``; an empty ``key_id`` is the unkeyed
    sha256 of entries written before hashes were keyed (only :func:`rekey` reads those)."""
    text = (previous_hash + canonical_json(own_fields) + canonical_json(row_values)).encode("utf-8")
    if not key_id:
        return hashlib.sha256(text).hexdigest()
    return hmac.new(audit_key(key_id), text, hashlib.sha256).hexdigest()


def content_type_label(content_type):
    return f"{content_type.app_label}.{content_type.model}"


# --- Resolving where a record belongs ---------------------------------------


def _follow(obj, name):
    """``getattr(obj, name)``, falling back to the last history row of a deleted target."""
    try:
        return getattr(obj, name)
    except ObjectDoesNotExist:
        model_field = obj._meta.get_field(name)
        target = model_field.related_model
        target_id = getattr(obj, model_field.attname)
        if target_id is None or not getattr(target._meta, "simple_history_manager_attribute", None):
            return None
        row = (
            history_model_for(target)
            .objects.filter(**{target._meta.pk.attname: target_id})
            .order_by("-history_date", "-history_id")
            .first()
        )
        return row.instance if row is not None else None


def partnership_id_of(instance):
    """The id of the partnership ``instance`` belongs to, without loading the partnership."""
    path = getattr(type(instance), "partnership_path", None)
    if path is None:
        return None
    if path == "pk":
        return instance.pk
    obj = instance
    parts = path.split("__")
    for part in parts[:-1]:
        obj = _follow(obj, part)
        if obj is None:
            return None
    last = obj._meta.get_field(parts[-1])
    return getattr(obj, last.attname)


def subject_organisation_id_of(instance):
    """For records outside a partnership: the body they concern."""
    if isinstance(instance, Organisation):
        return instance.pk
    return getattr(instance, "organisation_id", None)


def _label(instance):
    try:
        return str(instance)[:200]
    except Exception:  # noqa: BLE001 - a deleted record's relations may be gone
        return f"{instance._meta.verbose_name} #{instance.pk}"[:200]


# --- Appending -------------------------------------------------------------


def append_entry(*, history_instance, instance=None):
    """Write the unsealed entry for one history row; call inside the writing transaction.

    It is sealed into the chain when the transaction commits (:func:`seal_pending`).
    """
    history_model = type(history_instance)
    values = history_model.objects.filter(pk=history_instance.pk).values(*row_fields(history_model))[0]
    if instance is None:
        instance = history_instance.instance
    model = history_model.instance_type
    partnership_id = partnership_id_of(instance)
    entry = AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_id=str(values[model._meta.pk.attname]),
        history_id=history_instance.pk,
        history_table=history_model._meta.label,
        action=ACTIONS[values["history_type"]],
        user_id=values.get("history_user_id"),
        organisation_id=values.get("history_organisation_id"),
        partnership_id=partnership_id,
        subject_organisation_id=(subject_organisation_id_of(instance) if partnership_id is None else None),
        reason=values.get("history_change_reason") or "",
        timestamp=values["history_date"],
        object_label=_label(instance),
        snapshot=row_snapshot(values),
    )
    _seal_on_commit()
    return entry


def _seal_on_commit():
    """Ask for one :func:`seal_pending` when the current transaction commits (at once
    outside a transaction). A failed seal does not undo the commit: the entries wait
    for the next one."""
    connection = transaction.get_connection()
    if any(callback is _seal_after_commit for _, callback, _ in connection.run_on_commit):
        return
    transaction.on_commit(_seal_after_commit, robust=True)


def _seal_after_commit():
    seal_pending()


def seal_pending(*, batch_size=BATCH_SIZE):
    """Chain every committed entry not yet sealed, in id order, under the chain-head lock.

    Returns how many were sealed. Entries of transactions still open are not
    visible yet and are sealed after them, so the chain follows commit order.
    """
    sealed = 0
    labels = {}
    while True:
        with transaction.atomic():
            head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
            batch = list(AuditEntry.objects.filter(sequence__isnull=True).order_by("pk")[:batch_size])
            if not batch:
                return sealed
            previous, sequence = head.last_hash, head.last_sequence
            key_id = settings.AUDIT_HMAC_KEY_ID
            for entry in batch:
                if entry.content_type_id not in labels:
                    labels[entry.content_type_id] = content_type_label(
                        ContentType.objects.get_for_id(entry.content_type_id)
                    )
                sequence += 1
                entry.sequence, entry.previous_hash, entry.key_id = sequence, previous, key_id
                entry.hash = compute_hash(
                    previous, entry_fields(entry, labels[entry.content_type_id]), entry.snapshot, key_id
                )
                previous = entry.hash
            AuditEntry.objects.bulk_update(batch, ["sequence", "previous_hash", "key_id", "hash"])
            head.last_entry_id, head.last_sequence, head.last_hash = batch[-1].pk, sequence, previous
            head.save(update_fields=["last_entry_id", "last_sequence", "last_hash"])
            sealed += len(batch)


def record_history_rows(rows):
    """Write entries for history rows written without a signal (bulk_create_with_history)."""
    return [append_entry(history_instance=row) for row in rows]


# --- Verifying -------------------------------------------------------------


@dataclass
class Problem:
    entry_id: int | None
    record: str
    message: str
    differences: list = field(default_factory=list)

    def __str__(self):
        where = f"entry #{self.entry_id}" if self.entry_id else "chain head"
        text = f"{where} ({self.record}): {self.message}"
        for name, recorded, now in self.differences:
            text += f"\n  {name}: recorded {recorded!r}, now {now!r}"
        return text


@dataclass
class VerifyResult:
    checked: int = 0
    problem: Problem | None = None
    last_hash: str = GENESIS_HASH
    unrecorded: list = field(default_factory=list)
    sealed_now: int = 0

    @property
    def ok(self):
        return self.problem is None and not self.unrecorded


def _differences(recorded, now):
    names = sorted(set(recorded) | set(now))
    return [(n, recorded.get(n), now.get(n)) for n in names if recorded.get(n) != now.get(n)]


def _fetch_rows(entries):
    """The history rows behind ``entries``, one query per history table."""
    wanted = defaultdict(set)
    for entry in entries:
        wanted[entry.history_table].add(entry.history_id)
    rows = {}
    for label, ids in wanted.items():
        try:
            history_model = history_model_by_label(label)
        except LookupError:
            continue
        for values in history_model.objects.filter(pk__in=ids).values(*row_fields(history_model)):
            rows[(label, values["history_id"])] = values
    return rows


def _check_entry(entry, values, label, expected_previous, *, key_id=None):
    """The problem with one entry, or None. ``key_id`` overrides the entry's own (for rekeying)."""
    record = f"{entry.history_table} history row {entry.history_id}, {entry.object_label}"
    if entry.previous_hash != expected_previous:
        return Problem(
            entry.pk,
            record,
            "its previous hash does not match the entry before it "
            "(an entry was removed, inserted or altered)",
        )
    if values is None:
        return Problem(entry.pk, record, "its history row is missing")
    key_id = entry.key_id if key_id is None else key_id
    if not key_id:
        return Problem(
            entry.pk,
            record,
            "its hash is not keyed (written before audit hashes were keyed): run "
            "verify_audit_chain --rekey once",
        )
    try:
        recomputed = compute_hash(entry.previous_hash, entry_fields(entry, label), values, key_id)
    except UnknownKey as error:
        return Problem(entry.pk, record, f"it was signed with {error}")
    if hmac.compare_digest(recomputed, entry.hash):
        return None
    differences = _differences(entry.snapshot, row_snapshot(values))
    message = (
        "the history row no longer matches its hash"
        if differences
        else "the entry's own fields, hash or snapshot were altered"
    )
    return Problem(entry.pk, record, message, differences)


def _walk(batch_size):
    """Every sealed entry in chain order, with its history row's values and content type label."""
    labels = {}
    last_sequence = 0
    while True:
        batch = list(AuditEntry.objects.filter(sequence__gt=last_sequence).order_by("sequence")[:batch_size])
        if not batch:
            return
        rows = _fetch_rows(batch)
        for entry in batch:
            if entry.content_type_id not in labels:
                labels[entry.content_type_id] = content_type_label(
                    ContentType.objects.get_for_id(entry.content_type_id)
                )
            yield entry, rows.get((entry.history_table, entry.history_id)), labels[entry.content_type_id]
        last_sequence = batch[-1].sequence


def verify_chain(*, batch_size=BATCH_SIZE, progress=None, checkpoints=()):
    """Seal what is committed, then walk every entry in chain order and recompute its keyed
    hash; stop at the first mismatch.

    Then check the chain head, and the chain against each signed checkpoint in
    ``checkpoints`` and every one stored whose signature holds.
    """
    result = VerifyResult(sealed_now=seal_pending(batch_size=batch_size))
    expected_previous = GENESIS_HASH
    last_id = 0
    for entry, values, label in _walk(batch_size):
        result.problem = _check_entry(entry, values, label, expected_previous)
        if result.problem is not None:
            return result
        expected_previous = entry.hash
        last_id = entry.pk
        result.checked += 1
        if progress is not None and result.checked % batch_size == 0:
            progress(result.checked)
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_entry_id, head.last_hash) != (last_id, expected_previous):
        result.problem = Problem(
            None,
            f"last entry #{last_id}",
            f"the chain head names entry #{head.last_entry_id}: entries were removed from the end",
        )
        return result
    for checkpoint in [*checkpoints, *stored_checkpoints()]:
        result.problem = checkpoint.problem_with_chain()
        if result.problem is not None:
            return result
    result.last_hash = expected_previous
    result.unrecorded = find_unrecorded(limit=10)
    return result


def rekey(*, batch_size=BATCH_SIZE):
    """Sign entries written before hashes were keyed with the current key, after checking
    every hash as written; raises ValueError (and changes nothing) if any does not match."""
    seal_pending(batch_size=batch_size)
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        old_previous = new_previous = GENESIS_HASH
        rekeyed = 0
        for entry, values, label in _walk(batch_size):
            own_fields = entry_fields(entry, label)
            if (
                values is None
                or entry.previous_hash != old_previous
                or compute_hash(old_previous, own_fields, values, entry.key_id) != entry.hash
            ):
                raise ValueError(
                    f"Entry #{entry.pk} ({entry.history_table} history row {entry.history_id}) does not "
                    "match the chain: nothing was rekeyed. Find out why before going on."
                )
            old_previous = entry.hash
            if entry.key_id and entry.previous_hash == new_previous:
                new_previous = entry.hash
                continue
            key_id = entry.key_id or settings.AUDIT_HMAC_KEY_ID
            new_hash = compute_hash(new_previous, own_fields, values, key_id)
            AuditEntry.objects.filter(pk=entry.pk).update(
                previous_hash=new_previous, hash=new_hash, key_id=key_id
            )
            new_previous = new_hash
            rekeyed += 1
        if head.last_hash != new_previous:
            head.last_hash = new_previous
            head.save(update_fields=["last_hash"])
    return rekeyed


# --- Checkpoints -------------------------------------------------------------

CHECKPOINT_FORMAT = "concordat-audit-checkpoint/1"


@dataclass
class Checkpoint:
    """The chain head at one moment, signed with the audit key: how many entries, the
    last one's id and hash. Kept outside the database, it shows a chain that was since
    cut short (fewer entries) or recomputed (another hash at the same entry)."""

    made_at: datetime.datetime
    entries: int
    last_entry_id: int
    last_hash: str
    key_id: str
    signature: str = ""

    def _signed_text(self):
        return canonical_json(
            {
                "format": CHECKPOINT_FORMAT,
                "made_at": self.made_at,
                "entries": self.entries,
                "last_entry_id": self.last_entry_id,
                "last_hash": self.last_hash,
                "key_id": self.key_id,
            }
        ).encode("utf-8")

    def sign(self):
        self.signature = hmac.new(audit_key(self.key_id), self._signed_text(), hashlib.sha256).hexdigest()
        return self

    def signature_holds(self):
        try:
            expected = hmac.new(audit_key(self.key_id), self._signed_text(), hashlib.sha256).hexdigest()
        except UnknownKey:
            return False
        return hmac.compare_digest(expected, self.signature)

    def to_text(self):
        """The checkpoint as the file auditors keep (JSON)."""
        return json.dumps(
            {
                "format": CHECKPOINT_FORMAT,
                "made_at": self.made_at.astimezone(datetime.UTC).isoformat(),
                "entries": self.entries,
                "last_entry_id": self.last_entry_id,
                "last_hash": self.last_hash,
                "key_id": self.key_id,
                "signature": self.signature,
            },
            indent=2,
        )

    @classmethod
    def from_text(cls, text):
        """Read a checkpoint file; ValueError if it is not one."""
        try:
            data = json.loads(text)
            if data.get("format") != CHECKPOINT_FORMAT:
                raise ValueError
            return cls(
                made_at=datetime.datetime.fromisoformat(data["made_at"]),
                entries=int(data["entries"]),
                last_entry_id=int(data["last_entry_id"]),
                last_hash=str(data["last_hash"]),
                key_id=str(data["key_id"]),
                signature=str(data["signature"]),
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            raise ValueError("This is not a Concordat audit checkpoint file.") from None

    def problem_with_chain(self):
        """What the chain as it is now does not keep of this checkpoint, or None."""
        where = f"checkpoint of {self.made_at.astimezone(datetime.UTC):%Y-%m-%d %H:%M} UTC"
        if not self.signature_holds():
            return Problem(None, where, "its signature does not hold: it was altered or not made here")
        if self.last_entry_id == 0:
            return None
        entry = (
            AuditEntry.objects.filter(pk=self.last_entry_id, sequence__isnull=False)
            .only("hash", "sequence")
            .first()
        )
        if entry is None:
            return Problem(
                None,
                where,
                f"the chain was cut short: the checkpoint covered {self.entries} entries up to "
                f"#{self.last_entry_id}, and that entry is no longer in the chain",
            )
        if not hmac.compare_digest(entry.hash, self.last_hash):
            return Problem(
                self.last_entry_id,
                where,
                "the chain was recomputed: this entry's hash is not the one checkpointed, so entries "
                "up to it were rewritten",
            )
        count = AuditEntry.objects.filter(sequence__lte=entry.sequence).count()
        if count != self.entries:
            return Problem(
                self.last_entry_id,
                where,
                f"{self.entries} entries were checkpointed up to here; {count} are there now",
            )
        return None


def make_checkpoint():
    """Seal what is committed, then sign and store the chain head as it stands."""
    seal_pending()
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        checkpoint = Checkpoint(
            made_at=timezone.now(),
            entries=AuditEntry.objects.filter(sequence__lte=head.last_sequence).count(),
            last_entry_id=head.last_entry_id,
            last_hash=head.last_hash,
            key_id=settings.AUDIT_HMAC_KEY_ID,
        ).sign()
        AuditCheckpoint.objects.create(
            made_at=checkpoint.made_at,
            entries=checkpoint.entries,
            last_entry_id=checkpoint.last_entry_id,
            last_hash=checkpoint.last_hash,
            key_id=checkpoint.key_id,
            signature=checkpoint.signature,
        )
    return checkpoint


def stored_checkpoints():
    """The checkpoints kept in the database whose signatures hold (a forged one is ignored;
    one deleted is why auditors keep their own copies)."""
    found = []
    for row in AuditCheckpoint.objects.order_by("made_at"):
        checkpoint = Checkpoint(
            made_at=row.made_at,
            entries=row.entries,
            last_entry_id=row.last_entry_id,
            last_hash=row.last_hash,
            key_id=row.key_id,
            signature=row.signature,
        )
        if checkpoint.signature_holds():
            found.append(checkpoint)
    return found


def find_unrecorded(limit=None):
    """History rows that have no audit entry, as (history table label, history id), oldest first."""
    return [(label, pk) for _, label, pk in _unrecorded_rows(limit)]


def _unrecorded_rows(limit=None):
    missing = []
    tables = set(connection.introspection.table_names())
    for model in tracked_models():
        history_model = history_model_for(model)
        if history_model._meta.db_table not in tables:
            continue  # not migrated yet
        recorded = AuditEntry.objects.filter(history_table=history_model._meta.label).values("history_id")
        queryset = (
            history_model.objects.exclude(pk__in=recorded)
            .order_by("history_date", "history_id")
            .values_list("history_date", "history_id")
        )
        if limit is not None:
            queryset = queryset[:limit]
        missing.extend((date, history_model._meta.label, pk) for date, pk in queryset)
    missing.sort()
    return missing[:limit] if limit is not None else missing


@dataclass
class RecordMissingResult:
    recorded: list = field(default_factory=list)  # (label, history id, object label)
    refused: list = field(default_factory=list)  # (label, history id, history date)


def record_missing(*, checkpoints=()):
    """Append entries for history rows that have none, oldest first, except rows dated at
    or before the newest checkpoint: the chain then covered every row, so such a row's
    entry was removed or the row was forged, and recording it would hide that."""
    covered_until = max(
        (c.made_at for c in [*checkpoints, *stored_checkpoints()] if c.signature_holds()), default=None
    )
    result = RecordMissingResult()
    for history_date, label, pk in _unrecorded_rows():
        if covered_until is not None and history_date <= covered_until:
            result.refused.append((label, pk, history_date))
            continue
        row = history_model_by_label(label).objects.get(pk=pk)
        with transaction.atomic():
            entry = append_entry(history_instance=row)
        result.recorded.append((label, pk, entry.object_label))
    return result


# --- "As it stood on" --------------------------------------------------------


def end_of_day(day):
    """The first instant after ``day`` in Europe/London."""
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, LONDON)


def latest_rows_query(history_queryset, cutoff):
    """The latest row per record in ``history_queryset`` dated before ``cutoff``, as a query
    ordered by the record's id (to page through).

    A record whose latest row overall (before the cutoff) no longer matches the
    queryset's filter (a child moved to another parent) is left out.
    """
    history_model = history_queryset.model
    pk_name = history_model.instance_type._meta.pk.attname
    latest = (
        history_model.objects.filter(**{pk_name: OuterRef(pk_name)}, history_date__lt=cutoff)
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    return (
        history_queryset.filter(history_date__lt=cutoff, history_id=Subquery(latest))
        .select_related("history_user", "history_organisation")
        .order_by(pk_name)
    )


def latest_rows(history_queryset, cutoff):
    """:func:`latest_rows_query`, read (one query)."""
    return list(latest_rows_query(history_queryset, cutoff))


@dataclass
class RecordState:
    model: type
    row: object
    fields: list
    deleted: bool = False
    label: str = ""

    @property
    def kind(self):
        return str(self.model._meta.verbose_name).capitalize()


@dataclass
class OwnDate:
    """A date the record itself states (its start, a signature, its end), or the day it was
    added to Concordat."""

    label: str
    day: datetime.date
    kind: str  # "began", "ended" or "added"


@dataclass
class BeforeTracking:
    """What can be said of a record on a day before its first history row.

    Its history starts when Concordat began tracking it (often when its data was
    loaded), so it cannot say how the record stood before; the record's own dates
    can say whether it existed: ``existed`` is True or False from them, None when
    they do not say.
    """

    began: datetime.datetime | None
    dates: list
    existed: bool | None
    ended: bool = False
    label: str = ""

    @property
    def first_began(self):
        days = [d.day for d in self.dates if d.kind == "began"]
        return min(days) if days else None


@dataclass
class Children:
    """One kind of a record's children as they stood: all of them, or one page of ``total``
    (``page`` numbered from 1, asked for by the ``parameter`` in the page's link)."""

    title: str
    states: list
    parameter: str = ""
    total: int = 0
    page: object = None


@dataclass
class Reconstruction:
    day: datetime.date
    cutoff: datetime.datetime
    root: RecordState | None
    deletion: object | None = None
    children: list = field(default_factory=list)  # [Children]
    before_tracking: BeforeTracking | None = None


#: Fields whose date says when a record began, or ended, in the world (not in Concordat).
#: Dates planned ahead (a meeting's, a variation's effective date) say nothing of when it began.
BEGAN_FIELDS = (
    "start_date",
    "established",
    "active_from",
    "valid_from",
    "from_date",
    "joined",
    "decided_on",
    "approved_on",
    "signed_on",
)
ENDED_FIELDS = ("end_date", "active_to", "valid_to", "to_date", "left")
#: Children whose dates tell when their parent began (an agreement exists once signed).
CHILD_BEGAN_FIELDS = ("signed_on",)


def _as_day(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _dates_of(instance, names, kind, suffix=""):
    found = []
    for name in names:
        try:
            model_field = instance._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        value = getattr(instance, model_field.attname, None)
        if isinstance(value, datetime.date):
            label = str(model_field.verbose_name).capitalize() + suffix
            found.append(OwnDate(label, _as_day(value), kind))
    return found


def own_dates(instance, user=None):
    """The dates ``instance`` states itself: when it began and ended (its children's
    signatures too), and when it was added to Concordat."""
    dates = _dates_of(instance, BEGAN_FIELDS, "began") + _dates_of(instance, ENDED_FIELDS, "ended")
    now = timezone.now() + datetime.timedelta(days=1)
    for queryset in history.history_sources(instance, user)[1:]:
        child_model = queryset.model.instance_type
        names = [f.name for f in child_model._meta.concrete_fields if f.name in CHILD_BEGAN_FIELDS]
        if not names:
            continue
        rows = [
            row
            for row in latest_rows(queryset.filter(**{f"{name}__isnull": False for name in names}), now)
            if row.history_type != "-"
        ]
        bodies = dict(
            Organisation.objects.filter(
                pk__in={getattr(row, "organisation_id", None) for row in rows} - {None}
            ).values_list("pk", "name")
        )
        for row in rows:
            body = bodies.get(getattr(row, "organisation_id", None))
            suffix = f", for {body}" if body else f" ({_label(row.instance)})"
            dates += _dates_of(row, names, "began", suffix=suffix)
    created = getattr(instance, "created_at", None)
    if isinstance(created, datetime.datetime):
        dates.append(OwnDate("Added to Concordat", _as_day(created), "added"))
    return dates


def before_tracking(model, pk, day, first_row, user=None):
    """:class:`BeforeTracking` for ``model`` record ``pk`` on ``day``, before ``first_row``
    (its first history row, or None when it has none)."""
    instance = model._base_manager.filter(pk=pk).first()
    if instance is None:
        instance = first_row.instance
    dates = own_dates(instance, user)
    began = [d.day for d in dates if d.kind == "began"]
    if any(d.day <= day for d in dates if d.kind in ("began", "added")):
        existed = True
    elif began:
        existed = False  # it began, and was added to Concordat, only after the day
    else:
        existed = None
    ended = any(d.kind == "ended" and d.day < day for d in dates)
    return BeforeTracking(
        began=first_row.history_date if first_row is not None else None,
        dates=dates,
        existed=existed,
        ended=bool(existed) and ended,
        label=_label(instance),
    )


def _records_as_of(wanted, cutoff):
    """The records foreign keys point at, as they stood at ``cutoff`` (a model's own history
    where it has one, else as it is now): one query per related model."""
    found = {}
    for model, ids in wanted.items():
        if getattr(model._meta, "simple_history_manager_attribute", None):
            history_model = history_model_for(model)
            pk_name = model._meta.pk.attname
            for row in latest_rows(history_model.objects.filter(**{f"{pk_name}__in": ids}), cutoff):
                found[(model, getattr(row, pk_name))] = row.instance
        missing = ids - {pk for (kind, pk) in found if kind is model}
        if missing:
            for obj in model._base_manager.filter(pk__in=missing):
                found[(model, obj.pk)] = obj
    return found


def _displayed(states, cutoff):
    """Fill each state's ``fields`` with (label, displayed value) and its ``label``, the
    records its foreign keys point at found in bulk, so neither costs a query per state."""
    wanted = defaultdict(set)
    for state in states:
        for f in history.tracked_fields(state.model):
            if isinstance(f, models.ForeignKey):
                value = getattr(state.row, f.attname)
                if value is not None:
                    wanted[f.related_model].add(value)
    related = _records_as_of(wanted, cutoff)
    names = {key: _label(obj) for key, obj in related.items()}
    for state in states:
        fields = history.tracked_fields(state.model)
        state.fields = [
            (str(f.verbose_name).capitalize(), display_value(f, getattr(state.row, f.attname), names))
            for f in fields
        ]
        instance = state.row.instance
        for f in fields:
            if (
                isinstance(f, models.ForeignKey)
                and (f.related_model, getattr(state.row, f.attname)) in related
            ):
                f.set_cached_value(instance, related[(f.related_model, getattr(state.row, f.attname))])
        state.label = _label(instance)


def display_value(model_field, value, names):
    """A stored value as a person reads it (:func:`partnership.history.display_value`)."""
    return history.display_value(model_field, value, names)


#: Children deleted this long before their parent count as deleted with it.
CASCADE_WINDOW = datetime.timedelta(minutes=1)


def _page_of(query, per_page, number):
    """Page ``number`` of ``query`` in one query: each row carries the total (a window count,
    taken before the page is cut). Only a page past the end asks again, for the last page."""
    wanted = whole_number(str(number or 1), 9) or 1  # not a page number: the first page
    paginator = Paginator(query, per_page)
    start = (wanted - 1) * per_page
    rows = list(query.annotate(total_in_kind=Window(Count("pk")))[start : start + per_page])
    if rows or wanted == 1:
        paginator.count = rows[0].total_in_kind if rows else 0
        return Page(rows, wanted, paginator)
    return paginator.get_page(wanted)


def _kinds_present(root_row, queries):
    """Which of ``queries`` (by place) have any row, asked in one query: a record with many
    kinds of child, most of them empty, then pages only through those it has."""
    if not queries:
        return set()
    flags = (
        type(root_row)
        .objects.filter(history_id=root_row.history_id)
        .values_list(*(Exists(query) for query in queries))
        .get()
    )
    return {index for index, flag in enumerate(flags) if flag}


def reconstruct(model, pk, day, user=None, per_page=None, pages=None):
    """``model`` record ``pk`` and its children as they stood at the end of ``day``.

    Children come from :func:`partnership.history.history_sources`. For each
    history queryset the latest row per record up to the end of the day is
    taken; records whose latest row is a deletion are left out. When the record
    itself had been deleted, it is shown as it stood when deleted, with the
    children deleted with it. Given ``user``, children they may not read are left out.
    Given ``per_page``, each kind of child is one page of that many (the page
    numbered in ``pages``, by the kind's parameter), so the cost does not grow with
    the children: two queries per kind, and one per kind of related record.

    Before the record's first history row there is no state to show: the
    answer's ``before_tracking`` says when tracking began and what the record's
    own dates say (:func:`before_tracking`), and "did not exist" follows only
    from those dates, never from the history starting later.
    """
    cutoff = end_of_day(day)
    history_model = history_model_for(model)
    pk_name = model._meta.pk.attname
    rows = latest_rows(history_model.objects.filter(**{pk_name: pk}), cutoff)
    if not rows:
        first_row = (
            history_model.objects.filter(**{pk_name: pk}).order_by("history_date", "history_id").first()
        )
        if first_row is None and not model._base_manager.filter(pk=pk).exists():
            return Reconstruction(day=day, cutoff=cutoff, root=None)
        known = before_tracking(model, pk, day, first_row, user)
        return Reconstruction(day=day, cutoff=cutoff, root=None, before_tracking=known)
    root_row = rows[0]
    deletion = root_row if root_row.history_type == "-" else None
    root = RecordState(model=model, row=root_row, fields=[], deleted=deletion is not None)
    instance = root_row.instance
    result = Reconstruction(day=day, cutoff=cutoff, root=root, deletion=deletion)
    states = [root]
    deleted = Q(history_type="-")
    if deletion is not None:
        # Children deleted with the record are shown with it.
        deleted &= Q(history_date__lt=deletion.history_date - CASCADE_WINDOW)
    queries = [
        latest_rows_query(queryset, cutoff).exclude(deleted)
        for queryset in history.history_sources(instance, user)[1:]
    ]
    present = _kinds_present(root_row, queries) if per_page else range(len(queries))
    for index, query in enumerate(queries):
        child_model = query.model.instance_type
        children = Children(title=str(child_model._meta.verbose_name_plural).capitalize(), states=[])
        if per_page:
            children.parameter = f"{child_model._meta.model_name}-{index + 1}-page"
            if index in present:
                children.page = _page_of(query, per_page, (pages or {}).get(children.parameter))
            else:
                children.page = Paginator([], per_page).get_page(1)
            children.total = children.page.paginator.count
            found = list(children.page.object_list)
        else:
            found = list(query)
            children.total = len(found)
        children.states = [
            RecordState(model=child_model, row=row, fields=[], deleted=row.history_type == "-")
            for row in found
        ]
        states.extend(children.states)
        result.children.append(children)
    _displayed(states, cutoff)
    return result


def latest_entry_for(model, pk):
    """The newest audit entry about ``model`` record ``pk`` (tells where it belonged)."""
    content_type = ContentType.objects.get_for_model(model)
    return AuditEntry.objects.filter(content_type=content_type, object_id=str(pk)).order_by("-id").first()
