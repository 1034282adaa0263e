"""Every staffing page, role by role: employer body, partner body, outside (404)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from partnership.choices import Role
from staffing.models import Post, PostShare
from tests.matrix import check_everyone
from tests.staffing.factories import shared_post

pytestmark = pytest.mark.django_db

READ_VIEWS = ["list", "detail", "history", "recharges"]


def url(name, post):
    kwargs = {"partnership": post.partnership.slug}
    if name in ("detail", "history", "edit", "delete"):
        kwargs["pk"] = post.pk
    return reverse(f"staffing:{name}", kwargs=kwargs)


def expected(view, body, role):
    """The status each page answers: the post belongs to 'council'; 'nhs' is its partner."""
    if body in ("other", "other_nhs"):
        return 404
    if view in READ_VIEWS:
        return 200
    if view == "create":
        return 200 if role == Role.OFFICER else 403
    # edit, delete: only the employer's officers.
    return 200 if (body == "council" and role == Role.OFFICER) else 403


@pytest.mark.parametrize("view", [*READ_VIEWS, "create", "edit", "delete"])
def test_permission_matrix(client, world, joint_post, view):
    def check(body, role):
        assert client.get(url(view, joint_post)).status_code == expected(view, body, role)

    check_everyone(client, world, check)


@pytest.mark.parametrize("view", [*READ_VIEWS, "create", "edit", "delete"])
def test_anonymous_people_are_sent_to_sign_in(client, joint_post, view):
    response = client.get(url(view, joint_post))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("view", [*READ_VIEWS, "create", "edit", "delete"])
def test_site_administrator_may_open_every_page(client, superuser, joint_post, view):
    client.force_login(superuser)
    assert client.get(url(view, joint_post)).status_code == 200


def form_data(world, **overrides):
    data = {
        "title": "Deputy Director, Joint Commissioning",
        "employer": world.bodies["council"].pk,
        "employer_designation": "open",
        "fte": "1.00",
        "annual_cost": "95000.00",
        f"share_{world.bodies['council'].pk}": "50",
        f"share_{world.bodies['nhs'].pk}": "50",
        "change_reason": "New joint post",
    }
    data.update(overrides)
    return data


def test_officer_creates_a_post_with_shares(client, world):
    officer = world.user("council", Role.OFFICER)
    client.force_login(officer)
    response = client.post(reverse("staffing:create", kwargs={"partnership": "ours"}), form_data(world))
    post = Post.objects.get()
    assert response.status_code == 302
    assert response.url == post.get_absolute_url()
    assert post.employer == world.bodies["council"]
    assert sorted(post.shares.values_list("share_percent", flat=True)) == [Decimal("50.00")] * 2
    assert post.history.get().history_user == officer
    # The employer's officers now hold the post; the partner's do not.
    client.force_login(world.user("nhs", Role.OFFICER))
    assert client.get(url("edit", post)).status_code == 403


def test_shares_not_adding_to_100_are_refused_on_the_form(client, world):
    client.force_login(world.user("council", Role.OFFICER))
    response = client.post(
        reverse("staffing:create", kwargs={"partnership": "ours"}),
        form_data(world, **{f"share_{world.bodies['nhs'].pk}": "40"}),
    )
    assert response.status_code == 200
    assert "must add up to exactly 100%" in response.content.decode()
    assert "these add up to 90.00%" in response.content.decode()
    assert not Post.objects.exists()


def test_an_officer_cannot_create_a_post_for_another_body(client, world):
    client.force_login(world.user("nhs", Role.OFFICER))
    response = client.post(reverse("staffing:create", kwargs={"partnership": "ours"}), form_data(world))
    assert response.status_code == 200
    assert "Select the employer from the list" in response.content.decode()
    assert not Post.objects.exists()


def test_a_partner_officer_cannot_post_an_edit(client, world, joint_post):
    client.force_login(world.user("nhs", Role.OFFICER))
    response = client.post(url("edit", joint_post), form_data(world, title="Taken over"))
    assert response.status_code == 403
    joint_post.refresh_from_db()
    assert joint_post.title == "Joint Director of Commissioning"


def test_employer_officer_edits_shares_and_cannot_move_the_employer(client, world, joint_post):
    client.force_login(world.user("council", Role.OFFICER))
    data = form_data(
        world,
        title=joint_post.title,
        employer=world.bodies["nhs"].pk,  # disabled on edit: ignored
        annual_cost="100000.00",
        **{f"share_{world.bodies['council'].pk}": "75", f"share_{world.bodies['nhs'].pk}": "25"},
    )
    data["loaded_version"] = joint_post.updated_at.isoformat()
    response = client.post(url("edit", joint_post), data)
    assert response.status_code == 302
    joint_post.refresh_from_db()
    assert joint_post.employer == world.bodies["council"]
    shares = dict(
        PostShare.objects.filter(post=joint_post).values_list("organisation__short_name", "share_percent")
    )
    assert shares == {"Council": Decimal("75.00"), "ICB": Decimal("25.00")}


def test_employer_officer_deletes_a_post(client, world, joint_post):
    client.force_login(world.user("council", Role.OFFICER))
    response = client.post(url("delete", joint_post), {"change_reason": "Post deleted"})
    assert response.status_code == 302
    assert not Post.objects.exists()
    assert not PostShare.objects.exists()


def test_detail_shows_the_recharge_breakdown(client, world, joint_post):
    client.force_login(world.user("nhs", Role.FINANCE_OFFICER))
    response = client.get(url("detail", joint_post) + "?year=2025")
    body = response.content.decode()
    assert "£40,000.00" in body  # the ICB's 40% of £100,000
    assert "Recharge to Council" in body
    assert "2025/26" in body


def test_recharges_page_shows_the_net_position(client, world, joint_post):
    council, nhs = world.bodies["council"], world.bodies["nhs"]
    shared_post(world.ours, nhs, {council: "50", nhs: "50"}, annual_cost="50000.00")
    client.force_login(world.user("council", Role.AUDITOR))
    response = client.get(reverse("staffing:recharges", kwargs={"partnership": "ours"}) + "?year=2025")
    body = response.content.decode()
    # ICB owes the council £40,000.00; the council owes the ICB £25,000.00.
    assert "ICB pays Council £15,000.00" in body
    assert "£65,000.00" in body  # total recharged


def test_history_tab_lists_share_changes(client, world, joint_post):
    client.force_login(world.user("council", Role.AUDITOR))
    response = client.get(url("history", joint_post))
    assert response.status_code == 200
    assert "Created</strong> post share" in response.content.decode()


def test_list_filters_and_exports(client, world, joint_post):
    shared_post(world.ours, world.bodies["nhs"], {world.bodies["nhs"]: "100"}, title="NHS only post")
    client.force_login(world.user("council", Role.OFFICER))
    list_url = reverse("staffing:list", kwargs={"partnership": "ours"})
    response = client.get(list_url, {"employer": world.bodies["nhs"].pk})
    body = response.content.decode()
    assert "NHS only post" in body
    assert "Joint Director of Commissioning" not in body

    export = client.get(list_url, {"export": "csv"})
    assert export["Content-Type"].startswith("text/csv")
    text = export.getvalue().decode()
    assert "Joint Director of Commissioning" in text
    assert "Council 60.00%; ICB 40.00%" in text
    xlsx = client.get(list_url, {"export": "xlsx"})
    assert xlsx.status_code == 200
    assert xlsx.getvalue()[:2] == b"PK"


def test_attention_lists_vacant_posts_of_the_users_body(world, joint_post):
    from partnership.apps import attention_items

    joint_post.vacant = True
    joint_post.save()
    council_items = [i["text"] for i in attention_items(world.user("council", Role.OFFICER))]
    assert any("Vacant post: Joint Director of Commissioning" in text for text in council_items)
    assert not [i for i in attention_items(world.user("nhs", Role.OFFICER)) if "Vacant post" in i["text"]]


def test_partnership_page_links_to_staffing(client, world):
    client.force_login(world.user("nhs", Role.OFFICER))
    body = client.get(reverse("partnership_detail", kwargs={"partnership": "ours"})).content.decode()
    assert reverse("staffing:list", kwargs={"partnership": "ours"}) in body
    assert reverse("staffing:recharges", kwargs={"partnership": "ours"}) in body
