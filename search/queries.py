"""Finding records by their words, among those a person may read.

Who may find a record is asked of the record itself, live, through the one
rule every page asks (``permissions.restrict(..., action="read")``: the
partnerships a person's bodies are in, the leaver's rule, and exempt business
by ``committees/access.py``), so a person never finds, in a title, a snippet,
a highlighted match or a count, anything they could not open. The documents
(``search.models``) only hold the words.

On PostgreSQL: full-text search (English stemming, ``websearch`` syntax: words,
"a phrase", -not, or) over the GIN-indexed vector, ranked, with the matches
highlighted by ``ts_headline``. Elsewhere (the SQLite demo) every word must
appear in the title or the text, and the snippet is cut around the first.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Paginator
from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.utils.html import escape
from django.utils.safestring import mark_safe

from partnership import permissions
from search.documents import BY_KIND, SOURCES, keeps_vector
from search.models import CONFIG, SearchDocument

PAGE_SIZE = 20
#: A search's words are at most this long (the form refuses longer).
LONGEST_QUERY = 200
#: Marks put round each match before escaping; documents keep no control characters.
START, STOP = "\x02", "\x03"
MARKED = re.compile(f"{START}(.*?){STOP}", re.S)
#: Words around the first match in a snippet cut without PostgreSQL.
SNIPPET_CHARACTERS = 240


@dataclass
class Hit:
    kind: str
    kind_label: str
    title: str  # safe HTML: escaped, with <mark> round the matches
    snippet: str  # likewise
    url: str
    where: str
    partnership: object


@dataclass
class Results:
    page: object
    hits: list
    counts: dict  # {kind: how many the person may find}
    total: int


def readable_documents(user):
    """Documents of the records ``user`` may read, of every kind (subqueries, no query run)."""
    readable = Q(pk__in=[])
    for source in SOURCES:
        ids = permissions.restrict(source.model.objects.all(), user, action="read").values("pk")
        readable |= Q(kind=source.kind, object_id__in=ids)
    return SearchDocument.objects.filter(readable)


def marked_html(text):
    """``text`` escaped, each part between START and STOP in <mark>."""
    parts, position = [], 0
    for match in MARKED.finditer(text):
        parts.append(escape(_unmarked(text[position : match.start()])))
        parts.append(f"<mark>{escape(_unmarked(match.group(1)))}</mark>")
        position = match.end()
    parts.append(escape(_unmarked(text[position:])))
    return mark_safe("".join(parts))  # noqa: S308 - every part escaped


def _unmarked(text):
    return text.replace(START, "").replace(STOP, "")


# --- Without PostgreSQL: every word somewhere, a plain snippet ----------------------

WORD = re.compile(r'"([^"]+)"|(\S+)')


def words_of(text):
    """(wanted, unwanted) words and phrases of a search as typed: "a phrase", -not; 'or' ignored."""
    wanted, unwanted = [], []
    for phrase, word in WORD.findall(text):
        if phrase:
            wanted.append(phrase.strip())
        elif word.lower() == "or":
            continue
        elif word.startswith("-") and len(word) > 1:
            unwanted.append(word[1:])
        else:
            wanted.append(word.strip('"'))
    return [w for w in wanted if w][:10], [w for w in unwanted if w][:10]


def _text_match(text):
    wanted, unwanted = words_of(text)
    condition = Q()
    for word in wanted:
        condition &= Q(title__icontains=word) | Q(body__icontains=word)
    for word in unwanted:
        condition &= ~Q(title__icontains=word) & ~Q(body__icontains=word)
    return condition, wanted


def _mark_words(text, words):
    if not words:
        return text
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    return pattern.sub(lambda m: f"{START}{m.group(0)}{STOP}", text)


def plain_snippet(body, words):
    """Up to SNIPPET_CHARACTERS of ``body`` from a little before the first word found, marked."""
    lowered = body.lower()
    found = [lowered.find(word.lower()) for word in words]
    first = min((at for at in found if at >= 0), default=0)
    start = max(0, first - SNIPPET_CHARACTERS // 3)
    snippet = body[start : start + SNIPPET_CHARACTERS]
    if start > 0:
        snippet = "…" + snippet.split(" ", 1)[-1]
    if start + SNIPPET_CHARACTERS < len(body):
        snippet = snippet.rsplit(" ", 1)[0] + "…"
    return _mark_words(snippet, words)


# --- The search --------------------------------------------------------------------


def search(user, text, kind="", page_number=None):
    """The records ``user`` may read whose words match ``text`` (of ``kind`` if given), a
    page of them with their titles and snippets marked, and how many of each kind."""
    documents = readable_documents(user)
    if keeps_vector():
        query = SearchQuery(text, search_type="websearch", config=CONFIG)
        matching = documents.filter(vector=query)
        ordered = matching.annotate(rank=SearchRank(F("vector"), query)).order_by("-rank", "kind", "pk")
        words = None
    else:
        query = None
        condition, words = _text_match(text)
        matching = documents.filter(condition)
        first = words[0] if words else ""
        ordered = matching.annotate(
            in_title=Case(
                When(title__icontains=first, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        ).order_by("in_title", "title", "pk")
    counts = dict(matching.order_by().values_list("kind").annotate(found=Count("pk")))
    if kind:
        ordered = ordered.filter(kind=kind)
    paginator = Paginator(ordered.select_related("partnership").defer("body", "vector"), PAGE_SIZE)
    paginator.__dict__["count"] = counts.get(kind, 0) if kind else sum(counts.values())  # counted above
    page = paginator.get_page(page_number)
    found = list(page.object_list)
    marks = _headlines(found, query) if query is not None else _plain_marks(found, words)
    hits = _hits(user, found, marks)
    return Results(page=page, hits=hits, counts=counts, total=sum(counts.values()))


def _headlines(found, query):
    """{pk: (title, snippet)} marked by PostgreSQL, for the page's documents only (one query)."""
    if not found:
        return {}
    marks = SearchDocument.objects.filter(pk__in=[d.pk for d in found]).annotate(
        title_marked=SearchHeadline(
            "title", query, config=CONFIG, start_sel=START, stop_sel=STOP, highlight_all=True
        ),
        body_marked=SearchHeadline(
            "body",
            query,
            config=CONFIG,
            start_sel=START,
            stop_sel=STOP,
            min_words=15,
            max_words=35,
            max_fragments=2,
            fragment_delimiter="…",
        ),
    )
    return {pk: (title, body) for pk, title, body in marks.values_list("pk", "title_marked", "body_marked")}


def _plain_marks(found, words):
    bodies = dict(SearchDocument.objects.filter(pk__in=[d.pk for d in found]).values_list("pk", "body"))
    return {d.pk: (_mark_words(d.title, words), plain_snippet(bodies.get(d.pk, ""), words)) for d in found}


def _hits(user, found, marks):
    """The page's documents as hits, each with its live record (asked again, as read, so a record
    that has just become unreadable is left out), one query per kind on the page."""
    records = {}
    for kind in {d.kind for d in found}:
        source = BY_KIND[kind]
        ids = [d.object_id for d in found if d.kind == kind]
        queryset = permissions.restrict(source.model.objects.all(), user, action="read")
        for obj in queryset.filter(pk__in=ids).select_related(*source.related):
            records[(kind, obj.pk)] = obj
    hits = []
    for document in found:
        obj = records.get((document.kind, document.object_id))
        if obj is None:
            continue
        source = BY_KIND[document.kind]
        title, snippet = marks.get(document.pk, (document.title, ""))
        hits.append(
            Hit(
                kind=document.kind,
                kind_label=document.get_kind_display(),
                title=marked_html(title),
                snippet=marked_html(snippet),
                url=source.url(obj),
                where=source.where(obj),
                partnership=document.partnership,
            )
        )
    return hits
