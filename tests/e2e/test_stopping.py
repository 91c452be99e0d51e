"""`make run` stops every process it started when a supervisor stops `make` (SIGTERM to make
alone, as `docker stop` does to its first process) or the terminal that started it closes (SIGHUP
to its process group), or even when `make` is killed outright (SIGKILL, as a supervisor does when
SIGTERM takes too long), not only on Ctrl-C: its servers run in their own sessions, so nothing
else would stop them."""

import os
import signal
import subprocess
import time

import pytest
from cryptography.fernet import Fernet

from bench.run import free_port
from tests.e2e.conftest import MODEL, ROOT
from tests.e2e.processes import started_by


@pytest.mark.parametrize("sig, to_group", [(signal.SIGTERM, False), (signal.SIGHUP, True), (signal.SIGKILL, False)])
def test_stopping_make_run_stops_every_server(sig, to_group, tmp_path):
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make test`, which trains it first")
    logs = tmp_path / "logs"
    env = dict(
        os.environ,
        RASA_PORT=str(free_port()),
        ACTIONS_PORT=str(free_port()),
        WIDGET_PORT=str(free_port()),
        RASA_WORKERS="1",
        LOG_DIR=str(logs),
        DATABASE_URL=f"sqlite:///{tmp_path / 'intake.db'}",
        PHB_INTAKE_KEY=Fernet.generate_key().decode(),
        TF_CPP_MIN_LOG_LEVEL="2",
        RASA_TELEMETRY_ENABLED="false",
    )
    out = tmp_path / "make.out"
    # `make` in its own session, as a supervisor or a terminal runs it; the signal goes to make only.
    make = subprocess.Popen(
        ["make", "--no-print-directory", "run"],
        cwd=ROOT,
        env=env,
        stdout=open(out, "w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
        # As from a terminal: a hang-up stops it. A suite run under `nohup` would pass SIGHUP on
        # ignored, and a shell cannot trap a signal ignored when it starts (so nothing would stop).
        preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_DFL),
    )
    marker = f"LOG_DIR={logs}"
    try:
        start = time.monotonic()
        while "The assistant is ready." not in out.read_text():
            assert make.poll() is None and time.monotonic() - start < 300, out.read_text()[-3000:]
            time.sleep(0.25)
        running = started_by(marker)
        assert len(running) >= 5, running  # the script, Rasa, the action server, the relay, the widget host
        os.killpg(make.pid, sig) if to_group else make.send_signal(sig)
        make.wait(timeout=30)
        deadline = time.monotonic() + 60
        while started_by(marker) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert started_by(marker) == [], f"still running after {sig.name} to make:\n{out.read_text()[-2000:]}"
        if sig != signal.SIGKILL:  # killed outright, make cannot wait for the script's last words
            assert "Stopped." in out.read_text()
    finally:
        for pid in started_by(marker):
            os.kill(pid, signal.SIGKILL)
