"""Say which real services the suite ran against, and fail in CI when one is missing."""

import os

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import IN_CI, require


@pytest.mark.django_db
def test_database_is_postgresql_when_database_url_is_set():
    print(f"Tests ran on {connection.vendor} ({settings.DATABASES['default']['NAME']})")
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        assert connection.vendor == "postgresql"
    elif IN_CI:
        pytest.fail("CI must run the tests on PostgreSQL: set DATABASE_URL")


def test_redis_answers_when_redis_url_is_set():
    url = os.environ.get("REDIS_URL")
    require(url, "REDIS_URL is not set")
    import redis

    assert redis.Redis.from_url(url).ping()
