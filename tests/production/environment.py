"""The production environment as the README documents it, for processes the tests start."""

import os
import re
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"

#: What a process needs from the machine; everything Concordat reads comes from the README.
MACHINE = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TZ", "PGPASSWORD")


def documented_environment():
    """The variables of the README's ``.env`` example (Deploying with docker-compose),
    each ``<placeholder>`` replaced by a fresh random value."""
    section = README.read_text(encoding="utf-8").split("## Deploying", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL).group(1)
    values = {}
    for line in block.splitlines():
        name, sep, value = line.strip().partition("=")
        if sep and re.fullmatch(r"[A-Z][A-Z0-9_]*", name):
            values[name] = re.sub(r"<[^>]*>", lambda _: secrets.token_urlsafe(48), value)
    return values


def production_environment(**overrides):
    """The README's production variables with DEBUG off, as the Dockerfile and
    docker-compose.yml run them, nothing inherited from this process but the
    machine's basics, then ``overrides``."""
    env = {name: os.environ[name] for name in MACHINE if name in os.environ}
    env.update(documented_environment())
    env["DJANGO_DEBUG"] = "false"
    env.update(overrides)
    return env
