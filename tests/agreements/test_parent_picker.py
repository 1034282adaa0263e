"""The parent agreement is picked by typing its reference, with suggestions, not from a select
of every agreement: the edit form stays the same size however many agreements there are."""

import json

import pytest
from django.urls import reverse

from agreements.models import Agreement
from partnership.choices import Role
from tests.agreements.conftest import between_council_and_nhs
from tests.agreements.factories import bulk_agreements


def many_agreements(world, count, start=0):
    bulk_agreements(world.ours, count, start=start)


def edit_url(agreement):
    return reverse("agreements:edit", kwargs={"partnership": agreement.partnership.slug, "pk": agreement.pk})


def choices(client, world, query, **extra):
    url = reverse("agreements:choices", kwargs={"partnership": world.ours.slug})
    response = client.get(url, {"q": query, **extra})
    assert response.status_code == 200
    return json.loads(response.content)["results"]


@pytest.mark.django_db
def test_the_edit_form_is_the_same_size_with_6_or_300_agreements(
    client, world, agreement, django_assert_max_num_queries
):
    client.force_login(world.user("council", Role.OFFICER))
    many_agreements(world, 5)
    small = client.get(edit_url(agreement))
    many_agreements(world, 295, start=5)
    with django_assert_max_num_queries(30):
        large = client.get(edit_url(agreement))
    assert len(large.content) == len(small.content)
    assert "BULK-0001" not in large.content.decode()
    assert 'data-app-autocomplete="/p/ours/agreements/choices/?exclude=' in large.content.decode()


@pytest.mark.django_db
def test_suggestions_match_reference_or_title_and_stay_in_the_partnership(client, world, agreement):
    many_agreements(world, 30)
    between_council_and_nhs(world, reference="OURS-BCF", title="Better Care Fund")
    client.force_login(world.user("council", Role.OFFICER))
    assert choices(client, world, "bcf") == ["OURS-BCF — Better Care Fund"]
    assert choices(client, world, "better care") == ["OURS-BCF — Better Care Fund"]
    assert len(choices(client, world, "BULK")) == 20  # at most a short list
    assert choices(client, world, "OURS-S256", exclude=agreement.pk) == []  # not its own parent
    assert choices(client, world, "") == []
    # Another partnership's agreements are never suggested, nor its address answered.
    client.force_login(world.user("other", Role.OFFICER))
    url = reverse("agreements:choices", kwargs={"partnership": world.ours.slug})
    assert client.get(url, {"q": "BCF"}).status_code == 404


@pytest.mark.django_db
def test_the_parent_is_saved_from_a_typed_reference_or_a_picked_suggestion(client, world, agreement):
    parent = between_council_and_nhs(world, reference="OURS-BCF", title="Better Care Fund")
    client.force_login(world.user("council", Role.OFFICER))
    form = client.get(edit_url(agreement)).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {
        k: ("" if v is None else v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()
    }
    data["host_body"] = data["governing_committee"] = ""
    for typed in ("ours-bcf", "OURS-BCF — Better Care Fund"):
        Agreement.objects.filter(pk=agreement.pk).update(parent=None)
        agreement.refresh_from_db()
        data["loaded_version"] = client.get(edit_url(agreement)).context["form"]["loaded_version"].value()
        response = client.post(edit_url(agreement), {**data, "parent": typed})
        assert response.status_code == 302, response.context["form"].errors
        agreement.refresh_from_db()
        assert agreement.parent == parent
    # The form shows the parent as it was picked.
    assert 'value="OURS-BCF — Better Care Fund"' in client.get(edit_url(agreement)).content.decode()

    for typed in (
        "NO-SUCH-REF",
        str(parent.pk),  # a number typed is a reference, never taken for an agreement's id
        "9" * 20,
        "²",
        "١٢٣٤٥٦٧٨٩",
    ):
        response = client.post(edit_url(agreement), {**data, "parent": typed})
        assert response.status_code == 200, typed
        errors = response.context["form"].errors["parent"]
        assert errors == [
            f"No agreement here has the reference “{typed}”: type a reference as it is shown on the "
            "agreement, or pick one from the suggestions"
        ]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_officer_picks_the_parent_from_suggestions_in_a_browser(
    live_server, page, login, axe, world, agreement
):
    between_council_and_nhs(world, reference="OURS-BCF", title="Better Care Fund")
    many_agreements(world, 40)
    login(world.user("council", Role.OFFICER).username)
    page.goto(live_server.url + edit_url(agreement))
    page.wait_for_load_state("load")
    box = page.locator("#id_parent")
    box.fill("better")
    option = page.get_by_role("option", name="OURS-BCF — Better Care Fund")
    option.wait_for()
    assert axe(page) == []
    option.click()
    assert box.input_value() == "OURS-BCF — Better Care Fund"
    page.fill("#id_change_reason", "Sits under the BCF")
    page.get_by_role("button", name="Save").click()
    assert "saved" in page.locator(".govuk-notification-banner").inner_text()
    agreement.refresh_from_db()
    assert agreement.parent.reference == "OURS-BCF"
