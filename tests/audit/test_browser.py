"""The audit pages in a real Chromium: the log, filtering, and a record as it stood."""

import os

import pytest

from agreements.models import Agreement
from tests.date_input import fill_date

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("AUDIT_SCREENSHOTS")


def _shot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def test_auditor_reads_filters_and_reconstructs(live_server, page, login, axe, demo):
    login("banes-council-auditor", "concordat-demo")
    page.goto(f"{live_server.url}/p/banes/")
    page.get_by_role("link", name="Audit log").click()
    assert page.locator("h1").inner_text() == "Audit log"
    assert page.locator("table.app-audit-log tbody tr").count() > 0
    _shot(page, "audit-log")
    assert axe(page) == []

    page.select_option("#id_action", "created")
    page.select_option("#id_kind", "agreements.agreement")
    page.click("button:has-text('Apply filters')")
    page.wait_for_load_state()  # the click returns once the answer starts; its page may still be parsing
    rows = page.locator("table.app-audit-log tbody tr")
    assert rows.count() > 0
    assert all("Created" in text for text in rows.all_inner_texts())

    rows.first.get_by_role("link", name="As it stood that day").click()
    assert "As it stood" in page.locator(".govuk-caption-l").inner_text()
    assert page.locator(".govuk-summary-card").count() >= 1
    _shot(page, "as-of")
    assert axe(page) == []

    # The date form works without JavaScript: a plain GET with the new date.
    fill_date(page, "#id_date", "2000-01-01")
    page.click("button:has-text('Show')")
    assert "did not exist at the end of 1 January 2000" in page.locator("main").inner_text()


def test_officer_is_refused_the_log_but_sees_a_record_as_it_stood(live_server, page, login, demo):
    agreement = Agreement.objects.filter(partnership__slug="banes").first()
    login("banes-council-officer", "concordat-demo")
    assert page.goto(f"{live_server.url}/p/banes/audit/").status == 403
    response = page.goto(f"{live_server.url}/p/banes/audit/as-of/agreements/agreement/{agreement.pk}/")
    assert response.status == 200
    assert agreement.title in page.locator("main").inner_text()
