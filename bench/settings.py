"""The deployed settings, with the benchmark's reference page added to the URLs."""

from partnership.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
