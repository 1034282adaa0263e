"""A search answers well under a second among 10,000 agreements with 200,000 history rows.

The rows are written by PostgreSQL itself (INSERT ... SELECT over generate_series),
not by factories, and indexed by ``rebuild()``, so the set-up takes seconds.
"""

import time

import pytest
from django.db import connection
from django.db.models import CharField, TextField
from django.urls import reverse

from agreements.models import Agreement
from partnership.choices import Role
from search import documents
from tests.conftest import require

AGREEMENTS = 10_000
HISTORY_PER_AGREEMENT = 20  # 200,000 history rows
#: What each agreement's aims say, in turn: a quarter of them are pooled budgets.
ARRANGEMENTS = ("pooled budget", "lead commissioning", "integrated provision", "aligned funding")


def _values(model, given):
    """Column names and SQL values for an INSERT of ``model``: ``given`` where named, else
    NULL for a column that takes it and an empty string for text."""
    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.column in given:
            value = given[field.column]
        elif field.primary_key and field.column not in given:
            continue
        elif field.null:
            value = "NULL"
        elif isinstance(field, CharField | TextField):
            value = "''"
        else:
            raise AssertionError(f"no value for {model.__name__}.{field.column}")
        columns.append(connection.ops.quote_name(field.column))
        values.append(value)
    return ", ".join(columns), ", ".join(values)


def insert_agreements(ours, theirs):
    arrangements = ", ".join(f"'{words}'" for words in ARRANGEMENTS)
    columns, values = _values(
        Agreement,
        {
            "partnership_id": f"CASE WHEN n % 2 = 0 THEN {ours.pk} ELSE {theirs.pk} END",
            "reference": "'PERF-' || n",
            "title": "CASE WHEN n % 100 = 0 THEN 'Pooled fund ' ELSE 'Agreement ' END || n",
            "kind": "'s75_pooled_fund'",
            "status": "'in_force'",
            "created_at": "now()",
            "updated_at": "now()",
            "aims_and_outcomes": f"'<p>Section ' || n || ': the ' || (ARRAY[{arrangements}])[n % 4 + 1]"
            " || ' for adults with <strong>learning disabilities</strong> &amp; their carers.</p>'",
            "governance": "'<p>Reported quarterly to the Joint Commissioning Board.</p>'",
        },
    )
    history = Agreement.history.model
    copied = {f.column: f"a.{connection.ops.quote_name(f.column)}" for f in Agreement._meta.concrete_fields}
    history_columns, history_values = _values(
        history,
        {
            **{f.column: copied[f.column] for f in history._meta.concrete_fields if f.column in copied},
            "history_date": "now() - (g || ' days')::interval",
            "history_type": "'~'",
        },
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Agreement._meta.db_table} ({columns}) SELECT {values} "
            f"FROM generate_series(1, {AGREEMENTS}) AS n"
        )
        cursor.execute(
            f"INSERT INTO {history._meta.db_table} ({history_columns}) SELECT {history_values} "
            f"FROM {Agreement._meta.db_table} a, generate_series(1, {HISTORY_PER_AGREEMENT}) AS g "
            "WHERE a.reference LIKE 'PERF-%%'"
        )
        cursor.execute(f"ANALYZE {Agreement._meta.db_table}; ANALYZE {history._meta.db_table}")


@pytest.mark.django_db
def test_a_search_answers_in_well_under_a_second_among_10000_agreements(client, world):
    require(connection.vendor == "postgresql", "the full-text index is PostgreSQL's")
    insert_agreements(world.ours, world.theirs)
    assert Agreement.history.count() >= AGREEMENTS * HISTORY_PER_AGREEMENT
    assert documents.rebuild() >= AGREEMENTS
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_searchdocument")
    client.force_login(world.user("council", Role.OFFICER))
    search = reverse("search:results")
    client.get(search, {"q": "equipment"})  # the session and the first connection's caches

    for words in ("pooled", '"learning disabilities" carers', "PERF-5000", "pooled -budget"):
        took = []
        for _ in range(3):  # the best of three: the machine is shared with other work
            started = time.perf_counter()
            response = client.get(search, {"q": words, "page": "3"})
            took.append(time.perf_counter() - started)
            assert response.status_code == 200
        assert min(took) < 0.5, f"{words!r} took {min(took):.2f} s at best"
    results = client.get(search, {"q": "pooled"}).context["results"]
    # Every fourth agreement is a pooled budget, each in the council's partnership (even
    # numbers); the hundredth ones say so in their title and come first.
    assert results.total == AGREEMENTS // 4
    assert all(hit.partnership == world.ours for hit in results.hits)
    assert results.hits[0].title.startswith("PERF-") and "<mark>Pooled</mark> fund" in results.hits[0].title
