"""PDF rendering: the one function every app uses, and pack assembly.

Every document from templates/pdf/ gets the print stylesheet as a WeasyPrint
``CSS`` object read once from its source file, not through a ``<link>``: with ``DEBUG`` off,
``{% static %}`` gives hashed names that only the manifest knows, and a
stylesheet the fetcher cannot find leaves every PDF unstyled.

WeasyPrint fetches only the app's own static files and uploads: report text
is user input, and an ``<img>`` pointing at ``file://`` or another host must
fetch nothing.
"""

import functools
import hashlib
import io
import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

BASE_URL = "https://concordat.invalid/"


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
        return document.write_pdf(pdf_tags=True)
    css, fonts, _ = print_stylesheet()
    return document.write_pdf(stylesheets=[css], font_config=fonts, pdf_tags=True)


def render_pdf(template_name, context, *, request=None):
    """Render ``template_name`` (a template under templates/pdf/) to tagged PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context, request=request), styled=True)


def render_pdf_cached(template_name, context, *, cache_prefix="pdf"):
    """Render, reusing bytes cached under a hash of the rendered HTML, so a pack
    rebuilds only the parts whose content changed."""
    html = render_to_string(template_name, context)
    stylesheet = print_stylesheet()[2]
    key = f"{cache_prefix}:{hashlib.sha256((stylesheet + html).encode()).hexdigest()}"
    pdf = cache.get(key)
    if pdf is None:
        pdf = html_to_pdf(html, styled=True)
        cache.set(key, pdf, 60 * 60 * 24 * 7)
    return pdf


def merge_pdfs(parts):
    """Join PDFs into one. ``parts`` is a list of ``(bookmark title, pdf bytes)``;
    each part gets a top-level bookmark at its first page."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for title, data in parts:
        start = len(writer.pages)
        writer.append(PdfReader(io.BytesIO(data)), import_outline=False)
        if title:
            writer.add_outline_item(title, start)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
