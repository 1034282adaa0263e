"""Selects and buttons in the domain's words and GOV.UK's, not Django's defaults."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from partnership.choices import Role
from partnership.generic import ObjectEditView, ObjectListView
from tests.url_catalogue import build_records, catalogue

pytestmark = pytest.mark.django_db

#: An empty choice as the forms and filters word it.
WORDED = r"(Select an? |Any )[a-z][\w ]+|Any|Either|Not recorded"


def test_no_form_or_filter_offers_django_s_blank_choice(settings, tmp_path):
    """Every add and edit form and every list (with its filters), as a site administrator:
    the empty choice of a select names what to choose ("Select a body") or, in a filter,
    that any will do ("Any status")."""
    settings.MEDIA_ROOT = tmp_path
    records = build_records()
    client = Client()
    client.force_login(records.superuser)
    pages, blanks = 0, {}
    for route in catalogue():
        view_class = route.view_class
        if route.is_admin or not (view_class and issubclass(view_class, ObjectEditView | ObjectListView)):
            continue
        page = client.get(route.url(records)).content.decode()
        pages += 1
        if "---------" in page:
            blanks[route.name] = re.findall(r'<option value=""[^>]*>([^<]*)</option>', page)
        for label in re.findall(r'<option value=""[^>]*>([^<]*)</option>', page):
            assert re.fullmatch(WORDED, label.strip()), (route.name, label)
    assert pages >= 20
    assert not blanks, blanks


def test_a_delegation_names_the_body_to_choose(client, world):
    client.force_login(world.user("council", Role.ADMINISTRATOR))
    page = client.get(reverse("committees:delegation_add", kwargs={"partnership": "ours"})).content.decode()
    assert re.search(r'<option value=""[^>]*>\s*Select a body\s*</option>', page)


def test_a_filter_offers_any_status(client, world):
    client.force_login(world.user("council", Role.FINANCE_OFFICER))
    page = client.get(reverse("finance:transfer_list", kwargs={"partnership": "ours"})).content.decode()
    assert re.search(r'<option value=""[^>]*>\s*Any status\s*</option>', page)


def test_the_budget_list_s_button_says_what_it_adds(client, world):
    client.force_login(world.user("council", Role.FINANCE_OFFICER))
    page = client.get(reverse("finance:budget_list", kwargs={"partnership": "ours"})).content.decode()
    assert ">Add a budget</a>" in page
    assert "Add new" not in page
