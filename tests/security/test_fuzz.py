"""Bad input never gives a 500: every URL pattern, every query parameter and form field.

Each pattern of the project (tests/url_catalogue.py; a new pattern the
catalogue cannot fill fails here) is filled with real ids and asked, as the
people entitled to it (a superuser, a person holding every role but auditor
in the owning body, and an auditor for the audit pages):

* once plainly by GET, and once with a marker parameter while recording
  which query parameters the view reads (its filters, ``year``, ``date``,
  ``page``, ``export``...); then with every such parameter set to each
  hostile value in turn (a NUL byte, 10,000 characters, 0, -1, 99999,
  dates at the ends of the calendar, "sideways", other scripts, SQL);
* by POST, when the view takes one, recording which fields it reads, then
  with every such field set to each hostile value;
* with each whole-number part of the address (an id, a year, a quarter) at
  0 and 99999.

The Django admin (site administrators only) is asked plainly by GET and POST,
and its registers also with hostile searches and filters. Patterns are
asked in a few groups (one test each), so parallel workers share them.

Each pattern's requests run in a savepoint that is rolled back, so a delete
or a change made by one request does not take away another pattern's record.
A PDF is built only by the plain requests: hostile values go to the
parameters a view reads, and a view that reads none gets none.
"""

import pytest
from django.db import transaction
from django.http import QueryDict
from django.test import Client

from tests.url_catalogue import NotCovered, build_records, catalogue, missing_kinds

HOSTILE = [
    "bad\x00value",
    "x" * 10_000,
    "0",
    "-1",
    "99999",
    "9" * 20,  # past a database integer
    "²",  # a digit to str.isdigit(), not to int()
    "0001-01-01",
    "9999-12-31",
    "sideways",
    "Ünïcødé ✓ 汉字 \u202e",
    "1' OR '1'='1'; DROP TABLE agreements_agreement; --",
]
MARKER = "_fuzz"
#: Read by middleware or the test client, not by the views.
NOT_PARAMETERS = {MARKER, "csrfmiddlewaretoken", "next"}
HOSTILE_IDS = [0, 99999]


class Reads:
    """Which keys of request.GET / request.POST the code under test looked up."""

    keys = set()


class RecordingQueryDict(QueryDict):
    def __getitem__(self, key):
        Reads.keys.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        Reads.keys.add(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        Reads.keys.add(key)
        return super().getlist(key, default)

    def __contains__(self, key):
        Reads.keys.add(key)
        return super().__contains__(key)


@pytest.fixture
def recording(monkeypatch):
    """Make every request's GET and POST a RecordingQueryDict."""
    import django.core.handlers.wsgi
    import django.http
    import django.http.request

    # The multipart parser imports QueryDict from django.http when it runs.
    for module in (django.core.handlers.wsgi, django.http.request, django.http):
        monkeypatch.setattr(module, "QueryDict", RecordingQueryDict)

    def record(send, *args):
        Reads.keys = set()
        response = send(*args)
        return response, Reads.keys - NOT_PARAMETERS

    return record


@pytest.fixture
def records(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build_records()


def test_the_records_hold_one_of_each_kind(records):
    assert missing_kinds(records) == []


def test_every_url_pattern_can_be_filled(records):
    problems = []
    for route in catalogue():
        try:
            route.url(records)
        except NotCovered as error:
            problems.append(str(error))
    assert not problems, (
        "The fuzz does not know how to fill these URL patterns: add them to FILLERS in "
        "tests/url_catalogue.py: " + "; ".join(problems)
    )


def _clients(records):
    clients = {}
    for key in ("superuser", "body_user", "auditor"):
        client = Client(raise_request_exception=False)
        client.force_login(getattr(records, key))
        clients[key] = client
    return clients


def _sign_in_again(clients, records):
    for key, client in clients.items():
        if "_auth_user_id" not in client.session:
            client.force_login(getattr(records, key))


def _send(client, method, url, data=None):
    response = getattr(client, method)(url, data or {})
    if getattr(response, "streaming", False):
        try:
            b"".join(response.streaming_content)  # a streamed export fails only while read
        except Exception as error:  # noqa: BLE001 - any failure here is the 500 being looked for
            return 500, repr(error)
    return response.status_code, ""


def _entitled(route):
    """Who asks: the first plainly, the last also with hostile values."""
    if route.is_admin:
        return ["superuser"]
    if route.namespace == "audit":
        return ["superuser", "body_user", "auditor"]
    return ["superuser", "body_user"]


def _fuzzed(route, method):
    """The site administrator's admin pages are asked plainly; their registers also with hostile
    filters and searches (a ModelAdmin's search and filters are this project's code)."""
    return not route.is_admin or (method == "get" and route.name.endswith("_changelist"))


def _group(route):
    """Patterns are asked in a few groups, so parallel workers share them."""
    if route.is_admin:
        app = route.route.split("/")[1]
        return "admin-apps" if app in ("agreements", "committees", "finance", "staffing") else "admin-site"
    return {"": "site", "audit": "site", "public": "committees"}.get(route.namespace, route.namespace)


GROUPS = sorted({_group(route) for route in catalogue()})


@pytest.mark.django_db
@pytest.mark.parametrize("group", GROUPS)
def test_no_url_answers_500_to_hostile_input(records, recording, group):
    clients = _clients(records)
    failures = []
    asked = 0

    def ask(who, method, url, data=None):
        nonlocal asked
        asked += 1
        status, detail = _send(clients[who], method, url, data)
        if status >= 500:
            shown = {k: (v[:20] + "…" if len(v) > 20 else v) for k, v in (data or {}).items()}
            failures.append(f"{method.upper()} {url} as {who} with {shown}: {status} {detail}")
        return status

    def hostile(route, method, url, entitled):
        """Record what the view reads, then send each hostile value in all of it."""

        def undone(send, *args):
            """``send``, then undo what it changed (a delete must not take the record away)."""
            savepoint = transaction.savepoint()
            try:
                return send(*args)
            finally:
                transaction.savepoint_rollback(savepoint)

        fuzzer = entitled[-1]
        status, read = undone(recording, ask, fuzzer, method, url, {MARKER: "1"})
        if status in (403, 404) and fuzzer != "superuser":
            fuzzer = "superuser"
            status, read = undone(recording, ask, fuzzer, method, url, {MARKER: "1"})
        for value in HOSTILE if read else []:
            undone(ask, fuzzer, method, url, dict.fromkeys(read, value))

    routes = [route for route in catalogue() if _group(route) == group]
    for route in routes:
        url = route.url(records)
        entitled = _entitled(route)
        methods = [method for method in ("get", "post") if route.allows(method)]
        savepoint = transaction.savepoint()
        try:
            for method in methods:
                if not _fuzzed(route, method):
                    ask(entitled[0], method, url)
                    continue
                # The others plainly; the last person's recording request is their plain one.
                for who in entitled[:-1] if method == "get" else []:
                    ask(who, method, url)
                hostile(route, method, url, entitled)
            for name in route.int_kwargs:
                for value in HOSTILE_IDS:
                    ask(entitled[0], methods[0], route.url(records, **{name: value}))
        finally:
            transaction.savepoint_rollback(savepoint)
        _sign_in_again(clients, records)  # after the sign-in, sign-out and password pages

    assert asked >= 2 * len(routes)
    assert not failures, f"{len(failures)} requests answered 500:\n" + "\n".join(failures)
