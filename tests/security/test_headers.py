"""Response headers: the content security policy, private caching and the rest.

The policy allows no inline script or style, so the templates must not need
any: a scan of every page template backs that up, and one browser test shows
a real page running GOV.UK Frontend with no violation reported.
"""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.committees.factories import CommitteeFactory

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def directives(response):
    policy = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


def cache_control(response):
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def test_login_page_carries_the_policy_and_the_other_headers(client):
    response = client.get(reverse("login"))
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_signed_in_page_is_private_and_not_stored(client, world):
    client.force_login(world.user("council", "officer"))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert {"private", "no-store"} <= cache_control(response)
    assert "public" not in cache_control(response)


def test_signed_in_export_is_private_and_not_stored(client, world):
    client.force_login(world.user("council", "officer"))
    response = client.get(reverse("staffing:list", args=[world.ours.slug]), {"export": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert {"private", "no-store"} <= cache_control(response)


def test_public_download_is_private_and_not_stored(client, world):
    """A download is kept out of shared caches even when nobody is signed in."""
    committee = CommitteeFactory(partnership=world.ours, meets_in_public=True)
    response = client.get(reverse("public:committee_calendar", args=[committee.pk]))
    assert response.status_code == 200
    assert "Content-Disposition" in response
    assert {"private", "no-store"} <= cache_control(response)


def test_a_public_page_for_nobody_in_particular_may_be_cached(client, world):
    response = client.get(reverse("public:index"))
    assert response.status_code == 200
    assert "no-store" not in cache_control(response)


INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "style element": re.compile(r"<style\b", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle=", re.IGNORECASE),
    "event handler attribute": re.compile(r"\son[a-z]+=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def test_no_page_template_needs_inline_script_or_style():
    """PDF templates are not served as pages; every other template is."""
    found = [
        f"{path.relative_to(TEMPLATES)}: {what}"
        for path in TEMPLATES.rglob("*.html")
        if "pdf" not in path.relative_to(TEMPLATES).parts
        for what, pattern in INLINE.items()
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_page_runs_govuk_frontend_with_no_policy_violation(live_server, page, login, world):
    problems = []
    page.on("console", lambda note: "Content Security Policy" in note.text and problems.append(note.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.add_init_script(
        "window.violations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " (event) => window.violations.push(event.violatedDirective + ' ' + event.blockedURI));"
    )
    login(world.user("council", "officer").username)
    response = page.goto(f"{live_server.url}{reverse('partnership_detail', args=[world.ours.slug])}")
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    page.wait_for_selector("[data-govuk-service-navigation-init]", state="attached")
    classes = page.evaluate("document.body.className").split()
    assert {"js-enabled", "govuk-frontend-supported"} <= set(classes)
    assert page.locator("[data-govuk-skip-link-init]").count() == 1
    assert page.evaluate("window.violations") == []
    assert problems == []
