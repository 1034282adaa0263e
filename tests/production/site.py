"""Concordat run as deployed: DEBUG off, collectstatic into a fresh static root
(whitenoise's manifest storage), a fresh database with the demo, gunicorn as the
Dockerfile starts it. Everything it makes is removed when it stops."""

import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.parse
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

import environ

from tests.production.environment import ROOT, production_environment

HOST = "127.0.0.1"


class Failed(Exception):
    """A step of starting the site did not work; the message says which and why."""


def run(args, env, what, timeout=300):
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise Failed(
            f"{what} failed ({result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result.stdout


class Database:
    """A uniquely named PostgreSQL database beside DATABASE_URL's, or an SQLite file."""

    def __init__(self, workdir):
        self.server = os.environ.get("DATABASE_URL", "")
        self.name = None
        if self.server.startswith(("postgres://", "postgresql://")):
            config = environ.Env.db_url_config(self.server)
            self.name = f"{config['NAME']}_production_{secrets.token_hex(4)}"[-63:]
            self.url = urllib.parse.urlsplit(self.server)._replace(path=f"/{self.name}").geturl()
            self.execute(f'CREATE DATABASE "{self.name}"')
        else:
            self.url = f"sqlite:///{workdir / 'production.sqlite3'}"

    def execute(self, statement):
        import psycopg2

        config = environ.Env.db_url_config(self.server)
        connection = psycopg2.connect(
            dbname="postgres",
            user=config["USER"] or None,
            password=config["PASSWORD"] or None,
            host=config["HOST"] or None,
            port=config["PORT"] or None,
        )
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            connection.close()

    def drop(self):
        if self.name:
            self.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


class ProductionSite:
    def __init__(self, workdir):
        self.workdir = Path(workdir)
        self.gunicorn = None
        self.database = None
        self.url = None

    def start(self):
        self.database = Database(self.workdir)
        self.env = production_environment(
            DATABASE_URL=self.database.url,
            DJANGO_ALLOWED_HOSTS=HOST,
            DJANGO_STATIC_ROOT=str(self.workdir / "static"),
            DJANGO_MEDIA_ROOT=str(self.workdir / "uploads"),
            CELERY_TASK_ALWAYS_EAGER="true",
            REDIS_URL="",
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            # "As it stood on" is made in the background (a thread here), as a large record's is.
            AS_OF_PDF_IN_REQUEST_UP_TO="1",
        )
        python = [sys.executable, "manage.py"]
        # collectstatic and the database are independent: build them side by side.
        collect = subprocess.Popen(
            [*python, "collectstatic", "--no-input", "-v", "0"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            run([*python, "migrate", "--no-input", "-v", "0"], self.env, "migrate")
            run([*python, "load_demo", "--force", "-v", "0"], self.env, "load_demo --force")
            discovered = run([sys.executable, "-m", "tests.production.discover"], self.env, "discover")
            self.addresses = json.loads(discovered)
        finally:
            output, _ = collect.communicate(timeout=300)
        if collect.returncode != 0:
            raise Failed(f"collectstatic failed:\n{output[-3000:]}")
        self.start_gunicorn()

    def start_gunicorn(self):
        """As the Dockerfile's CMD, on a port the system picks, in its own process group."""
        log = self.workdir / "gunicorn.log"
        self.log = log
        with log.open("w") as handle:
            self.gunicorn = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "partnership.wsgi:application",
                    "--bind",
                    f"{HOST}:0",
                    "--workers",
                    "2",
                    "--timeout",
                    "120",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=handle,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while self.url is None:
            found = re.search(r"Listening at: (http://\S+)", log.read_text())
            if found:
                self.url = found.group(1)
            elif self.gunicorn.poll() is not None or time.monotonic() > deadline:
                raise Failed(f"gunicorn did not start:\n{log.read_text()[-3000:]}")
            else:
                time.sleep(0.2)
        while True:
            try:
                Visitor(self.url).get("/accounts/login/")
                return
            except URLError:
                if self.gunicorn.poll() is not None or time.monotonic() > deadline:
                    raise Failed(f"gunicorn does not answer:\n{log.read_text()[-3000:]}") from None
                time.sleep(0.2)

    def stop(self):
        try:
            if self.gunicorn is not None and self.gunicorn.poll() is None:
                os.killpg(self.gunicorn.pid, signal.SIGINT)  # gunicorn: quick shutdown
                try:
                    self.gunicorn.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(self.gunicorn.pid, signal.SIGKILL)
                    self.gunicorn.wait(timeout=20)
        finally:
            if self.database is not None:
                self.database.drop()


class BehindTheProxy(DefaultCookiePolicy):
    """Send secure cookies back: the requests say (X-Forwarded-Proto) they came over HTTPS."""

    def return_ok_secure(self, cookie, request):
        return True


class NoRedirects(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Response:
    def __init__(self, url, status, headers, body):
        self.url, self.status, self.headers, self.body = url, status, headers, body

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


class Visitor:
    """A browser whose requests reach gunicorn through a TLS-terminating proxy
    (or, ``over_https=False``, straight over plain HTTP)."""

    def __init__(self, base, *, over_https=True):
        self.base = base
        self.over_https = over_https
        self.origin = "https://" + urllib.parse.urlsplit(base).netloc
        self.cookies = CookieJar(BehindTheProxy())
        self.opener = build_opener(HTTPCookieProcessor(self.cookies), NoRedirects())

    def request(self, path, data=None):
        headers = {"X-Forwarded-Proto": "https"} if self.over_https else {}
        if data is not None:
            headers |= {"Origin": self.origin, "Referer": self.origin + path}
            data = urllib.parse.urlencode(data).encode()
        request = Request(self.base + path, data=data, headers=headers)
        try:
            with self.opener.open(request, timeout=120) as answer:
                return Response(path, answer.status, answer.headers, answer.read())
        except HTTPError as error:
            return Response(path, error.code, error.headers, error.read())

    def get(self, path):
        return self.request(path)

    def post(self, path, data):
        return self.request(path, data)

    def csrf_token(self, page):
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)

    def sign_in(self, username, password="concordat-demo"):
        page = self.get("/accounts/login/")
        answer = self.post(
            "/accounts/login/",
            {"username": username, "password": password, "csrfmiddlewaretoken": self.csrf_token(page)},
        )
        if answer.status != 302:
            raise Failed(f"{username} could not sign in ({answer.status}): {answer.text[:2000]}")
        return answer
