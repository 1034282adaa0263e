"""The staffing pages in a real browser: add a post with shares, then read its recharges."""

import pytest

from partnership.choices import Role
from staffing.models import Post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_adds_a_shared_post_and_reads_the_net_position(world, live_server, page, login, axe):
    council, nhs = world.bodies["council"], world.bodies["nhs"]
    login(world.user("council", Role.OFFICER).username)

    page.goto(f"{live_server.url}/p/ours/staffing/")
    assert axe(page) == []
    page.click("text=Add a post")
    page.fill("#id_title", "Joint Commissioning Unit Manager")
    page.select_option("#id_employer", str(council.pk))
    page.fill("#id_annual_cost", "65000")
    page.fill(f"#id_share_{council.pk}", "50")
    page.fill(f"#id_share_{nhs.pk}", "40")
    page.click("main button[type=submit]")
    assert page.locator(".govuk-error-summary").inner_text().count("these add up to 90.00%") == 1
    assert axe(page) == []

    page.fill(f"#id_share_{nhs.pk}", "50")
    page.click("main button[type=submit]")
    assert page.locator("h1").inner_text().startswith("Joint Commissioning Unit Manager")
    assert "£32,500.00" in page.locator("main").inner_text()
    assert axe(page) == []
    assert Post.objects.get().shares.count() == 2

    page.goto(f"{live_server.url}/p/ours/staffing/recharges/")
    assert "Our ICB pays Our Council" not in page.content()  # bodies are shown by short name
    assert "ICB pays Council £32,500.00" in page.locator("main").inner_text()
    assert axe(page) == []
