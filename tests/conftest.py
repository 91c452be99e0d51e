"""Shared by every test: the project on sys.path, and a real PostgreSQL started by
scripts/postgres.sh (which installs Debian's package when it is missing).

If PostgreSQL cannot be started the tests that need it fail, loudly: they never skip.
"""
import contextlib
import os
import pathlib
import secrets
import subprocess
import sys

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.intake.store import engine_for  # noqa: E402 - needs the path above
from tests.intake.receiver import CA_FILE  # noqa: E402

# The relay posts only over https to hosts the deployment lists: the tests' receivers are local,
# with a certificate from a test authority (tests/intake/receiver.py). Servers and commands the
# tests start inherit these.
os.environ["PHB_INTAKE_ALLOWED_HOSTS"] = "127.0.0.1"
os.environ["PHB_INTAKE_CA_BUNDLE"] = str(CA_FILE)

POSTGRES = ROOT / "scripts" / "postgres.sh"


@pytest.fixture(scope="session")
def postgres_server():
    result = subprocess.run([str(POSTGRES), "start"], capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        pytest.fail(f"PostgreSQL could not be started by scripts/postgres.sh:\n{result.stderr[-3000:]}")
    return result.stdout.strip().splitlines()[-1]


@contextlib.contextmanager
def new_database(server_url):
    """A new, empty database on the test server, dropped afterwards; yields its URL."""
    name = "phb_test_" + secrets.token_hex(4)
    # NullPool: a fresh connection each time, as a test may restart the server.
    admin = create_engine(server_url, future=True, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    url = server_url.rsplit("/", 1)[0] + "/" + name
    try:
        yield url
    finally:
        engine_for(url).dispose()
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def postgres_url(postgres_server):
    with new_database(postgres_server) as url:
        yield url
