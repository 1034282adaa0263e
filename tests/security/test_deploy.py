"""``manage.py check --deploy`` with the production environment the README documents."""

import json
import subprocess
import sys

from tests.production.environment import ROOT, production_environment


def manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=production_environment(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_settings(*names, **env):
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{name: getattr(settings, name) for name in {list(names)!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=production_environment(DJANGO_SETTINGS_MODULE="partnership.settings", **env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_deploy_reports_nothing_for_the_documented_production_environment():
    result = manage("check", "--deploy", "--fail-level", "DEBUG")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_still_reports_a_weak_secret():
    """The check is live: the documented environment passes because it is right."""
    result = manage("check", "--deploy", DJANGO_SECRET_KEY="short")
    assert "security.W009" in result.stdout + result.stderr


def test_https_is_enforced_by_default_when_debug_is_off():
    values = production_settings(
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_PROXY_SSL_HEADER",
    )
    assert values == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 365 * 24 * 60 * 60,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }


def test_behind_a_proxy_that_redirects_the_redirect_can_be_turned_off_and_check_deploy_stays_quiet():
    values = production_settings(
        "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", DJANGO_SECURE_SSL_REDIRECT="false"
    )
    assert values == {"SECURE_SSL_REDIRECT": False, "SESSION_COOKIE_SECURE": True}
    result = manage("check", "--deploy", "--fail-level", "DEBUG", DJANGO_SECURE_SSL_REDIRECT="false")
    assert result.returncode == 0, result.stdout + result.stderr
