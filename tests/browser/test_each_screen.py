"""The officer's, finance officer's, secretary's and signatory's everyday steps on the demo, on
each screen they use: a 1280 px laptop and a 375 px phone, each with JavaScript and without.

Every page fits the screen, axe finds nothing on it where script runs, and each step does what
people rely on: ending an agreement asks first and ends on a date (1); history reads as text
with its changes marked in words (2); a second contribution for a year is refused, not
overwritten (3); "as it stood on" before tracking began says what the record's own dates show
(4); the meeting page comes in sections and words its quorum (5); every error links to its field
and shows beside it (6); the register's table scrolls in its own region and its filters fold on
a phone (7); choices are what is current (8); the sign page shows what is signed and asks for
the authority, and printing is the content (9); buttons and empty choices use the domain's words
(10)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.models import Agreement, AgreementParty
from committees.models import Committee
from finance.models import Budget, Contribution
from tests.browser.static import serve_static_from_memory
from tests.committees.factories import MeetingFactory
from tests.date_input import fill_date

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = {
    "laptop": ({"width": 1280, "height": 800}, True),
    "laptop-without-javascript": ({"width": 1280, "height": 800}, False),
    "phone": ({"width": 375, "height": 800}, True),
    "phone-without-javascript": ({"width": 375, "height": 800}, False),
}


class Person:
    """One demo login in its own browser context on one screen. Each page it reaches is checked
    as it arrives: it fits the screen and, where script runs, axe finds nothing."""

    def __init__(self, browser, base_url, username, *, viewport, javascript, axe):
        self.context = browser.new_context(viewport=viewport, java_script_enabled=javascript)
        self.context.set_default_timeout(10_000)
        serve_static_from_memory(self.context)
        self.page = self.context.new_page()
        self.base_url = base_url
        self.width = viewport["width"]
        self.axe = axe if javascript else None
        self.page.goto(f"{base_url}/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", "concordat-demo")
        self.page.click("main button[type=submit]")

    def open(self, path):
        response = self.page.goto(f"{self.base_url}{path}")
        assert response.status == 200, path
        return self.checked()

    def click(self, selector):
        self.page.click(selector)
        return self.checked()

    def checked(self):
        """The page's main text, once its stylesheet has loaded and it has been checked."""
        self.page.wait_for_load_state("load")
        where = self.page.url
        assert self.page.evaluate("document.documentElement.scrollWidth") <= self.width, where
        if self.axe is not None:
            assert self.axe(self.page) == [], where
        return self.page.locator("main").inner_text()

    def errors(self):
        """The error summary's messages, each checked to link to a field that shows it beside it."""
        summary = self.page.locator(".govuk-error-summary")
        messages = []
        for link in summary.locator("a").all():
            target = link.get_attribute("href")
            assert re.fullmatch(r"#id_[\w-]+", target), target
            field = self.page.locator(target)
            assert field.count() == 1, target
            group = field.locator("xpath=ancestor::div[contains(@class,'govuk-form-group--error')][1]")
            assert link.inner_text() in group.locator(".govuk-error-message").inner_text(), target
            messages.append(link.inner_text())
        return messages


@pytest.fixture(params=SCREENS)
def screen(request):
    viewport, javascript = SCREENS[request.param]
    return {"viewport": viewport, "javascript": javascript}


@pytest.fixture
def person(browser, live_server, screen, axe):
    people = []

    def sign_in(username):
        people.append(Person(browser, live_server.url, username, axe=axe, **screen))
        return people[-1]

    yield sign_in
    for someone in people:
        someone.context.close()


def test_an_officer_adds_an_agreement_reads_its_history_and_ends_another(person, demo, screen):
    officer = person("banes-council-officer")
    phone = screen["viewport"]["width"] == 375

    # (7) The register: its table scrolls in a region of its own, overdue reviews are marked,
    # and the filters fold away (on a laptop, script opens them beside the results).
    officer.open(reverse("agreements:list", kwargs={"partnership": "banes"}))
    register = officer.page.get_by_role("region", name="Agreements")
    assert "Overdue" in register.locator("tr", has_text="BANES-JWF-2012").inner_text()
    filters_open = officer.page.locator("details.app-list__filters").evaluate("details => details.open")
    assert filters_open is (screen["javascript"] and not phone)

    # (8, 10) Adding one offers only today's bodies, in words; (6) its errors link to their fields.
    main = officer.open(reverse("agreements:add", kwargs={"partnership": "banes"}))
    assert "Integrated Care Board" in main and "Clinical Commissioning Group" not in main
    assert officer.page.locator("#id_host_body option").first.inner_text() == "Select a body"
    officer.click("main button[type=submit]")
    errors = officer.errors()
    for error in ("Select the parties", "Enter the reference", "Enter the title", "Select the kind"):
        assert error in errors, errors

    officer.page.fill("#id_reference", "BANES-TRIAL-1")
    officer.page.fill("#id_title", "Trial pooled fund")
    officer.page.select_option("#id_kind", "s75_pooled_fund")
    for body in ("Bath and North East Somerset Council", "Integrated Care Board"):
        officer.page.locator("#id_parties label", has_text=body).click()
    fill_date(officer.page, "#id_start_date", "2026-04-01")
    officer.page.fill("#id_aims_and_outcomes", "Pooled by the Council and B&NES CCG.")
    officer.click("main button[type=submit]")
    agreement = Agreement.objects.get(reference="BANES-TRIAL-1")

    # (2) The edit box shows the text as typed; the history marks the change in words.
    officer.open(reverse("agreements:edit", kwargs={"partnership": "banes", "pk": agreement.pk}))
    aims = officer.page.locator("#id_aims_and_outcomes")
    assert aims.input_value() == "Pooled by the Council and B&NES CCG."
    aims.fill("Pooled by the Council and the BSW ICB.")
    officer.page.fill("#id_change_reason", "The CCG became the ICB")
    officer.click("main button[type=submit]")
    officer.open(reverse("agreements:history", kwargs={"partnership": "banes", "pk": agreement.pk}))
    change = officer.page.locator("table.app-history-table tbody tr").first
    assert change.locator("del").first.text_content() == "removed: B&NES CCG."
    assert change.locator("ins").first.text_content() == "added: the BSW ICB."
    assert "<p>" not in change.inner_text()

    # (4) As it stood before tracking began: what the record's own dates say, marked as such.
    jwf = Agreement.objects.get(reference="BANES-JWF-2012")
    officer.open(reverse("agreements:history", kwargs={"partnership": "banes", "pk": jwf.pk}))
    officer.page.get_by_role("link", name="See this agreement as it stood on an earlier date").click()
    officer.checked()
    fill_date(officer.page, "#id_date", "2019-03-31")
    main = officer.click("main button:has-text('Show')")
    assert "From the record's own dates, not from its history" in main and "did not exist" not in main

    # Its page says who changed it last, linking to its history; (9) printed, it is its content,
    # not the navigation and buttons.
    officer.open(jwf.get_absolute_url())
    last_changed = officer.page.locator(".app-last-changed")
    assert (
        last_changed.get_by_role("link", name="see all changes").get_attribute("href").endswith("/history/")
    )
    officer.page.emulate_media(media="print")
    assert officer.page.locator(".govuk-header").is_hidden()
    assert officer.page.get_by_role("link", name="Download PDF").is_hidden()
    assert officer.page.get_by_role("region", name="Parties and sign-off").is_visible()
    officer.page.emulate_media(media="screen")

    # (1) Ending it asks first, with the notice and a reason, and ends on a date, not now.
    main = officer.click("main a:has-text('Terminate')")
    assert "Terminate this agreement?" in main and "The notice period" in main
    officer.click("button:has-text('Yes, terminate the agreement')")
    assert "Enter the reason for ending the agreement" in officer.errors()
    today = timezone.localdate()
    fill_date(officer.page, "#id_notice_given_on", today)
    fill_date(officer.page, "#id_ends_on", today + datetime.timedelta(days=120))
    officer.page.fill("#id_change_reason", "The framework is replaced by the ICB's")
    officer.click("button:has-text('Yes, terminate the agreement')")
    assert "Terminating on" in officer.page.locator("#pending-ending").inner_text()
    assert "In force" in officer.page.locator("#agreement-status").inner_text()

    # Search finds what the officer may see, its matches marked.
    officer.open("/search/?q=pooled")
    assert officer.page.locator("main mark").count() > 0

    # (8) A report is placed at a meeting still to come; an earlier one is found by a search.
    officer.open(reverse("committees:report_add", kwargs={"partnership": "banes"}))
    assert "2018" not in officer.page.locator("#id_meeting").inner_text()
    officer.page.fill("#id_meetings", "2018")
    officer.click("button:has-text('Search meetings')")
    assert "14 Jun" in officer.page.locator("#id_meeting").inner_text()


def test_a_finance_officer_cannot_overwrite_a_contribution(person, demo):
    finance = person("banes-council-finance")
    budget = Budget.objects.get(name="Better Care Fund pooled budget")

    # (10) The budget list's button says what it adds.
    main = finance.open(reverse("finance:budget_list", kwargs={"partnership": "banes"}))
    assert "Add a budget" in main and "Add new" not in main

    # (3) ?year= fills in the year; a second contribution for it is refused, naming the first.
    finance.open(budget.get_absolute_url() + "?year=2018")
    finance.page.get_by_role("link", name="Enter your body's contribution").click()
    finance.checked()
    assert finance.page.locator("#id_year").input_value() == "2018/19"
    finance.page.fill("#id_amount", "£4,700,000.00")
    main = finance.click("main button:has-text('Save')")
    assert "already has a contribution of £4,600,000.00 for 2018/19" in main
    contribution = Contribution.objects.get(budget=budget, year=2018, organisation__name__endswith="Council")
    assert contribution.amount == 4600000


def test_a_secretary_reads_a_meeting_in_sections_and_is_told_of_one_not_recorded(person, demo):
    board = Committee.objects.get(partnership__slug="banes", name="Integrated Health and Care Board")
    worked = board.meetings.order_by("starts_at").first()
    MeetingFactory(committee=board, starts_at=timezone.now() - datetime.timedelta(days=3))
    secretary = person("banes-council-secretary")

    # (5) A past meeting never marked held or cancelled is the secretary's to record.
    main = secretary.open("/")
    assert "Record whether it was held or cancelled" in main

    # (5) The meeting page in sections; a meeting whose minutes are approved offers no changes.
    secretary.open(worked.get_absolute_url())
    sections = secretary.page.locator("nav.app-sub-navigation").inner_text()
    for section in ("Summary", "Agenda", "Attendance and quorum", "Minutes and decisions", "Papers"):
        assert section in sections
    main = secretary.open(worked.agenda_url)
    assert "Move up" not in main and "Remove item" not in main
    # (9) Printed, the meeting's agenda is its content, not the menus and sub-navigation.
    secretary.page.emulate_media(media="print")
    assert secretary.page.locator("nav.app-sub-navigation").is_hidden()
    assert secretary.page.locator(".govuk-header").is_hidden()
    assert secretary.page.get_by_text("Welcome, apologies and declarations of interest").is_visible()
    secretary.page.emulate_media(media="screen")
    main = secretary.open(worked.attendance_url)
    assert re.search(r"Quorate: \d+ present, \d+ needed", main)
    secretary.open(worked.minutes_url)
    secretary.open(worked.papers_url)


def test_a_signatory_sees_what_they_sign_and_is_asked_for_their_authority(person, demo):
    party = AgreementParty.objects.get(
        agreement__reference="WORCS-CONCORDAT-2008", organisation__name="Worcestershire County Council"
    )
    signatory = person("worcs-council-signatory")

    # (9) The sign page shows the agreement and asks the signatory to confirm their authority.
    main = signatory.open(
        reverse(
            "agreements:sign",
            kwargs={"partnership": "worcestershire", "pk": party.agreement_id, "party": party.pk},
        )
    )
    assert party.agreement.title in main and "I confirm I am authorised to sign" in main

    # (6) Each error links to its field, shows beside it and is worded as GOV.UK advises.
    signatory.click("main button[type=submit]")
    errors = signatory.errors()
    assert any(error.startswith("Confirm that you are authorised to sign") for error in errors), errors
