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
        result = subprocess.run([str(CLI), *args], capture_output=True, text=True, timeout=120,
                                env={**env, **(extra_env or {})})
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
    shown = json.loads(run("show", kent.lower()).stdout)
    assert shown["details"]["name"] == "Marker Zebedee Quill" and shown["delivery"]["status"] == "pending"
    assert run("show", "PHB-NONE-NONE", ok=False).returncode == 1


def test_export_csv_and_json(cli, tmp_path):
    run, store = cli
    store.submit(record(now=NOW))
    store.submit(record(area="cornwall-and-isles-of-scilly"))
    rows = list(csv.DictReader(io.StringIO(run("export", "--format", "csv", "--area", "kent-and-medway").stdout)))
    assert len(rows) == 1
    assert rows[0]["name"] == "Marker Zebedee Quill" and rows[0]["nhs_number"] == "9434765919"
    assert rows[0]["eligibility_result"] == "right_to_have" and rows[0]["money_preferred"] == "direct_payment"
    out = tmp_path / "export.json"
    run("export", "--format", "json", "--from", "2026-11-25", "--to", "2026-11-26", "--output", str(out))
    data = json.loads(out.read_text())
    assert len(data) == 2 and {d["area"] for d in data} == {"kent-and-medway", "cornwall-and-isles-of-scilly"}
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_mark_received_erase_and_purge(cli):
    run, store = cli
    ref = store.submit(record()).reference
    assert "marked as received" in run("mark-received", ref).stdout
    assert store.get(ref)[1].status == "received"
    assert "would purge 0" in run("purge", "--dry-run").stdout
    out = run("erase", ref).stdout
    assert "erased" in out and store.get(ref) is None
    assert run("erase", ref, ok=False).returncode == 1


def test_relay_once_delivers_to_the_configured_endpoint(cli):
    run, store = cli
    ref = store.submit(record(now=dt.datetime.now(dt.timezone.utc))).reference
    with Receiver() as receiver:
        out = run("relay", "--once",
                  extra_env={"PHB_INTAKE_ENDPOINTS": json.dumps({"kent-and-medway": receiver.url})}).stdout
    assert "delivered 1" in out
    assert store.get(ref)[1].status == "delivered"


def test_a_missing_key_is_reported_without_a_traceback(cli):
    run, store = cli
    store.submit(record())
    result = run("export", "--format", "json", ok=False, extra_env={"PHB_INTAKE_KEY": ""})
    assert result.returncode == 1 and "PHB_INTAKE_KEY" in result.stderr and "Traceback" not in result.stderr
