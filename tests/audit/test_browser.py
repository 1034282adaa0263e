"""The audit pages in a real Chromium: the log, filtering, and a record as it stood."""

import datetime
import os
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from agreements.models import Agreement
from partnership import as_of_pdf
from partnership.choices import Role
from tests.agreements.factories import agreement_between
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


def test_history_reads_as_text_and_as_of_says_what_is_known_before_tracking(
    live_server, page, login, axe, world
):
    officer = world.user("council", Role.OFFICER)
    agreement = agreement_between(
        world.ours,
        world.bodies["council"],
        world.bodies["nhs"],
        reference="S75-B",
        title="Pooled funds",
        start_date=datetime.date(2012, 9, 1),
    )
    tail = "".join(f"<p>Paragraph {n} of the aims, kept as it was.</p>" for n in range(8))
    for lead in ("B&amp;NES CCG", "the BSW ICB"):
        agreement.aims_and_outcomes = f"<p>Pooled by the Council and {lead}.</p>{tail}"
        agreement._history_user = officer
        agreement.save()
    login(officer.username)
    page.goto(
        live_server.url + reverse("agreements:history", kwargs={"partnership": "ours", "pk": agreement.pk})
    )
    change = page.locator("table.app-history-table tbody tr").first
    assert change.locator("del").first.text_content() == "removed: B&NES CCG."
    assert change.locator("ins").first.text_content() == "added: the BSW ICB."
    assert "<p>" not in change.inner_text()
    change.get_by_text("Show whole text").click()
    assert change.get_by_text("Paragraph 7 of the aims, kept as it was.").is_visible()
    _shot(page, "history")
    assert axe(page) == []

    page.get_by_role("link", name="See this agreement as it stood on an earlier date").click()
    fill_date(page, "#id_date", "2019-03-31")
    page.click("main button:has-text('Show')")
    main = page.locator("main").inner_text()
    assert f"Concordat began tracking changes to this agreement on {today_in_words()}" in main
    assert "From the record's own dates, not from its history" in main
    assert "did not exist" not in main
    _shot(page, "as-of-before-tracking")
    assert axe(page) == []


def today_in_words():
    """Today on the test clock as the pages write a date: "2 December 2026"."""
    from django.utils import timezone

    day = timezone.localdate()
    return f"{day.day} {day:%B %Y}"


def test_a_large_records_pdf_is_made_while_a_page_shows_it_is_under_way(
    live_server, browser, page, login, axe, demo, settings, tmp_path
):
    """The PDF's address answers a page saying it is being made (in a thread here, as the
    embedded default makes it with no worker): without JavaScript "Check again" brings the
    PDF once ready; with it, a link to the PDF appears in place. The page never reloads itself."""
    settings.AS_OF_PDF_IN_REQUEST_UP_TO = 1
    settings.PAPERS_BUILD_IN_THREAD = True
    settings.MEDIA_ROOT = tmp_path
    # Progress of this test's own: the suite's Redis outlives the run.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": str(tmp_path)}
    }
    agreement = Agreement.objects.filter(partnership__slug="banes").first()
    as_of = f"{live_server.url}/p/banes/audit/as-of/agreements/agreement/{agreement.pk}/"

    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(f"{live_server.url}/accounts/login/")
    tab.fill("#id_username", "banes-council-auditor")
    tab.fill("#id_password", "concordat-demo")
    tab.click("button:has-text('Sign in')")
    tab.goto(as_of)
    tab.get_by_role("link", name="Download this view as a PDF").click()
    main = tab.locator("main").inner_text()
    assert "made in the background" in main and "Check again" in main
    is_pdf = lambda answer: answer.headers.get("content-type") == "application/pdf"  # noqa: E731
    deadline = time.monotonic() + 60
    while tab.locator("#as-of-pdf-progress").count() and time.monotonic() < deadline:
        time.sleep(0.5)
        with tab.expect_response(lambda answer: "/pdf/" in answer.url) as answer:
            tab.get_by_role("link", name="Check again").click()
    # Chromium shows the PDF in its viewer, so its bytes are not read here.
    assert is_pdf(answer.value) and answer.value.status == 200
    assert f"agreement-{agreement.pk}-as-of-" in answer.value.headers["content-disposition"]
    context.close()

    # With JavaScript: the page while the PDF waits for a worker, then a link once it is made.
    login("banes-council-auditor", "concordat-demo")
    auditor = get_user_model().objects.get(username="banes-council-auditor")
    day = timezone.localdate()
    key = as_of_pdf.document_key(auditor, Agreement, agreement.pk, day)
    default_storage.delete(as_of_pdf.storage_name(key))
    as_of_pdf.set_status(key, as_of_pdf.QUEUED)
    page.goto(f"{as_of}pdf/?date={day.isoformat()}")
    assert "Waiting to be made" in page.locator("main").inner_text()
    assert axe(page) == []
    as_of_pdf.build_and_store(
        key, agreement.partnership_id, "agreements.Agreement", agreement.pk, day.isoformat(), auditor.pk
    )
    ready = page.get_by_role("link", name="The PDF is ready: open it")
    ready.wait_for(timeout=15_000)
    assert ready.get_attribute("href").endswith(f"/pdf/?date={day.isoformat()}")
    assert axe(page) == []
