"""Shared by every test: the project on sys.path, and a real PostgreSQL and Redis started by
scripts/postgres.sh and scripts/redis.sh (which install Debian's packages when they are missing).

If either cannot be started the tests that need it fail, loudly: they never skip.
"""

import contextlib
import gc
import os
import pathlib
import secrets
import subprocess
import sys
import time

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.storage.database import engine_for  # noqa: E402 - needs the path above
from tests.intake.receiver import CA_FILE  # noqa: E402

# The relay posts only over https to hosts the deployment lists: the tests' receivers are local,
# with a certificate from a test authority (tests/intake/receiver.py). Servers and commands the
# tests start inherit these.
os.environ["PHB_INTAKE_ALLOWED_HOSTS"] = "127.0.0.1"
os.environ["PHB_INTAKE_CA_BUNDLE"] = str(CA_FILE)
# Stored conversations and conversation ids need the intake key (bot/conversation_ids.py,
# bot/conversation_store.py): one made for this test run, unless a test sets its own.
if not os.environ.get("PHB_INTAKE_KEY"):
    from cryptography.fernet import Fernet  # noqa: E402

    os.environ["PHB_INTAKE_KEY"] = Fernet.generate_key().decode()

POSTGRES = ROOT / "scripts" / "postgres.sh"
REDIS = ROOT / "scripts" / "redis.sh"


@pytest.fixture(autouse=True)
def _nothing_left_frozen():
    """A test that warms a server up freezes what is alive (bot/frozen_heap.py): the rest of the
    run collects garbage as usual."""
    yield
    if gc.get_freeze_count():
        gc.unfreeze()


_RUN = {"start": time.monotonic(), "file": None, "reporter": None}


def pytest_sessionstart(session):
    _RUN["reporter"] = session.config.pluginmanager.get_plugin("terminalreporter")


@pytest.hookimpl(trylast=True)
def pytest_runtest_logstart(nodeid, location):
    """After each test file's name, the seconds since pytest began (`tests/x.py [812s] ....`). CI has
    a time limit, and a run it stops prints no --durations: this shows where the time went."""
    file = nodeid.split("::")[0]
    if file != _RUN["file"] and _RUN["reporter"] is not None:
        _RUN["file"] = file
        _RUN["reporter"].write(f"[{time.monotonic() - _RUN['start']:.0f}s] ")


@pytest.fixture(scope="session")
def postgres_server():
    result = subprocess.run([str(POSTGRES), "start"], capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        pytest.fail(f"PostgreSQL could not be started by scripts/postgres.sh:\n{result.stderr[-3000:]}")
    return result.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="session")
def redis_server():
    """(host, port) of a real Redis; stopped afterwards if this started it (the cluster's tests
    start their own with deploy/cluster.sh, and leave one they found running)."""
    found = subprocess.run([str(REDIS), "running"], capture_output=True, timeout=60).returncode == 0
    result = subprocess.run([str(REDIS), "start"], capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        pytest.fail(f"Redis could not be started by scripts/redis.sh:\n{result.stderr[-3000:]}")
    host, started_port = result.stdout.split()[-2:]
    yield host, int(started_port)
    if not found:
        subprocess.run([str(REDIS), "stop"], capture_output=True, timeout=60)


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
