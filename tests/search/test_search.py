"""Search finds what a person may read, and nothing else: not in a title, a snippet, a
highlighted match or a count."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from committees.models import Decision, Minute
from partnership.choices import Role
from search import documents, queries
from search.models import SearchDocument
from tests.agreements.factories import AgreementFactory, ScheduleFactory
from tests.committees.conftest import board  # noqa: F401 - the committees' board fixture
from tests.committees.factories import ActionFactory, AgendaItemFactory, MeetingFactory, ReportFactory
from tests.conftest import require

SEARCH = reverse("search:results")


def on_postgresql():
    require(connection.vendor == "postgresql", "PostgreSQL full-text search needs PostgreSQL")


def found(response):
    """The titles of the hits on a search page, as text."""
    return [re.sub(r"<[^>]+>", "", hit.title) for hit in response.context["results"].hits]


def test_formatted_text_is_indexed_without_its_tags():
    html = "<p>Pooled&nbsp;fund &amp; <strong>risk</strong></p><p>share</p><script>alert(1)</script>"
    assert documents.text_of_html(html) == "Pooled fund & risk share"


@pytest.mark.django_db
def test_finds_by_word_best_first_with_the_matches_marked(client, world):
    on_postgresql()
    in_body = AgreementFactory(
        partnership=world.ours,
        title="Learning disabilities services",
        aims_and_outcomes="<p>The partners keep a pooled budget for day services.</p>",
    )
    in_title = AgreementFactory(partnership=world.ours, title="Pooled fund for community equipment")
    AgreementFactory(partnership=world.ours, title="Staff sharing")
    ScheduleFactory(
        agreement=in_body, number=1, title="Payments", body="<p>Quarterly payments into the pools.</p>"
    )
    client.force_login(world.user("council", Role.OFFICER))

    response = client.get(SEARCH, {"q": "pool"})

    results = response.context["results"]
    assert found(response)[0] == str(in_title)  # a match in the title weighs most
    assert sorted(found(response)[1:]) == sorted([str(in_body), "Schedule 1: Payments"])
    assert results.total == 3 and results.counts == {"agreement": 2, "schedule": 1}
    page = response.content.decode()
    assert "<mark>Pooled</mark> fund for community equipment" in page
    assert "keep a <mark>pooled</mark> budget" in page  # the snippet, from the text without its tags
    assert in_title.get_absolute_url() in page and "Our partnership" in page


@pytest.mark.django_db
def test_another_partnerships_records_are_not_found(client, world):
    theirs = AgreementFactory(partnership=world.theirs, title="Pooled fund QUOKKA", reference="THEIRS-1")
    ReportFactory(partnership=world.theirs, organisation=world.bodies["other"], title="QUOKKA review")
    client.force_login(world.user("council", Role.OFFICER))

    response = client.get(SEARCH, {"q": "QUOKKA"})

    assert response.status_code == 200
    assert response.context["results"].total == 0 and response.context["results"].counts == {}
    assert b"QUOKKA review" not in response.content and b"THEIRS-1" not in response.content
    # Their own people find it.
    client.force_login(world.user("other", Role.OFFICER))
    assert str(theirs) in found(client.get(SEARCH, {"q": "QUOKKA"}))


@pytest.mark.django_db
def test_exempt_business_is_found_only_by_those_entitled(client, world, board):  # noqa: F811
    Minute.objects.create(agenda_item=board.exempt_item, text="SECRETZEBRA bids were scored.")
    Decision.objects.create(
        meeting=board.meeting,
        agenda_item=board.exempt_item,
        resolution="Award the SECRETZEBRA contract.",
        decided_on=board.meeting.date,
    )
    decision = Decision.objects.get(agenda_item=board.exempt_item)
    ActionFactory(meeting=board.meeting, decision=decision, description="Tell SECRETZEBRA bidders")

    def search_as(user):
        client.force_login(user)
        response = client.get(SEARCH, {"q": "secretzebra"})
        assert response.status_code == 200
        return response

    # An officer of the ICB (which did not write the report) finds nothing, and no count.
    response = search_as(world.user("nhs", Role.OFFICER))
    assert response.context["results"].total == 0
    assert "SECRETZEBRA" not in response.content.decode().replace("secretzebra", "")
    assert "(0)" in response.content.decode()
    # The council's officer finds the council's report, but not the minute, decision or action.
    response = search_as(world.user("council", Role.OFFICER))
    assert response.context["results"].counts == {"report": 1}
    assert "bids were scored" not in response.content.decode()
    # A committee secretary is entitled to all of it.
    response = search_as(world.user("nhs", Role.COMMITTEE_SECRETARY))
    assert response.context["results"].counts == {"report": 1, "minute": 1, "decision": 1, "action": 1}
    assert "bids were scored" in response.content.decode()


@pytest.mark.django_db
def test_text_typed_by_people_is_shown_escaped(client, world):
    AgreementFactory(partnership=world.ours, title='<script>alert("pooled")</script> Pooled fund')
    item = AgendaItemFactory(meeting=MeetingFactory(committee__partnership=world.ours), title="<b>Pooled</b>")
    Minute.objects.create(agenda_item=item, text='Pooled <img src=x onerror="alert(1)"> \x02 fund\x03')
    client.force_login(world.user("council", Role.COMMITTEE_SECRETARY))

    page = client.get(SEARCH, {"q": "pooled"}).content.decode()

    assert "<script>alert" not in page and "<img src=x" not in page and "<b>Pooled" not in page
    assert "&lt;script&gt;alert(&quot;" in page
    assert "onerror=&quot;alert(1)&quot;" in page or "onerror" not in page  # escaped, or left out
    assert "\x02" not in page and "\x03" not in page
    assert re.findall(r"<mark>[^<]*</mark>", page)  # the matches, and only text, are marked
    assert not re.search(r"<mark>[^<]*<(?!/mark>)", page)


@pytest.mark.django_db
def test_a_changed_or_deleted_record_is_found_as_it_is_now(client, world):
    agreement = AgreementFactory(partnership=world.ours, title="Pooled fund")
    item = AgendaItemFactory(meeting=MeetingFactory(committee__partnership=world.ours), title="Budget")
    Minute.objects.create(agenda_item=item, text="Noted.")
    item.title = "Pooled budget"
    item.save()
    client.force_login(world.user("council", Role.COMMITTEE_SECRETARY))
    assert sorted(found(client.get(SEARCH, {"q": "pooled"}))) == sorted(
        ["Minute: Pooled budget", str(agreement)]
    )

    agreement.title = "Aligned fund"
    agreement.save()
    item.delete()
    assert found(client.get(SEARCH, {"q": "pooled"})) == []
    assert not SearchDocument.objects.filter(kind="minute").exists()


@pytest.mark.django_db
def test_rebuild_indexes_records_written_in_bulk(world):
    AgreementFactory(partnership=world.ours, title="Pooled fund")
    SearchDocument.objects.all().delete()
    assert documents.rebuild() == 1
    assert queries.search(world.user("council", Role.OFFICER), "pooled").total == 1


@pytest.mark.django_db
def test_an_empty_search_explains_and_a_long_one_is_refused(client, world):
    client.force_login(world.user("council", Role.OFFICER))
    page = client.get(SEARCH)
    assert page.status_code == 200 and b"What you can find" in page.content
    page = client.get(SEARCH, {"q": "x" * 201})
    assert page.status_code == 200 and page.context["results"] is None
    assert b"Search for at most 200 characters" in page.content
    assert client.get(SEARCH, {"q": "pooled", "kind": "sideways", "page": "-1"}).status_code == 200


@pytest.mark.django_db
def test_a_kind_filter_shows_that_kind_with_every_kinds_count(client, world):
    agreement = AgreementFactory(partnership=world.ours, title="Pooled fund")
    ScheduleFactory(agreement=agreement, number=1, title="Pooled budget rules")
    client.force_login(world.user("council", Role.OFFICER))
    response = client.get(SEARCH, {"q": "pooled", "kind": "schedule"})
    assert found(response) == ["Schedule 1: Pooled budget rules"]
    assert response.context["results"].counts == {"agreement": 1, "schedule": 1}


def fill(world, size):
    meeting = MeetingFactory(committee__partnership=world.ours)
    for n in range(size):
        agreement = AgreementFactory(partnership=world.ours, title=f"Pooled fund {n}")
        ScheduleFactory(agreement=agreement, title=f"Pooled schedule {n}")
        report = ReportFactory(
            partnership=world.ours, organisation=world.bodies["council"], title=f"Pooled {n}"
        )
        item = AgendaItemFactory(meeting=meeting, report=report, title=f"Pooled item {n}")
        Minute.objects.create(agenda_item=item, text="Pooled.")
        decision = Decision.objects.create(
            meeting=meeting, agenda_item=item, resolution="Pooled it.", decided_on=meeting.date
        )
        ActionFactory(meeting=meeting, decision=decision, description=f"Pooled {n}")


@pytest.mark.django_db
@pytest.mark.parametrize("size", [1, 25])
def test_a_search_takes_the_same_queries_at_any_size(client, world, django_assert_max_num_queries, size):
    fill(world, size)
    client.force_login(world.user("nhs", Role.COMMITTEE_SECRETARY))
    with django_assert_max_num_queries(14):
        response = client.get(SEARCH, {"q": "pooled"})
    assert len(response.context["results"].hits) == min(queries.PAGE_SIZE, 6 * size)
