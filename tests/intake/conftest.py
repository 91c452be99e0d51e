"""Real databases for the intake store: a SQLite file, and PostgreSQL (tests/conftest.py)."""

import pytest
from cryptography.fernet import Fernet

from bot.intake.store import IntakeStore
from bot.storage.database import engine_for


@pytest.fixture(autouse=True)
def intake_key(monkeypatch):
    key = Fernet.generate_key().decode()
    monkeypatch.setenv("PHB_INTAKE_KEY", key)
    return key


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
