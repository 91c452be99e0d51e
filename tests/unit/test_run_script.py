"""scripts/run.sh (what `make run` runs) refuses settings it cannot use before it starts anything."""

import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("workers", ["two", "0", "-1", "1.5", " 2", "100", "2; rm -rf /"])
def test_a_number_of_rasa_servers_that_is_not_a_whole_number_gets_a_clear_message(workers, tmp_path):
    env = {**os.environ, "RASA_WORKERS": workers, "LOG_DIR": str(tmp_path / "logs")}
    done = subprocess.run(["scripts/run.sh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert "RASA_WORKERS is how many Rasa servers to start" in done.stderr and repr(workers) in done.stderr
    assert done.stdout == ""  # nothing was started, so there is nothing to stop
    assert not (tmp_path / "logs").exists()


def test_the_production_layout_refuses_to_make_up_an_intake_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PHB_INTAKE_KEY", "PHB_ALLOW_DEVELOPMENT_KEY")}
    env.update(CLUSTER_DIR=str(tmp_path / "cluster"))
    done = subprocess.run(["deploy/cluster.sh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert "set PHB_INTAKE_KEY" in done.stderr and "PHB_ALLOW_DEVELOPMENT_KEY=yes" in done.stderr
    assert done.stdout == "" and not (tmp_path / "cluster").exists()  # nothing was started
