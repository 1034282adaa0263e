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

import pikepdf
import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from pikepdf import Name
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from partnership import pdf_fonts, stamps

BASE_URL = "https://concordat.invalid/"

#: Raise when a change outside the templates and the stylesheet (the HTML to PDF step, its
#: options or fonts) changes what a cached PDF part would look like: old parts are not reused.
LAYOUT_VERSION = 2
CACHE_SECONDS = 60 * 60 * 24 * 7


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


def part_key(html, cache_prefix):
    """The cache key of ``html``'s PDF: its content, the stylesheet, the layout and WeasyPrint."""
    stylesheet = print_stylesheet()[2]
    digest = hashlib.sha256(f"{LAYOUT_VERSION}:{weasyprint.__version__}:{stylesheet}:{html}".encode())
    return f"{cache_prefix}:{digest.hexdigest()}"


def render_pdf_cached(template_name, context, *, request=None, cache_prefix="pdf"):
    """Render, reusing bytes cached under a hash of the rendered HTML, so a pack
    rebuilds only the parts whose content changed, and a document asked for again
    (by anyone, within the minute its "produced" time shows) is not rendered again."""
    html = render_to_string(template_name, context, request=request)
    return render_many([html], cache_prefix=cache_prefix)[0]


def render_many(htmls, *, cache_prefix="pdf", progress=None):
    """The PDFs of ``htmls`` (styled, as :func:`render_pdf`), from the cache where it has them;
    the rest rendered side by side in worker processes (:mod:`partnership.pdf_workers`) and
    cached. ``progress(done, total)`` is told as each is ready."""
    from partnership import pdf_workers

    keys = [part_key(html, cache_prefix) for html in htmls]
    found = cache.get_many(keys)
    missing = {key: html for key, html in zip(keys, htmls, strict=True) if key not in found}
    done = len(keys) - len(missing)

    def ready(key, pdf):
        nonlocal done
        cache.set(key, pdf, CACHE_SECONDS)
        found[key] = pdf
        done += 1
        if progress is not None:
            progress(done, len(keys))

    pdf_workers.render(missing, ready)
    return [found[key] for key in keys]


# --- Assembly: merge, bookmark, stamp, keep the tags -------------------------


class UnusablePDF(ValueError):
    """A PDF that cannot be a part: it does not open, is behind a password or has no pages."""


def open_pdf(data):
    """``data`` opened with pikepdf (qpdf), which reads only what is asked of it."""
    try:
        return pikepdf.open(io.BytesIO(data))
    except (pikepdf.PdfError, pikepdf.PasswordError, ValueError) as exc:
        raise UnusablePDF(str(exc)) from exc


def check_mergeable(data):
    """Raise :class:`UnusablePDF` unless ``data`` is a PDF that opens without a password and
    has pages, so :func:`assemble` can take it as a part."""
    if len(open_pdf(data).pages) == 0:
        raise UnusablePDF("no pages")


def page_count(data):
    return len(open_pdf(data).pages)


def is_tagged(pdf):
    """Whether ``pdf`` (opened by :func:`open_pdf`) is tagged (marked, with a structure tree),
    so a screen reader can follow it."""
    mark_info = pdf.Root.get("/MarkInfo")
    marked = bool(mark_info.get("/Marked", False)) if mark_info is not None else False
    return marked and "/StructTreeRoot" in pdf.Root


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
        self._opened = {}

    def reader(self, data):
        """``data`` (its own PDF or a child's) opened once, for counting its pages, asking
        whether it is tagged and assembling it."""
        if id(data) not in self._opened:
            self._opened[id(data)] = open_pdf(data)
        return self._opened[id(data)]

    def page_count(self):
        """Its pages and its children's: the pages it takes in the assembled document."""
        return sum(len(self.reader(data).pages) for data in (self.data, *(data for _, data in self.children)))


def assemble(parts, *, title, header, lang="en-GB"):
    """Merge ``parts`` into one tagged PDF with bookmarks, a running header and page numbers,
    each font embedded once (:mod:`partnership.pdf_fonts`)."""
    pdf = pikepdf.new()
    tags = _StructureMerger(pdf)
    outline = []  # (title, page index, [(title, page index, [...])])
    for part in parts:
        if part.data is None:
            outline.append((part.bookmark, part.same_as.start, []))
            continue
        part.start = len(pdf.pages)
        source = part.reader(part.data)
        children = _headings(source, part.start) if part.headings else []
        tags.append(source)
        if len(children) == 1 and children[0][1] == part.start:
            children = children[0][2]  # its title is the part's own bookmark: keep what is under it
        for child_title, data in part.children:
            children.append((child_title, len(pdf.pages), []))
            tags.append(part.reader(data))
        outline.append((part.bookmark, part.start, children))
    tags.finish(lang)
    pdf_fonts.share_fonts(pdf)
    with pdf.open_outline() as tree:
        tree.root.extend(_outline_items(outline))
    stamps.stamp_pages(pdf, header)
    with pdf.open_metadata(set_pikepdf_as_editor=False) as metadata:
        metadata["dc:title"] = title
    pdf.docinfo["/Title"] = title
    pdf.docinfo["/Author"] = "Concordat"
    pdf.docinfo["/Creator"] = "Concordat"
    pdf.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
    pdf.Root.PageMode = Name.UseOutlines
    output = io.BytesIO()
    pdf.save(output, object_stream_mode=pikepdf.ObjectStreamMode.generate, deterministic_id=True)
    return output.getvalue()


def _headings(source, start):
    """A part's own bookmarks as (title, page index in the whole document, children)."""
    outlines = source.Root.get("/Outlines")
    if outlines is None:
        return []
    pages = {page.obj.objgen: index for index, page in enumerate(source.pages)}
    return _outline_level(outlines.get("/First"), pages, start)


def _outline_level(item, pages, start):
    headings = []
    while item is not None:
        destination = item.get("/Dest")
        if destination is None and item.get("/A") is not None:
            destination = item.A.get("/D")
        page = pages.get(destination[0].objgen) if isinstance(destination, pikepdf.Array) else None
        if page is not None:
            headings.append(
                (str(item.get("/Title", "")), start + page, _outline_level(item.get("/First"), pages, start))
            )
        item = item.get("/Next")
    return headings


def _outline_items(entries):
    items = []
    for title, page, children in entries:
        item = pikepdf.OutlineItem(title, page)
        item.children.extend(_outline_items(children))
        items.append(item)
    return items


class _StructureMerger:
    """Appends PDFs to a document and joins their structure trees (PDF tags).

    Each source's top-level structure elements become children of one new
    ``Document`` element; page ``/StructParents`` and annotation ``/StructParent`` keys and
    the parent tree are renumbered so marked content still finds its element. qpdf copies
    a source's pages and its structure elements with one map, so an element's ``/Pg`` is the
    copied page.
    """

    def __init__(self, pdf):
        self.pdf = pdf
        self.document = pdf.make_indirect(
            pikepdf.Dictionary(Type=Name.StructElem, S=Name.Document, K=pikepdf.Array())
        )
        self.nums = pikepdf.Array()
        self.next_key = 0

    def append(self, source):
        """Append the pages of ``source`` (opened by :func:`open_pdf`), with its tags."""
        pdf = self.pdf
        start = len(pdf.pages)
        root = source.Root.get("/StructTreeRoot")
        top = self._top_elements(root) if root is not None else []
        for element in top:
            if "/P" in element:
                del element["/P"]  # else copying it would copy the source's whole tree root
        pdf.pages.extend(source.pages)
        if root is None:
            return
        offset = self.next_key
        for page in pdf.pages[start:]:
            if "/StructParents" in page.obj:
                page.obj.StructParents = self._key(offset + int(page.obj.StructParents))
            for annotation in page.obj.get("/Annots") or ():
                if isinstance(annotation, pikepdf.Dictionary) and "/StructParent" in annotation:
                    annotation.StructParent = self._key(offset + int(annotation.StructParent))
        for element in top:
            copy = pdf.copy_foreign(element)
            copy.P = self.document
            self.document.K.append(copy)
        parent_tree = root.get("/ParentTree")
        for key, value in _number_tree_items(parent_tree):
            self.nums.append(self._key(offset + key))
            self.nums.append(self._copy(value))

    def _key(self, key):
        self.next_key = max(self.next_key, key + 1)
        return key

    def _copy(self, value):
        if value.is_indirect:
            return self.pdf.copy_foreign(value)
        if isinstance(value, pikepdf.Array):
            return pikepdf.Array(self._copy(item) for item in value)
        return value

    @staticmethod
    def _top_elements(root):
        kids = root.get("/K")
        if kids is None:
            return []
        kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        elements = []
        for kid in kids:
            if kid.get("/S") == "/Document":
                sub = kid.get("/K")
                sub = [] if sub is None else sub
                elements += list(sub) if isinstance(sub, pikepdf.Array) else [sub]
            else:
                elements.append(kid)
        return [
            element for element in elements if isinstance(element, pikepdf.Dictionary) and element.is_indirect
        ]

    def finish(self, lang):
        pdf = self.pdf
        tree_root = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=Name.StructTreeRoot,
                K=pikepdf.Array([self.document]),
                ParentTree=pdf.make_indirect(pikepdf.Dictionary(Nums=self.nums)),
                ParentTreeNextKey=self.next_key,
            )
        )
        self.document.P = tree_root
        pdf.Root.StructTreeRoot = tree_root
        pdf.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
        pdf.Root.Lang = pikepdf.String(lang)


def _number_tree_items(node):
    """(key, value) pairs of a PDF number tree."""
    if node is None:
        return
    nums = node.get("/Nums")
    if nums is not None:
        for index in range(0, len(nums), 2):
            yield int(nums[index]), nums[index + 1]
    for kid in node.get("/Kids") or ():
        yield from _number_tree_items(kid)
