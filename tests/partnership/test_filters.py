"""Register filters offer today's bodies first, and name an abolished body with its end."""

import datetime

import pytest
from django.urls import reverse

from partnership.choices import OrganisationKind, Role
from tests.factories import OrganisationFactory, PartnerFactory

pytestmark = pytest.mark.django_db


def test_an_abolished_body_comes_after_today_s_bodies_with_its_last_day(client, world):
    pct = OrganisationFactory(
        name="Aardvark PCT", kind=OrganisationKind.PCT, active_to=datetime.date(2013, 3, 31)
    )
    PartnerFactory(partnership=world.ours, organisation=pct, left=datetime.date(2013, 3, 31))
    client.force_login(world.user("council", Role.OFFICER))
    page = client.get(reverse("committees:delegation_list", kwargs={"partnership": "ours"})).content.decode()
    options = page[page.index('name="from_organisation"') :]
    options = options[: options.index("</select>")]
    assert options.index("Our Council") < options.index("Our ICB") < options.index("Aardvark PCT")
    assert "Aardvark PCT (until 31 March 2013)" in options
    assert "Our Council (until" not in options
