"""The site says at start-up what it lacks from the machine (partnership/checks.py)."""

from django.core import checks


def test_a_missing_stamp_font_is_reported_when_the_site_starts(settings, tmp_path):
    assert [m.id for m in checks.run_checks()] == []
    not_a_font = tmp_path / "LiberationSans-Regular.ttf"
    not_a_font.write_text("not a font")
    for path in (tmp_path / "missing.ttf", not_a_font):
        settings.PDF_STAMP_FONT = str(path)
        found = [m for m in checks.run_checks() if m.id == "concordat.W001"]
        assert len(found) == 1 and str(path) in found[0].msg and "fonts-liberation" in found[0].hint
