"""Reading django-simple-history: field-by-field changes for a record and its children."""

import difflib
import html
import posixpath
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import connections, models
from django.db.models import IntegerField, OuterRef, Q, Subquery, Value
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import strip_tags

from partnership import dates

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


def last_change(obj, user=None):
    """Who last changed ``obj`` and when: the newest row of its own history that ``user``
    may read, as a dict (``date``, ``created``, ``person``, ``body``), in one query; or
    ``None`` for a record without history."""
    manager = getattr(obj, "history", None)
    if manager is None or getattr(obj, "pk", None) is None:
        return None
    rows = manager.all()
    if user is not None:
        from partnership import permissions

        rows = permissions.readable(rows, user)
    row = (
        rows.order_by("-history_date", "-history_id")
        .values(
            "history_date",
            "history_type",
            "history_user__first_name",
            "history_user__last_name",
            "history_user__username",
            "history_organisation__name",
        )
        .first()
    )
    if row is None:
        return None
    full_name = " ".join(filter(None, [row["history_user__first_name"], row["history_user__last_name"]]))
    return {
        "date": row["history_date"],
        "created": row["history_type"] == "+",
        "person": full_name or row["history_user__username"] or "",
        "body": row["history_organisation__name"] or "",
    }


HIDDEN_FIELDS = {"id", "created_at", "updated_at"}

#: A value longer than this (in characters) is shown folded, whole on request.
LONG_TEXT = 300
#: Unchanged words kept either side of a change when a long text's difference is folded.
CONTEXT_WORDS = 8


@dataclass
class Segment:
    """A run of words in a difference: ``kind`` is "same", "ins" (added), "del"
    (removed), "gap" (unchanged words left out of a folded difference) or "cut" (the
    rest of a long run added or removed, left out)."""

    kind: str
    text: str


@dataclass
class FieldChange:
    """One field's change, with both values as a person reads them.

    For text, ``diff`` marks the words added and removed (folded to the changes
    and a few words around them when long) and ``whole_diff`` is the complete
    text with its marks, when ``diff`` leaves some out.
    """

    name: str
    before: str
    after: str
    diff: list | None = None
    whole_diff: list | None = None

    @property
    def is_long(self):
        return len(self.after) > LONG_TEXT or len(self.before) > LONG_TEXT

    @property
    def excerpt(self):
        """The start of the new value, cut at a word, for a long value shown folded."""
        return excerpt(self.after)


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

    @property
    def created(self):
        return self.action == ACTIONS["+"]


def tracked_fields(model):
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in HIDDEN_FIELDS and not f.name.startswith("history_")
    ]


def is_rich_text(model_field):
    """Does ``model_field`` hold formatted text (sanitised HTML)? Models name such fields in
    ``rich_text_fields``."""
    model = getattr(model_field, "model", None)
    return model_field.name in getattr(model, "rich_text_fields", ())


_LINE_BREAK = re.compile(r"<br\s*/?>|</(li|tr|h\d)\s*>", re.IGNORECASE)
_PARAGRAPH_END = re.compile(r"</(p|blockquote|ul|ol|table)\s*>", re.IGNORECASE)
_LIST_ITEM = re.compile(r"<li(\s[^>]*)?>", re.IGNORECASE)
_CELL_END = re.compile(r"</t[dh]\s*>", re.IGNORECASE)


def plain_text(value):
    """Formatted text (sanitised HTML) as plain text: tags removed, ``&amp;`` as ``&``,
    paragraphs separated by a blank line, list items on their own lines."""
    if not value:
        return ""
    text = _PARAGRAPH_END.sub("\n\n", value)
    text = _LINE_BREAK.sub("\n", text)
    text = _LIST_ITEM.sub("• ", text)
    text = _CELL_END.sub(" ", text)
    text = html.unescape(strip_tags(text))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    paragraphs, blank = [], False
    for line in lines:
        if line:
            if blank and paragraphs:
                paragraphs.append("")
            paragraphs.append(line)
            blank = False
        else:
            blank = True
    return "\n".join(paragraphs)


def excerpt(text, length=200):
    """The start of ``text``, cut at a word, with an ellipsis when cut."""
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(None, 1)[0] if " " in text[:length] else text[:length]
    return cut.rstrip(" ,;:.") + "…"


def _is_money(model_field):
    return (
        isinstance(model_field, models.DecimalField)
        and model_field.decimal_places == 2
        and model_field.max_digits >= 10
    )


def display_value(model_field, value, related_names):
    """A stored value as a person reads it, as the rest of the app writes it: choices by
    label, records by name, dates in words ("1 September 2012"), money in pounds
    ("£4,600,000.00"), financial years as "2018/19", formatted text as plain text."""
    from partnership.templatetags.concordat import money

    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.ForeignKey):
        return related_names.get((model_field.related_model, value), f"#{value}")
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "j F Y H:i")
    if isinstance(value, date):
        return date_format(value, "j F Y")
    if _is_money(model_field):
        return money(value)
    if isinstance(model_field, models.DecimalField):
        return f"{value:,}"
    if isinstance(value, int) and str(model_field.verbose_name) == "financial year":
        return dates.financial_year_label(value)
    if isinstance(model_field, models.TextField) and is_rich_text(model_field):
        return plain_text(value) or "—"
    if isinstance(model_field, models.FileField):
        return posixpath.basename(str(value))  # the file's name, not where storage keeps it
    return str(value)


#: The name kept for callers of the first version.
_display = display_value


def _is_text(model_field):
    return (
        isinstance(model_field, models.CharField | models.TextField)
        and not model_field.choices
        and not isinstance(model_field, models.ForeignKey)
    )


_TOKEN = re.compile(r"\s+|[^\s]+")


def _merged(segments):
    merged = []
    for segment in segments:
        if not segment.text:
            continue
        if merged and merged[-1].kind == segment.kind:
            merged[-1] = Segment(segment.kind, merged[-1].text + segment.text)
        else:
            merged.append(segment)
    return merged


#: A text's words, each with the spaces after it (spaces before the first word stand alone).
_WORD = re.compile(r"\s+|\S+\s*")


def _word_diff(before, after):
    """Word by word, a change being the words removed then the words added: spaces after
    a changed run are left unmarked, and words are compared without them."""
    old_words, new_words = _WORD.findall(before), _WORD.findall(after)
    matcher = difflib.SequenceMatcher(
        None, [w.rstrip() for w in old_words], [w.rstrip() for w in new_words], autojunk=False
    )
    segments = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(Segment("same", "".join(new_words[j1:j2])))
            continue
        old, new = "".join(old_words[i1:i2]), "".join(new_words[j1:j2])
        if segments and segments[-1].kind == "same" and not segments[-1].text[-1:].isspace():
            segments[-1] = Segment("same", segments[-1].text + " ")
        if old.strip():
            segments.append(Segment("del", old.rstrip()))
        if new.strip():
            segments.append(Segment("ins", new.rstrip()))
        spaces = new[len(new.rstrip()) :] if new.strip() else old[len(old.rstrip()) :]
        segments.append(Segment("same", spaces))
    return segments


def word_diff(before, after):
    """``before`` and ``after`` as runs of unchanged, removed and added words.

    Lines (paragraphs) are matched first and words only within the lines that
    changed, so a long text stays quick to compare.
    """
    before_lines, after_lines = before.split("\n"), after.split("\n")
    segments = []
    matcher = difflib.SequenceMatcher(None, before_lines, after_lines, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        old = "\n".join(before_lines[i1:i2])
        new = "\n".join(after_lines[j1:j2])
        if segments:
            # The line break before this block: unchanged unless one side has no lines.
            kind = "same" if (i1 > 0 and j1 > 0) else ("del" if i1 > 0 else "ins")
            segments.append(Segment(kind, "\n"))
        if op == "equal":
            segments.append(Segment("same", old))
        elif op == "delete":
            segments.append(Segment("del", old))
        elif op == "insert":
            segments.append(Segment("ins", new))
        else:
            segments.extend(_word_diff(old, new))
    return _merged(segments)


def _folded(segments, context=CONTEXT_WORDS):
    """``segments`` with long unchanged runs cut to a few words either side of a change,
    and long runs added or removed cut to their first words."""
    folded = []
    last = len(segments) - 1
    for index, segment in enumerate(segments):
        words = _TOKEN.findall(segment.text)
        if segment.kind != "same":
            if len(words) > context * 10:  # a long run added or removed: its first words
                folded.append(Segment(segment.kind, "".join(words[: context * 4]).rstrip()))
                folded.append(Segment("cut", "…"))
            else:
                folded.append(segment)
            continue
        keep_before = context * 2 if index > 0 else 0  # words (and spaces) after a change
        keep_after = context * 2 if index < last else 0  # words before the next change
        if len(words) <= keep_before + keep_after + 2:
            folded.append(segment)
            continue
        if keep_before:
            folded.append(Segment("same", "".join(words[:keep_before])))
        folded.append(Segment("gap", "…"))
        if keep_after:
            folded.append(Segment("same", "".join(words[-keep_after:])))
    return folded


def text_change(name, before, after):
    """A :class:`FieldChange` of text, with its word-level difference (folded when long)."""
    change = FieldChange(name, before, after)
    old = "" if before == "—" else before
    new = "" if after == "—" else after
    whole = word_diff(old, new)
    change.diff = _folded(whole) if change.is_long else whole
    if change.diff != whole:
        change.whole_diff = whole
    return change


def _related_objects(records, fields):
    """The records every foreign key of ``records`` points at, one query per related model.

    Each comes with the records its own foreign keys point at (one join deep), so
    its name and the labels that use it (``Contribution`` names its body) cost
    no further query.
    """
    wanted = {}
    for f in fields:
        if isinstance(f, models.ForeignKey):
            ids = {getattr(r, f.attname) for r in records} - {None}
            if ids:
                wanted.setdefault(f.related_model, set()).update(ids)
    objects = {}
    for model, ids in wanted.items():
        links = [f.name for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey)]
        for obj in model._base_manager.filter(pk__in=ids).select_related(*links).order_by():
            objects[(model, obj.pk)] = obj
    return objects


def _related_names(records, fields):
    """Names of every record a foreign key points at, one query per related model."""
    return {key: str(obj) for key, obj in _related_objects(records, fields).items()}


def _instance(record, fields, objects):
    """The record as it stood in history row ``record``, its foreign keys filled from ``objects``
    so that its name needs no query."""
    instance = record.instance
    for f in fields:
        if isinstance(f, models.ForeignKey):
            obj = objects.get((f.related_model, getattr(record, f.attname)))
            if obj is not None:
                f.set_cached_value(instance, obj)
    return instance


def _previous_row_id(queryset):
    """For each row of ``queryset``, the id of the same record's row just before it in
    ``queryset`` (so a reader is compared with the last version they may read)."""
    pk_name = queryset.model.instance_type._meta.pk.attname
    earlier = (
        queryset.filter(**{pk_name: OuterRef(pk_name)})
        .filter(
            Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
        )
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    return Subquery(earlier)


def _with_previous(queryset, whole=None):
    """``queryset`` with each row's ``previous_history_id``, found in ``whole`` (the source
    before a page narrowed it, so a page's oldest change still has its predecessor)."""
    return queryset.select_related("history_user", "history_organisation").annotate(
        previous_history_id=_previous_row_id(queryset if whole is None else whole)
    )


def _changes(record, before, fields, related):
    changes = []
    for f in fields:
        new = getattr(record, f.attname)
        old = getattr(before, f.attname) if before is not None else None
        if before is None and record.history_type == "+":
            if new not in (None, ""):
                changes.append(FieldChange(f.verbose_name, "—", display_value(f, new, related)))
        elif before is not None and old != new:
            shown_old, shown_new = display_value(f, old, related), display_value(f, new, related)
            if _is_text(f):
                changes.append(text_change(f.verbose_name, shown_old, shown_new))
            else:
                changes.append(FieldChange(f.verbose_name, shown_old, shown_new))
    return changes


def _entries(records):
    """Entries for history rows annotated with ``previous_history_id`` (see
    :func:`_with_previous`), in the order given. A fixed number of queries: the earlier
    rows and the related records, per kind of record."""
    by_model = {}
    for record in records:
        by_model.setdefault(type(record), []).append(record)
    built = {}
    for history_model, rows in by_model.items():
        base_model = history_model.instance_type
        fields = tracked_fields(base_model)
        previous_ids = {r.previous_history_id for r in rows} - {None}
        earlier = {r.history_id: r for r in history_model.objects.filter(history_id__in=previous_ids)}
        objects = _related_objects(rows + list(earlier.values()), fields)
        related = {key: str(obj) for key, obj in objects.items()}
        kind = str(base_model._meta.verbose_name).capitalize()
        for record in rows:
            built[(history_model, record.history_id)] = HistoryEntry(
                date=record.history_date,
                action=ACTIONS.get(record.history_type, record.history_type),
                kind=kind,
                label=_label(_instance(record, fields, objects)),
                user=record.history_user,
                organisation=record.history_organisation,
                reason=record.history_change_reason or "",
                changes=_changes(record, earlier.get(record.previous_history_id), fields, related),
                history_id=record.history_id,
            )
    return [built[(type(record), record.history_id)] for record in records]


def entries_for(history_querysets):
    """Every change in the given history querysets, newest first, with field diffs.

    For a record's whole history at once (tests, a single entry); pages use
    :func:`history_page`, whose cost does not grow with the history.
    """
    keyed = []
    for index, queryset in enumerate(history_querysets):
        keyed.extend(((r.history_date, index, r.history_id), r) for r in _with_previous(queryset))
    keyed.sort(key=lambda pair: pair[0], reverse=True)
    return _entries([record for _key, record in keyed])


def entry_for(history_queryset, history_id):
    """The one entry for history row ``history_id`` of ``history_queryset``, or ``None``."""
    records = list(_with_previous(history_queryset).filter(history_id=history_id))
    return _entries(records)[0] if records else None


@dataclass(frozen=True)
class Position:
    """Where an entry stands in a record's history, which is ordered by date, then by
    the kind of record (its source), then by history row: a page's edge, in a link."""

    date: datetime
    source: int
    history_id: int

    @property
    def key(self):
        return (self.date, self.source, self.history_id)

    def __str__(self):
        return f"{self.date.isoformat()}~{self.source}~{self.history_id}"

    @classmethod
    def parse(cls, text):
        """A position from a link, or ``None`` when ``text`` is not one."""
        try:
            date_text, source, history_id = (text or "").split("~")
            moment = datetime.fromisoformat(date_text.replace(" ", "+"))
            if timezone.is_naive(moment):
                return None
            return cls(moment, int(source), int(history_id))
        except (ValueError, OverflowError):
            return None


def _beyond(queryset, position, source, older):
    """Rows of ``queryset`` (source number ``source``) older or newer than ``position``."""
    op = "lt" if older else "gt"
    if source == position.source:
        return queryset.filter(
            Q(**{f"history_date__{op}": position.date})
            | Q(history_date=position.date, **{f"history_id__{op}": position.history_id})
        )
    inclusive = source < position.source if older else source > position.source
    return queryset.filter(**{f"history_date__{op}{'e' if inclusive else ''}": position.date})


def _positions(querysets, order, limit):
    """The first ``limit`` positions of each queryset (source number: its place in the list), in
    one query where the database can order and cut each part of a UNION (PostgreSQL), else
    one query each."""
    parts = [
        queryset.order_by(*order)
        .annotate(source=Value(source, output_field=IntegerField()))
        .values_list("history_date", "history_id", "source")[:limit]
        for source, queryset in enumerate(querysets)
    ]
    if len(parts) > 1 and connections[parts[0].db].features.supports_slicing_ordering_in_compound:
        found = parts[0].union(*parts[1:], all=True)
    else:
        found = [row for part in parts for row in part]
    return [Position(moment, source, history_id) for moment, history_id, source in found]


@dataclass
class HistoryPage:
    """A page of a record's history, newest first, with the edges for the links either side."""

    entries: list
    newer: Position | None = None
    older: Position | None = None
    is_latest: bool = True


def history_page(history_querysets, *, before=None, after=None, size=50):
    """One page of the changes in ``history_querysets``, newest first, by keyset.

    ``before`` (a :class:`Position`) asks for the changes older than it, ``after``
    for those newer. Each source gives at most ``size + 1`` rows, so a page costs
    the same few queries however long the history is.
    """
    older = after is None or before is not None
    edge = before if older else after
    history_querysets = list(history_querysets)
    order = ("-history_date", "-history_id") if older else ("history_date", "history_id")
    # First the positions only (no rows built, no earlier row looked up), then whole rows for
    # the page's own: a record with many kinds of child reads 50 rows, not 50 of each kind.
    candidates = _positions(
        [
            queryset if edge is None else _beyond(queryset, edge, source, older)
            for source, queryset in enumerate(history_querysets)
        ],
        order,
        size + 1,
    )
    candidates.sort(key=lambda position: position.key, reverse=older)
    more = len(candidates) > size
    chosen = candidates[:size]
    if not older:
        chosen.reverse()
    records = {}
    for source in sorted({position.source for position in chosen}):
        queryset = history_querysets[source]
        ids = [position.history_id for position in chosen if position.source == source]
        for record in _with_previous(queryset.filter(history_id__in=ids), whole=queryset):
            records[(source, record.history_id)] = record
    entries = _entries([records[(position.source, position.history_id)] for position in chosen])
    if not chosen:
        return HistoryPage(entries=[], is_latest=edge is None or not older)
    has_newer = edge is not None if older else more
    has_older = more if older else True
    return HistoryPage(
        entries=entries,
        newer=chosen[0] if has_newer else None,
        older=chosen[-1] if has_older else None,
        is_latest=not has_newer,
    )


def _label(instance):
    try:
        return str(instance)
    except Exception:  # noqa: BLE001 - a deleted record's relations may be gone too
        return f"#{instance.pk}"
