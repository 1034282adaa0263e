"""The production check: Concordat as deployed answers every main page with its
styles and scripts, and every kind of PDF carries the print stylesheet.

With DEBUG off, static names are hashed by the manifest storage; a PDF whose
stylesheet is lost comes out in DejaVu Serif without page numbers, so each PDF's
fonts (pdffonts) and text (pdftotext) are checked.
"""

import io
import json
import re
import subprocess
import sys
import time
import urllib.parse

import pytest
from pypdf import PdfReader

from tests.production.environment import ROOT
from tests.production.site import Visitor

pytestmark = pytest.mark.production

OFFICER = "banes-council-secretary"
COUNCIL_OFFICER = "banes-council-officer"
AUDITOR = "external-auditor"
NHS_SECRETARY = "banes-ccg-secretary"
FINANCE_OFFICER = "banes-council-finance"
SITE_ADMINISTRATOR = "admin"
#: The body font print.css asks for, in letters only ("Liberation Sans": LiberationSans;
#: pdffonts lists it as ABCDEF+Liberation-Sans).
BODY_FONT = re.sub(
    r"\W",
    "",
    re.search(r'html\s*{[^}]*font:[^;"]*"([^"]+)"', (ROOT / "static/pdf/print.css").read_text()).group(1),
)
HASHED = re.compile(r"\.[0-9a-f]{12}\.(css|js|mjs|svg|png|ico|woff2?)$")


@pytest.fixture(scope="module")
def site(production_site):
    return production_site


@pytest.fixture(scope="module")
def officer(site):
    visitor = Visitor(site.url)
    visitor.sign_in(OFFICER)
    return visitor


@pytest.fixture(scope="module")
def auditor(site):
    visitor = Visitor(site.url)
    visitor.sign_in(AUDITOR)
    return visitor


def linked_assets(page):
    """Stylesheets and scripts a page links, and the module its script imports."""
    tags = [tag for tag in re.findall(r"<link[^>]+>", page.text) if 'rel="stylesheet"' in tag]
    found = [re.search(r'href="([^"]+)"', tag).group(1) for tag in tags]
    found += re.findall(r'<script[^>]+src="([^"]+)"', page.text)
    found += re.findall(r'data-govuk-frontend="([^"]+)"', page.text)
    return found


def check_pages(visitor, pages, problems, assets):
    for label, path in pages.items():
        page = visitor.get(path)
        if page.status != 200:
            problems.append(f"{label} ({path}) answered {page.status}")
            continue
        links = linked_assets(page)
        if not links:
            problems.append(f"{label} ({path}) links no stylesheet or script")
        assets.update((link, label) for link in links if link not in dict(assets))


@pytest.fixture(scope="module")
def budget_reports(site, officer):
    """The quarterly reports and annual statements the budget page links, first of each."""
    page = officer.get(site.addresses["pages"]["budget"])
    quarterly = re.findall(r'href="([^"]+/q\d/\d+\.pdf)"', page.text)
    annual = re.findall(r'href="([^"]+/statement/\d+\.pdf)"', page.text)
    assert quarterly and annual, "the budget page links no quarterly report or annual statement"
    return {"quarterly statement": quarterly[0], "annual statement": annual[0]}


def test_every_main_page_answers_with_its_styles_and_scripts(site, officer, auditor):
    problems, assets = [], {}
    check_pages(officer, site.addresses["pages"], problems, assets)
    check_pages(auditor, site.addresses["auditor_pages"], problems, assets)
    council_officer = Visitor(site.url)
    council_officer.sign_in(COUNCIL_OFFICER)
    check_pages(council_officer, site.addresses["council_officer_pages"], problems, assets)
    finance_officer = Visitor(site.url)
    finance_officer.sign_in(FINANCE_OFFICER)
    check_pages(finance_officer, site.addresses["finance_pages"], problems, assets)
    nhs_secretary = Visitor(site.url)
    nhs_secretary.sign_in(NHS_SECRETARY)
    check_pages(nhs_secretary, site.addresses["nhs_pages"], problems, assets)
    site_administrator = Visitor(site.url)
    site_administrator.sign_in(SITE_ADMINISTRATOR)
    check_pages(site_administrator, site.addresses["admin_pages"], problems, assets)
    assert any("/css/admin." in link for link in assets), "the admin links no time-out warning style"
    check_pages(
        Visitor(site.url), {**site.addresses["public_pages"], "login": "/accounts/login/"}, problems, assets
    )
    stylesheets = [link for link in assets if urllib.parse.urlsplit(link).path.endswith(".css")]
    assert stylesheets, "no page links a stylesheet"
    for link, label in list(assets.items()):
        path = urllib.parse.urlsplit(link).path
        if not path.startswith("/static/"):
            continue  # a page of its own (the admin's translations, /admin/jsi18n/), not a file
        if not HASHED.search(path):
            problems.append(f"{link} (on {label}) is not a hashed name from the manifest")
        answer = officer.get(path)
        if answer.status != 200:
            problems.append(f"{link} (on {label}) answered {answer.status}")
        elif path.endswith(".css"):
            for reference in re.findall(r"url\(\"?'?(/static/[^\"')]+)", answer.text):
                if officer.get(reference).status != 200:
                    problems.append(f"{reference} (in {link}) does not answer 200")
    assert problems == []


def pdf_problems(label, answer, tmp_path):
    if answer.status != 200 or not answer.body.startswith(b"%PDF"):
        return [f"{label} ({answer.url}) answered {answer.status} {answer.headers.get('Content-Type')}"]
    path = tmp_path / (re.sub(r"\W+", "-", label) + ".pdf")
    path.write_bytes(answer.body)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    names = [line.split()[0] for line in fonts.splitlines()[2:] if line.strip()]
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    problems = []
    if any(line.split()[-5] != "yes" for line in fonts.splitlines()[2:] if line.strip()):
        problems.append(f"{label}: a font is not embedded ({fonts})")
    if any("DejaVu" in name for name in names):
        problems.append(f"{label}: fell back to DejaVu ({', '.join(names)})")
    if not any(re.sub(r"\W", "", name.split("+")[-1]).startswith(BODY_FONT) for name in names):
        problems.append(f"{label}: body font {BODY_FONT} not used ({', '.join(names)})")
    if "Page 1 of" not in text:
        problems.append(f"{label}: no 'Page 1 of' in its text")
    reader = PdfReader(io.BytesIO(answer.body))
    root = reader.trailer["/Root"]
    if "/StructTreeRoot" not in root or not root.get("/Lang") or not (reader.metadata or {}).get("/Title"):
        problems.append(f"{label}: not tagged, or no language or title")
    if "/Outlines" in root and root.get("/PageMode") != "/UseOutlines":
        problems.append(f"{label}: does not open with its bookmarks shown")
    return problems


def when_built(visitor, path, seconds=60):
    """The answer for a paper (or an "as it stood on" PDF), once built: with no worker, they
    build in a thread of the web process, and until then their address answers a page saying
    so (or sends to it)."""
    deadline = time.monotonic() + seconds
    while True:
        answer = visitor.get(path)
        building = answer.status == 302 or not answer.body.startswith(b"%PDF")
        if not building or time.monotonic() > deadline:
            return answer
        time.sleep(0.5)


def test_every_kind_of_pdf_carries_the_print_stylesheet(site, officer, auditor, budget_reports, tmp_path):
    addresses = site.addresses
    answers = {
        label: when_built(officer, path) for label, path in {**addresses["pdfs"], **budget_reports}.items()
    }
    answers |= {label: when_built(auditor, path) for label, path in addresses["auditor_pdfs"].items()}
    members = addresses["members_pack"]
    meeting = officer.get(members["page"])
    built = officer.post(members["build"], {"csrfmiddlewaretoken": officer.csrf_token(meeting)})
    assert built.status == 302, built.text[:2000]
    answers["members' agenda pack"] = when_built(officer, members["download"])
    anonymous = Visitor(site.url)
    answers["public agenda pack (as the public)"] = when_built(
        anonymous, addresses["pdfs"]["public agenda pack"]
    )
    problems = [
        problem for label, answer in answers.items() for problem in pdf_problems(label, answer, tmp_path)
    ]
    assert problems == []


def test_signed_in_page_has_the_production_headers_and_secure_cookies(site, officer):
    answer = officer.get("/")
    assert answer.status == 200
    assert answer.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "private" in answer.headers["Cache-Control"] and "no-store" in answer.headers["Cache-Control"]
    assert "'unsafe-inline'" not in answer.headers["Content-Security-Policy"]
    assert all(cookie.secure for cookie in officer.cookies)


def test_plain_http_is_redirected_to_https(site):
    answer = Visitor(site.url, over_https=False).get("/accounts/login/")
    assert answer.status == 301
    assert answer.headers["Location"].startswith("https://")


def test_compose_health_check_passes(site):
    """docker-compose.yml's health check, run against this gunicorn."""
    line = next(
        line
        for line in (ROOT / "docker-compose.yml").read_text().splitlines()
        if "test:" in line and "python" in line
    )
    command = json.loads(line.split("test:", 1)[1])
    assert command[:2] == ["CMD", "python"]
    code = command[3].replace("http://127.0.0.1:8000", site.url)
    result = subprocess.run(
        [sys.executable, *command[2:3], code], env=site.env, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
