"""`phb-insight` on a real SQLite database."""

import datetime as dt

import pytest

from processes import insight_command as cli
from bot.insight.derive import Fact
from bot.insight.store import InsightStore
from bot.intake.store import IntakeStore
from bot.storage.database import engine_for

DAY = dt.date(2026, 11, 25)


@pytest.fixture
def database(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'intake.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    yield url
    engine_for(url).dispose()


def test_report_prints_and_writes_three_files(database, tmp_path, capsys):
    IntakeStore(database).migrate()
    InsightStore(database).add([Fact(DAY, f"c{n}", "kent-and-medway", "message") for n in range(6)])
    out = tmp_path / "out"
    assert (
        cli.main(
            ["report", "--area", "kent-and-medway", "--from", "2026-11-01", "--to", "2026-11-30", "--out", str(out)]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert "conversations" in printed and " 6" in printed
    assert sorted(p.name for p in out.iterdir()) == [
        "insight-kent-and-medway-2026-11-01-2026-11-30-comments.csv",
        "insight-kent-and-medway-2026-11-01-2026-11-30.csv",
        "insight-kent-and-medway-2026-11-01-2026-11-30.png",
    ]


def test_purge(database, capsys):
    IntakeStore(database).migrate()
    InsightStore(database).add(
        [Fact(DAY, "c", None, "message"), Fact(DAY + dt.timedelta(days=1), "c", None, "message")]
    )
    assert cli.main(["purge", "--before", "2026-11-26"]) == 0
    assert "Deleted 1 facts" in capsys.readouterr().out


def test_a_database_without_the_table_is_a_clear_error(database, capsys):
    assert cli.main(["report", "--area", "all", "--from", "2026-11-01", "--to", "2026-11-30"]) == 1
    assert "phb-intake migrate" in capsys.readouterr().err


def test_bad_dates_are_refused(database):
    with pytest.raises(SystemExit):
        cli.main(["report", "--area", "all", "--from", "25/11/2026"])
    with pytest.raises(SystemExit):
        cli.main(["report", "--area", "all", "--from", "2026-11-30", "--to", "2026-11-01"])
