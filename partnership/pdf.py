"""PDF rendering: the one function every app uses, and pack assembly.

WeasyPrint fetches only the app's own static files and uploads: report text
is user input, and an ``<img>`` pointing at ``file://`` or another host must
fetch nothing.
"""

import hashlib
import io
import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.template.loader import render_to_string
from weasyprint import HTML
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
            found = finders.find(rel[len(static_prefix) :])
            return Path(found) if found else None
        if rel.startswith("uploads/"):
            root = Path(settings.MEDIA_ROOT).resolve()
            path = (root / rel[len("uploads/") :]).resolve()
            if root in path.parents and path.is_file():
                return path
        return None


def html_to_pdf(html):
    return HTML(string=html, base_url=BASE_URL, url_fetcher=AppOnlyURLFetcher()).write_pdf(pdf_tags=True)


def render_pdf(template_name, context, *, request=None):
    """Render ``template_name`` (a template under templates/pdf/) to tagged PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context, request=request))


def render_pdf_cached(template_name, context, *, cache_prefix="pdf"):
    """Render, reusing bytes cached under a hash of the rendered HTML, so a pack
    rebuilds only the parts whose content changed."""
    html = render_to_string(template_name, context)
    key = f"{cache_prefix}:{hashlib.sha256(html.encode()).hexdigest()}"
    pdf = cache.get(key)
    if pdf is None:
        pdf = html_to_pdf(html)
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
