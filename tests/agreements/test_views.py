"""Agreement pages through real URLs: create, edit (sanitising, stale edits), register
filters and exports, the PDF, the history tab, and the register's query count."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.choices import AgreementKind, AgreementStatus, ScheduleStatus
from agreements.models import Agreement, AgreementParty
from partnership.choices import Role
from tests.agreements.factories import ScheduleFactory, VariationFactory, agreement_between

pytestmark = pytest.mark.django_db


def url(name, agreement, **kwargs):
    return reverse(f"agreements:{name}", kwargs={"partnership": "ours", "pk": agreement.pk, **kwargs})


REGISTER = reverse("agreements:list", kwargs={"partnership": "ours"})


def edit_data(agreement, **changes):
    data = {
        "reference": agreement.reference,
        "title": agreement.title,
        "kind": agreement.kind,
        "loaded_version": agreement.updated_at.isoformat(),
    }
    return data | changes


def test_officer_creates_an_agreement_with_parties(client, world):
    client.force_login(world.user("council", Role.OFFICER))
    response = client.post(
        reverse("agreements:add", kwargs={"partnership": "ours"}),
        {
            "parties": [world.bodies["council"].pk, world.bodies["nhs"].pk],
            "reference": "OURS-NEW",
            "title": "A new pooled fund",
            "kind": AgreementKind.S75_POOLED_FUND,
            "host_body": world.bodies["council"].pk,
            "change_reason": "Agreed at the joint board",
        },
    )
    agreement = Agreement.objects.get(reference="OURS-NEW")
    assert response.status_code == 302
    assert response["Location"] == agreement.get_absolute_url()
    roles = dict(
        AgreementParty.objects.filter(agreement=agreement).values_list("organisation__short_name", "role")
    )
    assert roles == {"Council": "host", "ICB": "partner"}
    assert agreement.history.first().history_change_reason == "Agreed at the joint board"
    # The detail page lists what the statutory check still wants.
    page = client.get(agreement.get_absolute_url()).content.decode()
    assert "the arrangements for monitoring" in page
    assert "Send for signature" in page


def test_creating_with_a_body_outside_the_partnership_is_refused(client, world):
    client.force_login(world.user("council", Role.OFFICER))
    response = client.post(
        reverse("agreements:add", kwargs={"partnership": "ours"}),
        {"parties": [world.bodies["other"].pk], "reference": "X", "title": "X", "kind": "other"},
    )
    assert response.status_code == 200
    assert not Agreement.objects.filter(reference="X").exists()


def test_sanitised_on_save_through_the_form(client, world, agreement):
    client.force_login(world.user("nhs", Role.OFFICER))
    html = (
        '<p onmouseover="x()">Aims <em>here</em></p><script>alert(1)</script><iframe src="//evil"></iframe>'
    )
    response = client.post(url("edit", agreement), edit_data(agreement, aims_and_outcomes=html))
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.aims_and_outcomes == "<p>Aims <em>here</em></p>"
    page = client.get(url("detail", agreement)).content.decode()
    assert "<p>Aims <em>here</em></p>" in page
    assert "alert(1)" not in page


def test_second_of_two_simultaneous_edits_is_refused(client, world, agreement):
    first = world.user("council", Role.OFFICER)
    second = world.user("nhs", Role.OFFICER)
    client.force_login(first)
    form = client.get(url("edit", agreement)).context["form"]
    loaded = form["loaded_version"].value()
    client.force_login(second)
    assert (
        client.post(url("edit", agreement), edit_data(agreement, title="Second's title")).status_code == 302
    )
    client.force_login(first)
    response = client.post(
        url("edit", agreement), edit_data(agreement, title="First's title", loaded_version=loaded)
    )
    assert response.status_code == 200
    assert "after you opened it" in response.content.decode()
    assert response.context["form"].data["title"] == "First's title"  # nothing typed is lost
    agreement.refresh_from_db()
    assert agreement.title == "Second's title"
    # Saving again knowingly overwrites.
    again = client.post(url("edit", agreement), response.context["form"].data)
    assert again.status_code == 302
    agreement.refresh_from_db()
    assert agreement.title == "First's title"


def test_an_edit_that_leaves_out_its_version_is_refused_not_saved_over_another(client, world, agreement):
    client.force_login(world.user("council", Role.OFFICER))
    data = edit_data(agreement, title="Without a version")
    del data["loaded_version"]
    response = client.post(url("edit", agreement), data)
    assert response.status_code == 200
    assert "did not say which version" in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.title == "Our S256"
    again = client.post(url("edit", agreement), response.context["form"].data)
    assert again.status_code == 302
    agreement.refresh_from_db()
    assert agreement.title == "Without a version"


def test_in_force_agreement_edit_page_redirects_with_explanation(client, world, agreement):
    Agreement.objects.filter(pk=agreement.pk).update(status=AgreementStatus.IN_FORCE)
    client.force_login(world.user("council", Role.OFFICER))
    response = client.get(url("edit", agreement), follow=True)
    assert "Record a variation instead" in response.content.decode()
    response = client.post(url("edit", agreement), edit_data(agreement, title="Sneaky"))
    assert response.status_code == 200
    agreement.refresh_from_db()
    assert agreement.title == "Our S256"


def test_refused_move_shows_a_clear_message(client, world, agreement):
    client.force_login(world.user("council", Role.OFFICER))
    response = client.post(url("status", agreement), {"status": "terminated"}, follow=True)
    assert "cannot be moved to terminated" in response.content.decode()


def test_signing_through_the_page_brings_the_agreement_into_force(client, world, awaiting):
    today = timezone.localdate().isoformat()
    for body in ("council", "nhs"):
        party = awaiting.parties.get(organisation=world.bodies[body])
        client.force_login(world.user(body, Role.SIGNATORY))
        page = client.get(url("detail", awaiting)).content.decode()
        assert url("sign", awaiting, party=party.pk) in page
        other = awaiting.parties.exclude(pk=party.pk).get()
        assert url("sign", awaiting, party=other.pk) not in page
        client.post(
            url("sign", awaiting, party=party.pk),
            {
                "signatory_name": f"{body} signer",
                "signed_on": today,
                "relied_on": "Board decision",
                "authorised": "on",
            },
        )
    awaiting.refresh_from_db()
    assert awaiting.status == AgreementStatus.IN_FORCE


def test_schedule_added_and_edited_by_a_party_officer(client, world, agreement):
    client.force_login(world.user("council", Role.OFFICER))
    add = reverse("agreements:schedule_add", kwargs={"partnership": "ours", "agreement": agreement.pk})
    response = client.post(
        add, {"number": 1, "title": "Aims and intended outcomes", "status": "to_be_developed"}
    )
    assert response.status_code == 302
    schedule = agreement.schedules.get()
    edit = reverse(
        "agreements:schedule_edit",
        kwargs={"partnership": "ours", "agreement": agreement.pk, "pk": schedule.pk},
    )
    response = client.post(
        edit,
        {
            "number": 1,
            "title": schedule.title,
            "status": "agreed",
            "body": "<p>Done</p>",
            "loaded_version": schedule.updated_at.isoformat(),
        },
    )
    assert response.status_code == 302
    schedule.refresh_from_db()
    assert schedule.status == ScheduleStatus.AGREED


def test_history_tab_shows_children(client, world, agreement):
    ScheduleFactory(agreement=agreement, title="Appendix on governance")
    client.force_login(world.user("council", Role.AUDITOR))
    page = client.get(url("history", agreement)).content.decode()
    assert "Appendix on governance" in page


# --- Register ---------------------------------------------------------------------------


@pytest.fixture
def register(world):
    council, nhs = world.bodies["council"], world.bodies["nhs"]
    agreement_between(
        world.ours, council, nhs, reference="R-1", title="Pooled fund for adults", kind="s75_pooled_fund"
    )
    agreement_between(world.ours, nhs, reference="R-2", title="Transfer", kind="s256", status="in_force")
    agreement_between(
        world.ours,
        council,
        reference="R-3",
        title="Joint posts",
        kind="s113",
        status="in_force",
        next_review_date=timezone.localdate() - datetime.timedelta(days=3),
    )
    agreement_between(world.theirs, world.bodies["other"], reference="THEIRS-1", title="Not ours")


def references(response):
    return [row.record.reference for row in response.context["table"].paginated_rows]


@pytest.mark.parametrize(
    "query,expected",
    [
        ("", ["R-1", "R-2", "R-3"]),
        ("?kind=s256", ["R-2"]),
        ("?status=in_force", ["R-2", "R-3"]),
        ("?q=pooled", ["R-1"]),
        ("?q=r-3", ["R-3"]),
        ("?review_due=overdue", ["R-3"]),
        ("?sort=-reference", ["R-3", "R-2", "R-1"]),
    ],
)
def test_register_filters_search_and_sort(client, world, register, query, expected):
    client.force_login(world.user("council", Role.AUDITOR))
    assert references(client.get(REGISTER + query)) == expected


def test_register_filters_by_party(client, world, register):
    client.force_login(world.user("council", Role.OFFICER))
    response = client.get(REGISTER + f"?party={world.bodies['council'].pk}")
    assert references(response) == ["R-1", "R-3"]


def test_csv_export_contains_the_filtered_rows(client, world, register):
    client.force_login(world.user("nhs", Role.FINANCE_OFFICER))
    response = client.get(REGISTER + "?status=in_force&export=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert rows[0][:5] == ["Reference", "Title", "Kind", "Status", "Parties"]
    assert [r[0] for r in rows[1:]] == ["R-2", "R-3"]
    assert rows[1][2] == "Section 256 (NHS to local authority transfer)"
    assert rows[1][3] == "In force"
    assert rows[1][4] == "ICB (host or lead)"


def test_xlsx_export_reads_back(client, world, register):
    from openpyxl import load_workbook

    client.force_login(world.user("council", Role.OFFICER))
    response = client.get(REGISTER + "?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "Reference"
    assert [r[0] for r in rows[1:]] == ["R-1", "R-2", "R-3"]
    assert rows[1][4] == "Council (host or lead); ICB (partner)"
    assert "THEIRS-1" not in str(rows)


def _bulk_agreements(world, count):
    agreements = Agreement.objects.bulk_create(
        Agreement(partnership=world.ours, reference=f"BULK-{i:04d}", title=f"Bulk {i}", kind="s256")
        for i in range(count)
    )
    AgreementParty.objects.bulk_create(
        AgreementParty(agreement=a, organisation=world.bodies[body], role="partner")
        for a in agreements
        for body in ("council", "nhs")
    )


@pytest.mark.parametrize("count", [10, 500])
def test_register_query_count_does_not_grow(client, world, django_assert_max_num_queries, count):
    _bulk_agreements(world, count)
    client.force_login(world.user("council", Role.OFFICER))
    with django_assert_max_num_queries(14):
        response = client.get(REGISTER + "?sort=reference")
    assert response.status_code == 200
    assert len(references(response)) == min(count, 25)


def test_the_address_names_the_registers_page_never_its_size(client, world):
    """?per_page= cannot list every row or none; a page past either end shows the last."""
    _bulk_agreements(world, 30)
    client.force_login(world.user("council", Role.OFFICER))
    for query, rows, page in [
        ("per_page=100000", 25, "Page 1 of 2"),
        ("per_page=-1&page=-1", 5, "Page 2 of 2"),
        ("page=99999", 5, "Page 2 of 2"),
        ("page=sideways", 25, "Page 1 of 2"),
    ]:
        response = client.get(f"{REGISTER}?sort=reference&{query}")
        assert response.status_code == 200, query
        assert len(references(response)) == rows, query
        assert page in response.content.decode(), query


# --- PDF ------------------------------------------------------------------------------------


def test_pdf_has_parties_sections_schedules_and_signature_blocks(client, world, awaiting):
    from pypdf import PdfReader

    awaiting.aims_and_outcomes = "<p>Better joined-up care for older people.</p>"
    awaiting.save()
    titles = ["Aims and intended outcomes", "HWB Terms of Reference", "Overall Development Programme"]
    for number, title in enumerate(titles, start=1):
        ScheduleFactory(agreement=awaiting, number=number, title=title)
    VariationFactory(agreement=awaiting, number=1, title="Extend to carers")
    party = awaiting.parties.get(organisation=world.bodies["council"])
    party.signatory_name, party.signed_on, party.relied_on = (
        "Pat Signer",
        datetime.date(2024, 5, 1),
        "Cabinet",
    )
    party.save()
    client.force_login(world.user("nhs", Role.AUDITOR))
    response = client.get(url("pdf", awaiting))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    text = " ".join(text.split())
    for expected in [
        "Our Council",
        "Our ICB",
        "Better joined-up care",
        "Extend to carers",
        "Pat Signer",
        *titles,
    ]:
        assert expected in text
    assert "Page 1 of" in text
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "To be signed" in outline[0] or any("Signatures" in t for t in outline)
    flat = str(reader.outline)
    assert "Schedules" in flat and "Signatures" in flat and "Parties" in flat
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged for accessibility


def test_party_role_changed_by_a_party_officer_only(client, world, agreement):
    party = agreement.parties.get(organisation=world.bodies["nhs"])
    role_url = url("party_role", agreement, party=party.pk)
    client.force_login(world.user("nhs", Role.FINANCE_OFFICER))
    assert client.post(role_url, {"role": "contributor"}).status_code == 403
    client.force_login(world.user("council", Role.OFFICER))
    assert client.post(role_url, {"role": "contributor"}).status_code == 302
    party.refresh_from_db()
    assert party.role == "contributor"


def test_detail_page_tracks_schedules_to_completion(client, world, agreement):
    ScheduleFactory(agreement=agreement, number=1, status="agreed")
    ScheduleFactory(agreement=agreement, number=2)
    client.force_login(world.user("nhs", Role.AUDITOR))
    page = client.get(url("detail", agreement)).content.decode()
    assert "1 of 2 schedules agreed." in page
    assert "Edit agreement" not in page  # auditors change nothing
