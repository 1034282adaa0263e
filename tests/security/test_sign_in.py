"""The sign-in lockout: per username from any address, per address across usernames, and how long."""

from datetime import timedelta

import pytest
import time_machine
from axes.utils import reset
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from partnership.sessions import client_address
from tests.factories import UserFactory

PROXY = "10.0.0.2"


@pytest.fixture
def lockout(settings, db):
    """Axes on (the suite turns it off), with the limits spelt out and nothing remembered."""
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_ADDRESS_FAILURE_LIMIT = 20
    settings.AXES_COOLOFF_TIME = 0.5
    settings.TRUSTED_PROXY_COUNT = 0
    reset()
    yield settings
    reset()


@pytest.fixture
def officer(db):
    return UserFactory(username="officer")


def sign_in(client, username, password="wrong", address="192.0.2.1", **headers):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def signed_in(response):
    return response.status_code == 302 and response.wsgi_request.user.is_authenticated


def test_a_username_locks_whatever_the_address(client, lockout, officer):
    for n in range(4):
        assert sign_in(client, "officer", address=f"198.51.100.{n}").status_code == 200
    assert sign_in(client, "officer", address="198.51.100.4").status_code == 429

    response = sign_in(client, "officer", "password", address="203.0.113.9")
    assert response.status_code == 429
    assert not response.wsgi_request.user.is_authenticated


def test_a_few_mistakes_do_not_lock_a_username(client, lockout, officer):
    for _ in range(4):
        sign_in(client, "officer")
    assert signed_in(sign_in(client, "officer", "password"))


def test_a_spray_of_usernames_from_one_address_is_throttled(client, lockout, officer):
    for n in range(19):
        assert sign_in(client, f"guess{n}").status_code == 200
    assert sign_in(client, "guess19").status_code == 429

    assert sign_in(client, "officer", "password").status_code == 429
    assert signed_in(sign_in(client, "officer", "password", address="203.0.113.9"))


def test_an_office_sharing_an_address_is_not_locked_by_a_few_typing_mistakes(client, lockout, officer):
    for n in range(19):
        sign_in(client, f"colleague{n}")
    assert signed_in(sign_in(client, "officer", "password"))


def test_signing_in_does_not_clear_the_address_count(client, lockout, officer):
    for n in range(19):
        sign_in(client, f"guess{n}")
    assert signed_in(sign_in(client, "officer", "password"))
    client.logout()

    assert sign_in(client, "guess-twenty").status_code == 429


def test_a_forwarded_header_is_ignored_without_a_trusted_proxy(client, lockout, officer):
    for n in range(20):
        sign_in(client, f"guess{n}", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")

    response = sign_in(client, "officer", "password", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.status_code == 429


def test_behind_a_trusted_proxy_the_address_comes_from_the_forwarded_header(client, lockout, officer):
    lockout.TRUSTED_PROXY_COUNT = 1
    for n in range(20):
        sign_in(client, f"guess{n}", address=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    sprayer = sign_in(client, "officer", "password", address=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert sprayer.status_code == 429

    other_person = sign_in(client, "officer", "password", address=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert signed_in(other_person)


@pytest.mark.parametrize(
    "proxies, remote_addr, forwarded, expected",
    [
        (0, "192.0.2.1", "198.51.100.7", "192.0.2.1"),
        (1, PROXY, "198.51.100.7", "198.51.100.7"),
        (1, PROXY, "6.6.6.6, 198.51.100.7", "198.51.100.7"),
        (2, PROXY, "6.6.6.6, 198.51.100.7, 10.0.0.1", "198.51.100.7"),
        (2, PROXY, "198.51.100.7", PROXY),
        (1, PROXY, "not-an-address", PROXY),
        (1, PROXY, None, PROXY),
    ],
)
def test_client_address_trusts_only_the_configured_proxies(
    settings, proxies, remote_addr, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().get("/", REMOTE_ADDR=remote_addr, **headers)
    assert client_address(request) == expected


def test_the_locked_out_page_says_how_long_to_wait(client, lockout, officer):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(4):
            sign_in(client, "officer")
        locked = sign_in(client, "officer")
        assert locked.status_code == 429
        page = locked.content.decode()
        assert "Too many failed sign-in attempts" in page
        assert "Try again in 30 minutes." in page
        assert 'class="govuk-heading-l"' in page

        clock.shift(timedelta(minutes=10))
        still_locked = sign_in(client, "officer", "password")
        assert still_locked.status_code == 429
        assert "Try again in 20 minutes." in still_locked.content.decode()

        clock.shift(timedelta(minutes=20, seconds=1))
        assert signed_in(sign_in(client, "officer", "password"))
