"""A mail relay that accepts the connection and then says nothing cannot hold a worker for good."""

import os
import socket
import threading
import time

import pytest
from django.conf import settings
from django.core.mail import get_connection, send_mail


def test_email_timeout_is_set_by_default():
    assert int(os.environ.get("EMAIL_TIMEOUT_SECONDS", "30")) == settings.EMAIL_TIMEOUT


@pytest.fixture
def silent_relay():
    """A TCP server that accepts connections and never sends the SMTP greeting."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    accepted = []

    def accept():
        try:
            while True:
                accepted.append(server.accept()[0])
        except OSError:
            pass

    threading.Thread(target=accept, daemon=True).start()
    yield server.getsockname()[1]
    server.close()
    for connection in accepted:
        connection.close()


def test_a_stalled_relay_is_given_up_on_after_email_timeout(silent_relay, settings):
    settings.EMAIL_TIMEOUT = 1
    connection = get_connection(
        "django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=silent_relay
    )
    started = time.monotonic()
    with pytest.raises(OSError):  # socket.timeout is an OSError; the reminder is then marked failed
        send_mail("Review due", "Body", "from@example.org", ["to@example.org"], connection=connection)
    assert time.monotonic() - started < 10
