"""bot/warm_up.py: the action server loads what bot/ needs as it starts, and a database that is
down then does not stop it starting (it is reported, by kind only, when a record is saved)."""

import subprocess
import sys

from bot import areas, outcome_analysis
from bot.safety.detector import detector
from bot.warm_up import warm_up


def test_warm_up_loads_the_pipeline_patterns_areas_and_detector(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'intake.db'}")
    warm_up()
    for loaded in (
        outcome_analysis.nlp,
        outcome_analysis.matchers,
        outcome_analysis.patterns,
        areas._shipped,
        detector,
    ):
        assert loaded.cache_info().currsize == 1, loaded.__name__


def test_a_database_down_at_start_is_a_warning_by_kind_only(monkeypatch, caplog):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg2://phb:secret-word@127.0.0.1:9/phb")  # nothing listens
    warm_up()
    assert "could not be reached at start: OperationalError" in caplog.text
    assert "secret-word" not in caplog.text and "127.0.0.1" not in caplog.text


def test_the_action_server_warms_up_only_when_asked():
    probe = "import sys, actions; print('bot.warm_up' in sys.modules)"
    for env, expected in (({}, "False"), ({"PHB_WARM_UP": "yes"}, "True")):
        done = subprocess.run(
            [sys.executable, "-c", probe],
            capture_output=True,
            text=True,
            timeout=300,
            env={"PATH": "/usr/bin:/bin", "DATABASE_URL": "sqlite:///:memory:", **env},
        )
        assert done.returncode == 0, done.stderr[-2000:]
        assert done.stdout.strip().splitlines()[-1] == expected
