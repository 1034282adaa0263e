"""The PDF renderer: the print stylesheet on every document, and a URL fetcher
that serves the app's own files only."""

import shutil
import subprocess

import pytest
from django.test import override_settings

from partnership.pdf import BASE_URL, AppOnlyURLFetcher, html_to_pdf, render_pdf
from tests.conftest import require


def fonts_of(pdf, tmp_path):
    require(shutil.which("pdffonts"), "poppler-utils is not installed")
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split()[0].split("+")[-1] for line in listing.splitlines()[2:] if line.strip()]


def test_a_pdf_template_is_set_in_the_print_stylesheet_font(tmp_path):
    pdf = render_pdf("pdf/committees/appendix_missing.html", {"title": "Appendix", "appendix": None})
    fonts = fonts_of(pdf, tmp_path)
    assert fonts and all(font.startswith("Liberation-Sans") for font in fonts)


def test_html_rendered_as_it_is_gets_no_stylesheet(tmp_path):
    """Stand-ins for uploaded documents (demo appendices) keep their own look."""
    assert not any(font.startswith("Liberation") for font in fonts_of(html_to_pdf("<p>Text</p>"), tmp_path))


def test_a_hashed_static_name_resolves_through_the_storage(tmp_path):
    hashed = tmp_path / "pdf" / "print.0123456789ab.css"
    hashed.parent.mkdir()
    hashed.write_text("p { color: red }")
    with override_settings(STATIC_ROOT=tmp_path):
        assert AppOnlyURLFetcher.resolve(f"{BASE_URL}static/pdf/print.0123456789ab.css") == hashed
        assert AppOnlyURLFetcher.resolve(f"{BASE_URL}static/pdf/print.css").name == "print.css"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "https://example.com/static/pdf/print.css",
        f"{BASE_URL}static/../../../etc/passwd",
        f"{BASE_URL}static/%2e%2e/%2e%2e/etc/passwd",
        f"{BASE_URL}uploads/../partnership/settings.py",
        f"{BASE_URL}partnership/settings.py",
    ],
)
def test_anything_not_the_apps_own_is_refused(url, tmp_path):
    with override_settings(STATIC_ROOT=tmp_path, MEDIA_ROOT=tmp_path / "uploads"):
        assert AppOnlyURLFetcher.resolve(url) is None
        with pytest.raises(ValueError, match="Refused"):
            AppOnlyURLFetcher().fetch(url)
