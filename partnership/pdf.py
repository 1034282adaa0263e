"""PDF rendering: the one function every app uses, and assembly of several PDFs into one.

Every document from templates/pdf/ gets the print stylesheet as a WeasyPrint
``CSS`` object read once from its source file, not through a ``<link>``: with ``DEBUG`` off,
``{% static %}`` gives hashed names that only the manifest knows, and a
stylesheet the fetcher cannot find leaves every PDF unstyled.

WeasyPrint fetches only the app's own static files and uploads: report text
is user input, and an ``<img>`` pointing at ``file://`` or another host must
fetch nothing.

:func:`assemble` joins rendered PDFs (and uploaded ones) into one document:
the parts keep their accessibility tags (their structure trees are joined
under one ``Document`` element), get bookmarks, and a running header and
"Page X of Y" are stamped on every page after merging, as artifacts, so the
numbering runs across every part (:mod:`partnership.stamps`, in the app's embedded font).
"""

import functools
import hashlib
import io
import mimetypes
from pathlib import Path

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from partnership import stamps

BASE_URL = "https://concordat.invalid/"

#: Raise when a change outside the templates and the stylesheet (the HTML to PDF step, its
#: options or fonts) changes what a cached PDF part would look like: old parts are not reused.
LAYOUT_VERSION = 2


class AppOnlyURLFetcher(URLFetcher):
    """Serves ``/static/`` and ``/uploads/`` from disk and refuses everything else."""

    def fetch(self, url, headers=None):
        path = self.resolve(url)
        if path is None:
            raise ValueError(f"Refused to fetch {url!r} while rendering a PDF.")
        mime_type = mimetypes.guess_type(str(path))[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime_type})

    @staticmethod
    def resolve(url):
        if not url.startswith(BASE_URL):
            return None
        rel = url[len(BASE_URL) :].split("?")[0]
        static_prefix = settings.STATIC_URL.lstrip("/")
        if rel.startswith(static_prefix):
            return static_file(rel[len(static_prefix) :])
        if rel.startswith("uploads/"):
            root = Path(settings.MEDIA_ROOT).resolve()
            path = (root / rel[len("uploads/") :]).resolve()
            if root in path.parents and path.is_file():
                return path
        return None


def static_file(name):
    """A static file by its source name, or by the hashed name the manifest gave it."""
    try:
        found = finders.find(name)
        path = Path(found) if found else Path(staticfiles_storage.path(name))
    except (NotImplementedError, SuspiciousFileOperation):
        return None
    return path if path.is_file() else None


@functools.cache
def print_stylesheet():
    """``static/pdf/print.css``, parsed once: ``(CSS, its font configuration, digest of its source)``."""
    source = Path(finders.find("pdf/print.css")).read_text(encoding="utf-8")
    fonts = FontConfiguration()
    css = CSS(
        string=source,
        base_url=f"{BASE_URL}{settings.STATIC_URL.lstrip('/')}pdf/",
        url_fetcher=AppOnlyURLFetcher(),
        font_config=fonts,
    )
    return css, fonts, hashlib.sha256(source.encode()).hexdigest()


def html_to_pdf(html, *, styled=False):
    """Tagged PDF bytes of ``html``; ``styled`` adds the print stylesheet, as for
    every document from templates/pdf/ (left off, it renders HTML as it is)."""
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=AppOnlyURLFetcher())
    if not styled:
        return document.write_pdf(pdf_tags=True, finisher=_open_with_bookmarks)
    css, fonts, _ = print_stylesheet()
    return document.write_pdf(
        stylesheets=[css], font_config=fonts, pdf_tags=True, finisher=_open_with_bookmarks
    )


def _open_with_bookmarks(document, pdf):
    """A PDF with bookmarks (its headings) opens with them shown, as an assembled one does."""
    if "Outlines" in pdf.catalog:
        pdf.catalog["PageMode"] = "/UseOutlines"


def render_pdf(template_name, context, *, request=None):
    """Render ``template_name`` (a template under templates/pdf/) to tagged PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context, request=request), styled=True)


def render_pdf_cached(template_name, context, *, request=None, cache_prefix="pdf"):
    """Render, reusing bytes cached under a hash of the rendered HTML, so a pack
    rebuilds only the parts whose content changed, and a document asked for again
    (by anyone, within the minute its "produced" time shows) is not rendered again."""
    html = render_to_string(template_name, context, request=request)
    stylesheet = print_stylesheet()[2]
    digest = hashlib.sha256(f"{LAYOUT_VERSION}:{weasyprint.__version__}:{stylesheet}:{html}".encode())
    key = f"{cache_prefix}:{digest.hexdigest()}"
    pdf = cache.get(key)
    if pdf is None:
        pdf = html_to_pdf(html, styled=True)
        cache.set(key, pdf, 60 * 60 * 24 * 7)
    return pdf


# --- Assembly: merge, bookmark, stamp, keep the tags -------------------------


def check_mergeable(data):
    """Raise ``PdfReadError`` unless ``data`` is a PDF that opens without a password and
    has pages, so :func:`assemble` can take it as a part."""
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):
        raise PdfReadError("encrypted")
    if len(reader.pages) == 0:
        raise PdfReadError("no pages")


def page_count(data):
    return len(PdfReader(io.BytesIO(data)).pages)


def is_tagged(reader):
    """Whether the PDF ``reader`` reads is tagged (marked, with a structure tree), so a screen
    reader can follow it."""
    root = reader.trailer["/Root"]
    mark_info = root.get("/MarkInfo")
    marked = mark_info.get_object().get("/Marked", False) if mark_info is not None else False
    return bool(marked) and "/StructTreeRoot" in root


class Part:
    """One rendered PDF in an assembled document, with its bookmark and the PDFs
    merged after it (each with its own bookmark under this one). With ``headings``, the
    part's own bookmarks (its headings, as WeasyPrint made them) are kept under its bookmark.

    A part with no ``data`` only adds a bookmark, at the start of ``same_as``.
    """

    def __init__(self, data, *, bookmark, same_as=None, headings=False):
        self.data = data
        self.bookmark = bookmark
        self.same_as = same_as
        self.headings = headings
        self.children = []
        self.start = None
        self._readers = {}

    def reader(self, data):
        """The reader of ``data`` (its own PDF or a child's), parsed once for counting its pages,
        asking whether it is tagged and assembling it: parsing is most of assembly's time."""
        if id(data) not in self._readers:
            self._readers[id(data)] = PdfReader(io.BytesIO(data))
        return self._readers[id(data)]

    def page_count(self):
        """Its pages and its children's: the pages it takes in the assembled document."""
        return sum(len(self.reader(data).pages) for data in (self.data, *(data for _, data in self.children)))


def _name(value):
    return NameObject(value)


def assemble(parts, *, title, header, lang="en-GB"):
    """Merge ``parts`` into one tagged PDF with bookmarks, a running header and page numbers."""
    writer = PdfWriter()
    tags = _StructureMerger(writer)
    outline = []  # (title, page index, [(title, page index, [...])])
    for part in parts:
        if part.data is None:
            outline.append((part.bookmark, part.same_as.start, []))
            continue
        part.start = len(writer.pages)
        reader = tags.append(part.reader(part.data))
        children = _headings(reader, reader.outline, part.start) if part.headings else []
        if len(children) == 1 and children[0][1] == part.start:
            children = children[0][2]  # its title is the part's own bookmark: keep what is under it
        for child_title, data in part.children:
            children.append((child_title, len(writer.pages), []))
            tags.append(part.reader(data))
        outline.append((part.bookmark, part.start, children))
    tags.finish(lang)
    _add_outline(writer, outline, None)
    stamps.stamp_pages(writer, header)
    writer.add_metadata({"/Title": title, "/Author": "Concordat", "/Creator": "Concordat"})
    root = writer._root_object
    root[_name("/ViewerPreferences")] = DictionaryObject({_name("/DisplayDocTitle"): BooleanObject(True)})
    root[_name("/PageMode")] = _name("/UseOutlines")
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _headings(reader, items, start):
    """A part's own bookmarks as (title, page index in the whole document, children)."""
    headings = []
    for item in items:
        if isinstance(item, list):  # the children of the heading before
            if headings:
                headings[-1][2].extend(_headings(reader, item, start))
            continue
        headings.append((item.title, start + reader.get_destination_page_number(item), []))
    return headings


def _add_outline(writer, entries, parent):
    for title, page, children in entries:
        added = writer.add_outline_item(title=title, page_number=page, parent=parent)
        _add_outline(writer, children, added)


class _StructureMerger:
    """Appends PDFs to a writer and joins their structure trees (PDF tags).

    Each source's top-level structure elements become children of one new
    ``Document`` element; page ``/StructParents`` keys and the parent tree
    are renumbered so marked content still finds its element.
    """

    def __init__(self, writer):
        self.writer = writer
        self.document = DictionaryObject(
            {
                _name("/Type"): _name("/StructElem"),
                _name("/S"): _name("/Document"),
                _name("/K"): ArrayObject(),
            }
        )
        self.document_ref = writer._add_object(self.document)
        self.nums = ArrayObject()
        self.next_key = 0

    def append(self, reader):
        """Append the PDF ``reader`` reads, with its tags; returns the reader."""
        writer = self.writer
        start = len(writer.pages)
        writer.append(reader, import_outline=False)
        root = reader.trailer["/Root"].get("/StructTreeRoot")
        if root is None:
            return reader
        root = root.get_object()
        offset = self.next_key
        for page_index, page in enumerate(reader.pages):
            if "/StructParents" in page:
                key = offset + int(page["/StructParents"])
                writer.pages[start + page_index][_name("/StructParents")] = NumberObject(key)
                self.next_key = max(self.next_key, key + 1)
        for element in self._top_elements(root):
            clone = element.get_object().clone(writer, ignore_fields=("/P",))
            _set_parents(clone, self.document_ref)
            self.document["/K"].append(clone.indirect_reference)
        parent_tree = root.get("/ParentTree")
        for key, value in _number_tree_items(parent_tree.get_object() if parent_tree else None):
            self.nums.append(NumberObject(offset + key))
            clone = value.get_object().clone(writer)
            self.nums.append(getattr(clone, "indirect_reference", None) or clone)
            self.next_key = max(self.next_key, offset + key + 1)
        return reader

    @staticmethod
    def _top_elements(root):
        kids = root.get("/K")
        if kids is None:
            return []
        kids = kids.get_object()
        kids = list(kids) if isinstance(kids, list) else [kids]
        elements = []
        for kid in kids:
            obj = kid.get_object()
            if obj.get("/S") == "/Document":
                sub = obj.get("/K")
                sub = sub.get_object() if sub is not None else []
                elements += list(sub) if isinstance(sub, list) else [sub]
            else:
                elements.append(kid)
        return [e for e in elements if isinstance(e.get_object(), DictionaryObject)]

    def finish(self, lang):
        writer = self.writer
        parent_tree = writer._add_object(DictionaryObject({_name("/Nums"): self.nums}))
        tree_root = DictionaryObject(
            {
                _name("/Type"): _name("/StructTreeRoot"),
                _name("/K"): ArrayObject([self.document_ref]),
                _name("/ParentTree"): parent_tree,
                _name("/ParentTreeNextKey"): NumberObject(self.next_key),
            }
        )
        tree_root_ref = writer._add_object(tree_root)
        self.document[_name("/P")] = tree_root_ref
        root = writer._root_object
        root[_name("/StructTreeRoot")] = tree_root_ref
        root[_name("/MarkInfo")] = DictionaryObject({_name("/Marked"): BooleanObject(True)})
        root[_name("/Lang")] = TextStringObject(lang)


def _set_parents(element, parent_ref):
    """Give ``element`` (a cloned structure element) and its descendants their ``/P``."""
    element[_name("/P")] = parent_ref
    own_ref = element.indirect_reference
    kids = element.get("/K")
    if kids is None:
        return
    kids = kids.get_object()
    for kid in kids if isinstance(kids, list) else [kids]:
        obj = kid.get_object() if hasattr(kid, "get_object") else kid
        if (
            isinstance(obj, DictionaryObject)
            and obj.get("/Type", "/StructElem") == "/StructElem"
            and "/S" in obj
        ):
            _set_parents(obj, own_ref)


def _number_tree_items(node):
    """(key, value) pairs of a PDF number tree."""
    if node is None:
        return
    nums = node.get("/Nums")
    if nums is not None:
        nums = nums.get_object()
        for index in range(0, len(nums), 2):
            yield int(nums[index]), nums[index + 1]
    for kid in node.get("/Kids", []) or []:
        yield from _number_tree_items(kid.get_object())
