"""A create form sent twice (a double click, a resent request, two tabs) adds one
record: the second send is shown the first's record. Every create page built on
the generic edit view carries the one-time token."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from committees.models import Report
from partnership.choices import Role
from partnership.models import FormSubmission
from tests.races import race, two_bodies

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pair():
    return two_bodies()


def officer(pair):
    return pair.user("council", Role.OFFICER)


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def new_report_form(client, pair):
    """The "new report" page's fields as a browser would send them."""
    url = reverse("committees:report_add", kwargs={"partnership": pair.partnership.slug})
    page = client.get(url).content.decode()
    token = re.search(r'name="submission_token" value="([0-9a-f]{32})"', page)
    assert token, "the new report form carries no one-time token"
    return url, {
        "organisation": pair.bodies["council"].pk,
        "title": "Better Care Fund plan 2019/20",
        "issue": "The plan for the year.",
        "submission_token": token.group(1),
    }


def test_a_report_form_sent_twice_adds_one_report_and_shows_it_the_second_time(pair):
    client = signed_in(officer(pair))
    url, data = new_report_form(client, pair)

    first = client.post(url, data)
    second = client.post(url, data, follow=True)

    report = Report.objects.get(title="Better Care Fund plan 2019/20")
    assert first.status_code == 302 and first.url == report.get_absolute_url()
    assert second.redirect_chain[-1][0] == report.get_absolute_url()
    assert "This form was already sent: the report “Better Care Fund plan 2019/20” was added once" in (
        second.content.decode()
    )
    assert Report.objects.filter(title="Better Care Fund plan 2019/20").count() == 1
    assert FormSubmission.objects.get(token=data["submission_token"]).object_id == str(report.pk)


def test_a_form_that_failed_validation_can_be_corrected_and_sent_with_its_token(pair):
    client = signed_in(officer(pair))
    url, data = new_report_form(client, pair)

    refused = client.post(url, data | {"title": ""})
    sent = client.post(url, data)

    assert refused.status_code == 200 and 'id="id_title-error"' in refused.content.decode()
    assert sent.status_code == 302
    assert Report.objects.filter(title="Better Care Fund plan 2019/20").count() == 1


def test_two_new_forms_add_two_reports(pair):
    client = signed_in(officer(pair))
    for _ in range(2):
        url, data = new_report_form(client, pair)
        assert client.post(url, data).status_code == 302
    assert Report.objects.filter(title="Better Care Fund plan 2019/20").count() == 2


def test_the_same_form_sent_twice_at_once_adds_one_report_and_the_second_is_shown_it(pair):
    client = signed_in(officer(pair))
    url, data = new_report_form(client, pair)
    other_tab = signed_in(officer(pair))

    first, second = race(lambda: client.post(url, data), lambda: other_tab.post(url, data))

    report = Report.objects.get(title="Better Care Fund plan 2019/20")
    assert not first.refused and first.result.status_code == 302
    assert not second.refused and second.result.status_code == 302
    assert first.result.url == second.result.url == report.get_absolute_url()
