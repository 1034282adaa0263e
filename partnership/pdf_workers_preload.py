"""Imported once by the server that PDF worker processes fork from (:mod:`partnership.pdf_workers`):
Django set up, WeasyPrint imported, the print stylesheet parsed and its fonts loaded, before any
worker starts."""

import django

django.setup()

from partnership.pdf import html_to_pdf  # noqa: E402 (needs Django set up)

# Parses the stylesheet and loads the fonts it names: every worker starts with both.
html_to_pdf("<p lang='en-GB'>Concordat</p>", styled=True)
