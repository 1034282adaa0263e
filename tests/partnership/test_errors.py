"""Errors as the GOV.UK Design System shows them: each in the summary, linking to its field's
first input, and beside the field, in GOV.UK's words; dates typed as Day, Month and Year."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from agreements.choices import AgreementStatus
from agreements.forms import PartyForm, SignForm
from committees.forms import DecisionForm
from partnership.choices import Role
from partnership.generic import ObjectEditView
from tests.agreements.factories import agreement_between
from tests.committees.factories import CommitteeFactory, MeetingFactory
from tests.date_input import fill_date
from tests.url_catalogue import build_records, catalogue

pytestmark = pytest.mark.django_db

#: Django's own words, which no page should show.
DJANGO_WORDS = ("This field is required", "Enter a valid", "Ensure this value", "Select a valid choice")


def summary_links(page):
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.S)
    assert summary, "no error summary"
    return re.findall(r'<a href="#([^"]*)">([^<]*)</a>', summary.group(0))


def parts(day, month, year):
    return {"signed_on-day": day, "signed_on-month": month, "signed_on-year": year}


def sign(data):
    form = SignForm({"signatory_name": "Pat", "relied_on": "Cabinet", "authorised": "on", **data})
    form.is_valid()
    return form


def test_every_edit_form_sent_empty_links_each_error_to_its_field_in_gov_uk_words(settings, tmp_path):
    """Every add and edit form, sent empty by a site administrator: each error in the summary
    links to an element of the page (a text box, a list, a list of boxes' first option, a
    date's Day box, or the form's own errors), is shown beside it too, and none is Django's."""
    settings.MEDIA_ROOT = tmp_path
    records = build_records()
    client = Client()
    client.force_login(records.superuser)
    kinds, pages = set(), 0
    for route in catalogue():
        view_class = route.view_class
        if route.is_admin or not (view_class and issubclass(view_class, ObjectEditView)):
            continue
        response = client.post(route.url(records), {})
        if response.status_code != 200:
            continue  # refused before the form (a record that may no longer change)
        page = response.content.decode()
        pages += 1
        for word in DJANGO_WORDS:
            assert word not in page, (route.name, word)
        for anchor, text in summary_links(page):
            assert anchor, (route.name, text)
            assert page.count(f'id="{anchor}"') == 1, (route.name, anchor)
            beside = re.search(rf'class="govuk-error-message">.*?{re.escape(text.strip())}', page, re.S)
            assert beside, (route.name, text)
            kind = anchor.rsplit("-", 1)[-1] if "-" in anchor else "box"
            kinds.add("first option" if anchor.endswith("_0") else kind)
    assert pages >= 20
    assert {"day", "first option", "box", "errors"} <= kinds, kinds


@pytest.mark.parametrize(
    "data, expected",
    [
        (
            parts("27", "3", "2007"),
            datetime.date(2007, 3, 27),
        ),
        (
            parts(" 01 ", "Jan", "2020"),
            datetime.date(2020, 1, 1),
        ),
        ({"signed_on": "2020-01-01"}, datetime.date(2020, 1, 1)),
        (
            parts("29", "2", "2028"),
            datetime.date(2028, 2, 29),
        ),
    ],
)
def test_a_date_is_read_from_its_parts_or_one_iso_date(data, expected):
    form = sign(data)
    assert form.errors == {}
    assert form.cleaned_data["signed_on"] == expected


@pytest.mark.parametrize(
    "parts, message, wrong",
    [
        (("", "", ""), "Enter the date of signing", ("day",)),
        (("27", "", "2007"), "The date of signing must include a month", ("month",)),
        (("", "", "2007"), "The date of signing must include a day and month", ("day", "month")),
        (("29", "2", "2027"), "The date of signing must be a real date", ("day",)),
        (("27", "13", "2007"), "The date of signing must be a real date", ("month",)),
        (("27", "3", "07"), "The date of signing must be a real date", ("year",)),
        (("x", "3", "2007"), "The date of signing must be a real date", ("day",)),
    ],
)
def test_a_wrong_date_says_what_is_wrong_and_marks_only_that_part(parts, message, wrong):
    form = sign(dict(zip(("signed_on-day", "signed_on-month", "signed_on-year"), parts, strict=True)))
    assert form.errors["signed_on"] == [message]
    html = str(form)
    inputs = re.findall(r"<input [^>]*>", html)
    marked = {
        re.search(r'id="id_signed_on-(\w+)"', tag).group(1)
        for tag in inputs
        if 'id="id_signed_on-' in tag and "govuk-input--error" in tag
    }
    assert marked == ({"day", "month", "year"} if parts == ("", "", "") else set(wrong))
    assert form["signed_on"].error_anchor == f"id_signed_on-{wrong[0]}"
    assert 'aria-describedby="id_signed_on-hint id_signed_on-error"' in html
    assert "For example, 27 3 2007" in html


def test_gov_uk_words_for_choices_numbers_and_lengths(world):
    party_form = PartyForm({}, agreement=agreement_between(world.ours, world.bodies["council"]))
    assert party_form.errors["organisation"] == ["Select the body"]
    assert sign({"signatory_name": "x" * 201}).errors["signatory_name"] == [
        "Name of the person signing must be 200 characters or fewer"
    ]
    meeting = MeetingFactory(committee=CommitteeFactory(partnership=world.ours))
    decision = DecisionForm({"amount": "six hundred", "matter": "nonsense"}, meeting=meeting)
    assert decision.errors["amount"] == ["Enter an amount in pounds and pence, like 600 or 600.50"]
    assert decision.errors["matter"] == ["Select the matter from the list"]
    assert decision.errors["resolution"] == ["Enter the resolution"]
    assert decision.errors["decided_on"] == ["Enter the date decided on"]
    assert decision.errors["organisations"] == ["Select the bodies the decision is for"]


def test_a_message_a_form_sets_itself_is_kept(world):
    form = sign({"authorised": ""})
    assert form.errors["authorised"][0].startswith("Confirm that you are authorised")


def test_a_refusal_about_the_signing_date_is_shown_beside_the_date(client, world):
    agreement = agreement_between(
        world.ours, world.bodies["council"], world.bodies["nhs"], status=AgreementStatus.AWAITING_SIGNATURE
    )
    party = agreement.parties.get(organisation=world.bodies["council"])
    client.force_login(world.user("council", Role.SIGNATORY))
    url = reverse("agreements:sign", kwargs={"partnership": "ours", "pk": agreement.pk, "party": party.pk})
    response = client.post(
        url,
        {
            "signatory_name": "Pat Signer",
            "relied_on": "Cabinet",
            "authorised": "on",
            "signed_on-day": "1",
            "signed_on-month": "1",
            "signed_on-year": "2030",
        },
    )
    assert response.status_code == 200
    assert "cannot be in the future" in " ".join(response.context["form"].errors["signed_on"])
    assert ("id_signed_on-day", "The date of signing cannot be in the future.") in summary_links(
        response.content.decode()
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_form_with_errors_in_a_browser(live_server, browser, axe, world, javascript):
    """The agreement form sent with its parties unchosen and a wrong start date: the summary's
    links lead to the first party box and the date's month, each error is beside its field,
    and axe finds nothing wrong."""
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", world.user("council", Role.OFFICER).username)
    page.fill("#id_password", "password")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}{reverse('agreements:add', kwargs={'partnership': 'ours'})}")
    fill_date(page, "#id_start_date", "2027-01-01")
    page.fill("#id_start_date-month", "13")
    page.get_by_role("button", name="Save").click()
    links = page.locator(".govuk-error-summary a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert "#id_parties_0" in hrefs and "#id_start_date-month" in hrefs
    assert "The start date must be a real date" in page.locator("#id_start_date-error").inner_text()
    assert "govuk-input--error" in page.locator("#id_start_date-month").get_attribute("class")
    assert "govuk-input--error" not in page.locator("#id_start_date-day").get_attribute("class")
    if javascript:
        assert axe(page) == []
        page.locator('.govuk-error-summary a[href="#id_start_date-month"]').click()
        assert page.evaluate("document.activeElement.id") == "id_start_date-month"
    context.close()
