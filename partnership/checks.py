"""System checks (``manage.py check``, and at start-up) for what the app needs from the machine."""

from django.conf import settings
from django.core import checks


@checks.register()
def stamp_font_is_there(app_configs, **kwargs):
    """An agenda pack's running header and page numbers are stamped in ``PDF_STAMP_FONT``:
    without it every pack fails to build, so say so when the site starts, not at a meeting."""
    from fontTools.ttLib import TTFont, TTLibError

    path = settings.PDF_STAMP_FONT
    try:
        TTFont(path, lazy=True).getBestCmap()
    except (OSError, TTLibError, AssertionError) as error:
        return [
            checks.Warning(
                f"PDF_STAMP_FONT ({path}) cannot be read as a TrueType font: {error}. "
                "Agenda packs will not build.",
                hint="Install Debian's fonts-liberation, or set PDF_STAMP_FONT to a TrueType (.ttf) font.",
                id="concordat.W001",
            )
        ]
    return []
