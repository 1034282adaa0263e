"""The agenda pack benchmark (``bench/pack.py``) runs on a small pack; its ratios are printed
in the run's summary for the CI log, not asserted: they depend on the machine."""

import pytest

from bench import pack

pytestmark = pytest.mark.django_db


def test_the_pack_benchmark_runs_on_a_small_pack_and_prints_its_ratios(settings, tmp_path, record_property):
    settings.MEDIA_ROOT = tmp_path
    settings.PDF_RENDER_PROCESSES = 2  # as on this 2-core machine outside the suite
    # The benchmark empties the cache to build cold: its own, not the Redis the suite shares.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    meeting = pack.make_meeting(reports=3, cost_rows=6, appendix_pages=1)
    results = pack.measure(meeting)
    # Printed at the end of the run (tests/conftest.py), from whichever worker ran it.
    record_property("benchmark", "Agenda pack benchmark (3 reports):\n" + pack.report(results))
    # Cover, agenda, three reports and the three appendices the first three reports carry.
    assert results["pages"] >= 8
    assert results["cold build (s)"] > 0 and results["one pass (s)"] > 0
    assert results["rebuild after one report changed (s)"] > 0
    assert results["pack (MB)"] > 0 and results["one pass plus appendices (MB)"] > 0
