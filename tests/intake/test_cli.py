"""The `phb-intake` staff command, run as staff would run it."""

import csv
import datetime as dt
import io
import json
import os
import pathlib
import subprocess
import sys

import pytest

from bot.intake.store import IntakeStore
from tests.intake.factory import NOW, record
from tests.intake.receiver import Receiver

CLI = pathlib.Path(sys.executable).parent / "phb-intake"


@pytest.fixture
def cli(tmp_path, intake_key):
    url = f"sqlite:///{tmp_path / 'intake.db'}"
    env = dict(os.environ, DATABASE_URL=url, PHB_INTAKE_KEY=intake_key)

    def run(*args, ok=True, extra_env=None):
        result = subprocess.run(
            [str(CLI), *args], capture_output=True, text=True, timeout=120, env={**env, **(extra_env or {})}
        )
        if ok:
            assert result.returncode == 0, result.stderr
        return result

    run("migrate")
    return run, IntakeStore(url)


def test_list_show_and_filters(cli):
    run, store = cli
    kent = store.submit(record()).reference
    cornwall = store.submit(record(area="cornwall-and-isles-of-scilly")).reference
    out = run("list").stdout
    assert kent in out and cornwall in out and "2 record(s)" in out
    assert "Marker" not in out  # the list names no one
    out = run("list", "--area", "kent-and-medway").stdout
    assert kent in out and cornwall not in out
    assert "0 record(s)" in run("list", "--from", "2030-01-01").stdout
    shown = json.loads(run("show", kent.lower(), "--format", "json").stdout)
    assert shown["details"]["name"] == "Marker Zebedee Quill" and shown["delivery"]["status"] == "pending"
    assert run("show", "PHB-NONE-NONE", ok=False).returncode == 1


def test_export_csv_and_json(cli, tmp_path):
    run, store = cli
    store.submit(record(now=NOW))
    store.submit(record(area="cornwall-and-isles-of-scilly"))
    rows = list(csv.DictReader(io.StringIO(run("export", "--format", "csv", "--area", "kent-and-medway").stdout)))
    assert len(rows) == 1
    assert rows[0]["Name"] == "Marker Zebedee Quill" and rows[0]["NHS number"] == "943 476 5919"
    assert rows[0]["Result"].startswith("From your answers, they are likely to have a legal right")
    assert rows[0]["Your choice for now"] == "Direct payment"
    out = tmp_path / "export.json"
    run("export", "--format", "json", "--from", "2026-11-25", "--to", "2026-11-26", "--output", str(out))
    data = json.loads(out.read_text())
    assert len(data) == 2 and {d["area"] for d in data} == {"kent-and-medway", "cornwall-and-isles-of-scilly"}
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    # Never over an existing file, never through a link someone left in its place.
    assert "already exists" in run("export", "--format", "json", "--output", str(out), ok=False).stderr
    link = tmp_path / "link.csv"
    link.symlink_to(tmp_path / "elsewhere.csv")
    assert run("export", "--format", "csv", "--output", str(link), ok=False).returncode != 0
    assert not (tmp_path / "elsewhere.csv").exists()


def test_show_and_csv_read_without_codes(cli):
    """Staff read the record in the words the person saw: no codes, every part, 'Not sure' and
    'Not asked' said, and a cell typed by the public never runs as a formula."""
    run, store = cli
    reference = store.submit(
        record(
            nhs_number="dont_know",
            communication_needs='large_print,other:=HYPERLINK("x")',
            anything_else='=HYPERLINK("http://example.invalid","click")',
        )
    ).reference
    shown = run("show", reference).stdout
    for words in (
        "Name: Marker Zebedee Quill",
        "NHS number: Not sure",
        "Interpreter language: Not asked",
        "Communication needs: Large print",
        "Who are you asking for?: For someone I care for",
        "Your choice for now: Direct payment",
        "Ways that may suit: Direct payment, Third party budget",
        "Outcome 1: By June, I will walk to the shop.",
        "Delivery: Waiting to be sent",
        "Channel: Chat widget",
    ):
        assert words in shown, words
    for code in ("dont_know", "large_print", "other:", "right_to_have", "direct_payment", "third_party", "pending"):
        assert code not in shown, code
    text = run("export", "--format", "csv").stdout
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["Anything else"] == '\'=HYPERLINK("http://example.invalid","click")'
    assert row["NHS number"] == "Not sure" and row["Are you 18 or over?"] == "Not asked"
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in csv.reader(io.StringIO(text)) for cell in r)
    for code in ("dont_know", "large_print", "right_to_have", "direct_payment"):
        assert code not in text, code


def test_mark_received_erase_and_purge(cli):
    run, store = cli
    ref = store.submit(record()).reference
    assert "marked as received" in run("mark-received", ref).stdout
    assert store.get(ref)[1].status == "received"
    assert "would purge 0" in run("purge", "--dry-run").stdout
    out = run("erase", ref).stdout
    assert "erased" in out and store.get(ref) is None
    assert run("erase", ref, ok=False).returncode == 1


def _tracker_db(tmp_path, *senders):
    """A stored conversation for each widget id, saved by our SQL tracker store."""
    import asyncio

    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.conversation_ids import stored_id
    from rasa_plugins.sql_tracker_store import PhbSQLTrackerStore

    tracker_store = PhbSQLTrackerStore(Domain.empty(), db=str(tmp_path / "tracker.db"))
    for sender in senders:
        tracker = DialogueStateTracker.from_events(stored_id(sender), [UserUttered("Marker Zebedee Quill")])
        asyncio.run(tracker_store.save(tracker))
    return f"sqlite:///{tmp_path / 'tracker.db'}", tracker_store


def _stored(url):
    from sqlalchemy import create_engine, text

    with create_engine(url).connect() as c:
        return set(c.execute(text("select distinct sender_id from events")).scalars())


def test_erase_by_reference_or_by_conversation_id_takes_the_conversation_first(cli, tmp_path, intake_key):
    import secrets

    from bot.conversation_ids import stored_id

    run, store = cli
    by_ref, by_id, other = (secrets.token_hex(16) for _ in range(3))
    url, _ = _tracker_db(tmp_path, by_ref, by_id, other)
    first = store.submit(record(conversation_id=stored_id(by_ref))).reference
    second = store.submit(record(conversation_id=stored_id(by_id))).reference
    third = store.submit(record(conversation_id=stored_id(other))).reference
    # The tracker store cannot be reached: nothing is erased, loudly.
    broken = run("erase", first, "--tracker-db", "postgresql://nobody@127.0.0.1:1/none", ok=False)
    assert broken.returncode == 1 and "NOT ERASED" in broken.stderr and store.get(first) is not None
    out = run("erase", first, "--tracker-db", url).stdout
    assert "1 stored conversation event(s) erased" in out and store.get(first) is None
    assert _stored(url) == {stored_id(by_id), stored_id(other)}
    # By the widget's id (what "End chat" would have used), or by the stored id.
    out = run("erase", "--conversation", by_id, "--tracker-db", url).stdout
    assert f"{second}: record and outbox row erased" in out and store.get(second) is None
    assert _stored(url) == {stored_id(other)}
    out = run("erase", "--conversation", stored_id(other).upper(), "--tracker-db", url).stdout
    assert store.get(third) is None and _stored(url) == set()
    assert run("erase", "--conversation", "not-an-id", ok=False).returncode == 2


def test_rekey_moves_records_and_conversations_to_the_new_key(cli, tmp_path, intake_key):
    import secrets

    from cryptography.fernet import Fernet
    from sqlalchemy import create_engine, text

    from bot.storage.crypto import new_key

    run, store = cli
    url, _ = _tracker_db(tmp_path, secrets.token_hex(16))
    ref = store.submit(record()).reference
    new = new_key()
    out = run("rekey", "--tracker-db", url, extra_env={"PHB_INTAKE_KEY": f"{new},{intake_key}"}).stdout
    assert "1 record(s)" in out and "1 stored conversation event(s)" in out
    assert "Marker" in run("show", ref, extra_env={"PHB_INTAKE_KEY": new}).stdout
    with create_engine(url).connect() as c:
        for token in c.execute(text("select data from events")).scalars():
            Fernet(new.encode()).decrypt(token.encode())


def test_relay_once_delivers_to_the_configured_endpoint(cli):
    run, store = cli
    ref = store.submit(record(now=dt.datetime.now(dt.timezone.utc))).reference
    with Receiver() as receiver:
        out = run(
            "relay", "--once", extra_env={"PHB_INTAKE_ENDPOINTS": json.dumps({"kent-and-medway": receiver.url})}
        ).stdout
    assert "delivered 1" in out
    assert store.get(ref)[1].status == "delivered"


def test_a_missing_key_is_reported_without_a_traceback(cli):
    run, store = cli
    store.submit(record())
    result = run("export", "--format", "json", ok=False, extra_env={"PHB_INTAKE_KEY": ""})
    assert result.returncode == 1 and "PHB_INTAKE_KEY" in result.stderr and "Traceback" not in result.stderr
