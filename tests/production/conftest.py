import importlib.util
import shutil

import pytest

from tests.conftest import require
from tests.production.site import ProductionSite


@pytest.fixture(scope="session")
def production_site(tmp_path_factory):
    """The site as deployed, started once for every test of the production check."""
    require(shutil.which("pdffonts") and shutil.which("pdftotext"), "poppler-utils is not installed")
    require(importlib.util.find_spec("gunicorn") is not None, "gunicorn is not installed")
    site = ProductionSite(tmp_path_factory.mktemp("production"))
    try:
        site.start()
        yield site
    finally:
        site.stop()
