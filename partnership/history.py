"""Reading django-simple-history: field-by-field changes for a record and its children."""

import difflib
import html
import posixpath
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import models
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
                        changes.append(FieldChange(f.verbose_name, "—", display_value(f, new, related)))
                elif before is not None and old != new:
                    shown_old, shown_new = display_value(f, old, related), display_value(f, new, related)
                    if _is_text(f):
                        changes.append(text_change(f.verbose_name, shown_old, shown_new))
                    else:
                        changes.append(FieldChange(f.verbose_name, shown_old, shown_new))
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
