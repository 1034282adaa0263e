"""The History tab reads as text: formatted text without markup, word-level changes,
whole values on request, dates and money as the rest of the app writes them; and every
record page says who last changed it."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from agreements.forms import AgreementForm
from agreements.models import Agreement
from partnership import history
from partnership.choices import Role
from tests.agreements.factories import agreement_between
from tests.committees.factories import CommitteeFactory
from tests.finance.factories import BudgetFactory, ContributionFactory
from tests.staffing.factories import PostFactory

pytestmark = pytest.mark.django_db

AIMS = (
    "<p>Expresses the commitment of the Council and B&amp;NES CCG to pool funds.</p>"
    "<p>The pooled funds cover adult social care and services for older people.</p>"
)
LONG_TAIL = "<p>" + " ".join(f"word{n}" for n in range(80)) + " the last words of the section.</p>"


@pytest.fixture
def agreement(world, officer):
    agreement = agreement_between(
        world.ours, world.bodies["council"], world.bodies["nhs"], reference="S75-H", title="Pooled funds"
    )
    agreement.aims_and_outcomes = AIMS
    agreement._history_user = officer
    agreement.save()
    return agreement


def edit(agreement, user, reason="Edited", **values):
    for name, value in values.items():
        setattr(agreement, name, value)
    agreement._history_user = user
    agreement._change_reason = reason
    agreement.save()


def history_page(client, user, agreement):
    client.force_login(user)
    url = reverse(
        "agreements:history", kwargs={"partnership": agreement.partnership.slug, "pk": agreement.pk}
    )
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_formatted_text_is_shown_as_text_with_its_paragraphs(agreement):
    shown = history.plain_text(AIMS)
    assert shown == (
        "Expresses the commitment of the Council and B&NES CCG to pool funds.\n\n"
        "The pooled funds cover adult social care and services for older people."
    )


def test_history_page_shows_no_markup_and_marks_words_added_and_removed(client, agreement, officer):
    edit(agreement, officer, aims_and_outcomes=AIMS.replace("B&amp;NES CCG", "the BSW ICB"))
    html = history_page(client, officer, agreement)
    assert "&lt;p&gt;" not in html and "&amp;amp;" not in html
    assert '<span class="govuk-visually-hidden">removed: </span>B&amp;NES CCG</del>' in html
    assert '<span class="govuk-visually-hidden">added: </span>the BSW ICB</ins>' in html
    # Paragraphs are kept as line breaks.
    assert "to pool funds.<br><br>The pooled funds" in html


def test_values_typed_by_people_are_escaped_in_the_difference(client, agreement, officer):
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    edit(agreement, officer, title=f"Pooled funds {attack}", aims_and_outcomes=f"<p>{attack}</p>")
    html = history_page(client, officer, agreement)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_a_long_text_is_folded_to_its_changes_and_shown_whole_on_request(client, agreement, officer):
    edit(agreement, officer, aims_and_outcomes=AIMS + LONG_TAIL)
    edit(agreement, officer, aims_and_outcomes=AIMS.replace("older", "younger") + LONG_TAIL)
    change = next(
        c for e in history.entries_for([agreement.history.all()]) for c in e.changes if c.whole_diff
    )
    assert [s.text for s in change.diff if s.kind in ("del", "ins")] == ["older", "younger"]
    assert any(s.kind == "gap" for s in change.diff)
    html = history_page(client, officer, agreement)
    assert "<details" in html and "Show whole text" in html
    assert "the last words of the section." in html  # the whole text, not cut with an ellipsis
    assert "…" not in history.plain_text(LONG_TAIL)


def test_dates_money_choices_and_bodies_are_written_as_elsewhere(world, agreement, officer):
    edit(agreement, officer, start_date=datetime.date(2012, 9, 1), kind="s75_pooled_fund")
    budget = BudgetFactory(partnership=world.ours, host=world.bodies["council"])
    contribution = ContributionFactory(
        budget=budget, organisation=world.bodies["nhs"], year=2018, amount=Decimal("4600000")
    )
    contribution.amount = Decimal("4850000.5")
    contribution.save()
    changes = {c.name: c for c in history.entries_for([agreement.history.all()])[0].changes}
    assert changes["start date"].after == "1 September 2012"
    assert changes["kind"].after == "Section 75 pooled fund"
    money = {c.name: c for c in history.entries_for([contribution.history.all()])[0].changes}
    assert (money["amount"].before, money["amount"].after) == ("£4,600,000.00", "£4,850,000.50")
    created = history.entries_for([contribution.history.all()])[-1]
    shown = {c.name: c.after for c in created.changes}
    assert shown["financial year"] == "2018/19"
    assert shown["body"] == str(world.bodies["nhs"])


def test_a_file_is_named_by_its_name_not_where_it_is_kept():
    from committees.models import ReportAppendix

    field = ReportAppendix._meta.get_field("file")
    stored = "committees/appendices/2026/12/better-care-fund-plan-2018-19.pdf"
    assert history.display_value(field, stored, {}) == "better-care-fund-plan-2018-19.pdf"


def test_the_edit_box_shows_text_and_saving_it_unchanged_keeps_the_stored_text(world, agreement):
    form = AgreementForm(instance=agreement, partnership=world.ours)
    box = str(form["aims_and_outcomes"])
    assert "B&amp;NES CCG to pool funds.\n\nThe pooled funds" in box  # shows B&NES CCG
    assert "&amp;amp;" not in box and "&lt;p&gt;" not in box
    data = {name: form[name].value() for name in form.fields if name not in ("submission_token",)}
    data = {
        k: ("" if v is None else v.isoformat() if isinstance(v, datetime.date) else v)
        for k, v in data.items()
    }
    data["parent"] = data["host_body"] = data["governing_committee"] = ""
    bound = AgreementForm(data, instance=agreement, partnership=world.ours)
    assert bound.is_valid(), bound.errors
    assert bound.cleaned_data["aims_and_outcomes"] == AIMS
    data["aims_and_outcomes"] = data["aims_and_outcomes"].replace("B&NES CCG", "B&NES ICB")
    bound = AgreementForm(data, instance=agreement, partnership=world.ours)
    assert bound.is_valid(), bound.errors
    bound.save()
    agreement.refresh_from_db()
    assert agreement.aims_and_outcomes == AIMS.replace("B&amp;NES CCG", "B&amp;NES ICB")


# --- "Last changed" on every record page ------------------------------------------


def test_agreement_page_says_who_changed_it_last_with_a_link_to_its_history(
    client, world, agreement, officer
):
    edit(agreement, officer, title="Pooled funds (revised)")
    client.force_login(world.user("nhs", Role.OFFICER))
    html = client.get(agreement.get_absolute_url()).content.decode()
    history_url = reverse("agreements:history", kwargs={"partnership": world.ours.slug, "pk": agreement.pk})
    name = escape(officer.get_full_name())
    assert re.search(
        rf"Last changed on {today_in_words()} at \d\d:\d\d by {re.escape(name)} for Our Council", html
    )
    assert f'<a class="govuk-link" href="{history_url}">see all changes' in html


@pytest.mark.parametrize("kind", ["budget", "committee", "post"])
def test_other_record_pages_say_when_they_were_created_or_changed(client, world, kind):
    council = world.bodies["council"]
    record = {
        "budget": lambda: BudgetFactory(partnership=world.ours, host=council),
        "committee": lambda: CommitteeFactory(partnership=world.ours),
        "post": lambda: PostFactory(partnership=world.ours, employer=council),
    }[kind]()
    client.force_login(world.user("council", Role.OFFICER))
    html = client.get(record.get_absolute_url()).content.decode()
    assert re.search(rf"Created on {today_in_words()} at \d\d:\d\d", html)
    assert "see all changes" in html


def test_without_a_history_link_the_line_is_text_only(agreement, officer):
    html = Template('{% include "includes/last_changed.html" with record=agreement history_url="" %}').render(
        Context({"agreement": agreement})
    )
    assert f"Last changed on {today_in_words()}" in html and "<a " not in html


def test_last_changed_costs_one_query_however_long_the_history(client, world, agreement, officer):
    client.force_login(world.user("nhs", Role.OFFICER))

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(agreement.get_absolute_url()).status_code == 200
        return len(captured)

    before = queries()
    for n in range(10):
        edit(agreement, officer, title=f"Pooled funds {n}")
    assert queries() == before
    assert Agreement.history.filter(id=agreement.pk).count() == 12


def today_in_words():
    """Today on the test clock as the pages write a date: "2 December 2026"."""
    from django.utils import timezone

    day = timezone.localdate()
    return f"{day.day} {day:%B %Y}"
