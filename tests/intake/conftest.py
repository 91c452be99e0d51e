"""Real databases for the intake store: a SQLite file, and PostgreSQL started by
scripts/postgres.sh (which installs Debian's package when it is missing).

If PostgreSQL cannot be started the tests that need it fail, loudly: they never skip.
"""
import pathlib
import secrets
import subprocess

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from bot.intake.store import IntakeStore, engine_for

ROOT = pathlib.Path(__file__).resolve().parents[2]
POSTGRES = ROOT / "scripts" / "postgres.sh"


@pytest.fixture(autouse=True)
def intake_key(monkeypatch):
    key = Fernet.generate_key().decode()
    monkeypatch.setenv("PHB_INTAKE_KEY", key)
    return key


@pytest.fixture(scope="session")
def postgres_server():
    result = subprocess.run([str(POSTGRES), "start"], capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        pytest.fail(f"PostgreSQL could not be started by scripts/postgres.sh:\n{result.stderr[-3000:]}")
    return result.stdout.strip().splitlines()[-1]


@pytest.fixture
def postgres_url(postgres_server):
    """A new, empty database on the test server, dropped afterwards."""
    name = "phb_test_" + secrets.token_hex(4)
    # NullPool: a fresh connection each time, as a test may restart the server.
    admin = create_engine(postgres_server, future=True, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    url = postgres_server.rsplit("/", 1)[0] + "/" + name
    yield url
    engine_for(url).dispose()
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'intake.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    store = IntakeStore(url)
    store.migrate()
    yield store
    engine_for(url).dispose()
