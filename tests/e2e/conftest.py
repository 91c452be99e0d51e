"""Start the real action server and Rasa server (trained model, REST channel) for a test run."""

import contextlib
import os
import pathlib
import secrets
import subprocess
import sys
import time

import pytest
import requests
import yaml

from bench.run import free_port
from rasa_plugins.switch import speedups_on
from tests.conftest import new_database

ROOT = pathlib.Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "phb.tar.gz"
RASA = pathlib.Path(sys.executable).parent / "rasa"
START_TIMEOUT = 240


def wait_until_up(url, procs, logs):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        for proc, log in zip(procs, logs):
            if proc.poll() is not None:
                pytest.fail(f"a server exited early:\n{pathlib.Path(log.name).read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    pytest.fail(f"{url} did not answer within {START_TIMEOUT}s")


class Stack:
    """A real action server and Rasa server (trained model, REST channel), as `make run` starts them,
    each of which a test can stop, kill or start again on the same port."""

    def __init__(self, tmp, env, tracker_store=None, cors_origin=None):
        self.tmp, self.env, self.cors_origin = tmp, env, cors_origin
        self.rasa_port, self.actions_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.rasa_port}"
        self.endpoints = tmp / "endpoints.yml"
        # endpoints.yml with this run's action server and, if given, another tracker store; the
        # insight broker writes to this run's database (env) and flushes often, for the tests.
        endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text())
        endpoints["action_endpoint"]["url"] = f"http://127.0.0.1:{self.actions_port}/webhook"
        endpoints["event_broker"]["flush_seconds"] = 0.2
        if tracker_store:
            endpoints["tracker_store"] = tracker_store
        self.endpoints.write_text(yaml.safe_dump(endpoints))
        self.procs, self.log_files, self.logs = {}, {}, []

    def _start(self, name, command):
        path = self.tmp / f"{name}-{len(self.logs)}.log"
        self.logs.append(path)
        self.log_files[name] = open(path, "w")
        self.procs[name] = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=self.log_files[name], stderr=subprocess.STDOUT
        )

    def start_actions(self):
        # SANIC_HOST: the action server listens on loopback only, as scripts/run.sh starts it.
        self.env = dict(self.env, SANIC_HOST="127.0.0.1")
        self._start("actions", [str(RASA), "run", "actions", "--actions", "actions", "--port", str(self.actions_port)])
        wait_until_up(
            f"http://127.0.0.1:{self.actions_port}/health", [self.procs["actions"]], [self.log_files["actions"]]
        )

    def start_rasa(self):
        cors = ["--cors", self.cors_origin] if self.cors_origin else []
        self._start(
            "rasa",
            [
                str(RASA),
                "run",
                "--model",
                str(MODEL),
                "--interface",
                "127.0.0.1",
                "--port",
                str(self.rasa_port),
                "--credentials",
                "credentials.yml",
                "--endpoints",
                str(self.endpoints),
                *cors,
            ],
        )
        wait_until_up(self.url + "/", [self.procs["rasa"]], [self.log_files["rasa"]])
        # The server is what PHB_RASA_SPEEDUPS asks for: ours, or stock Rasa (`make test` runs a
        # set both ways). rasa_plugins/speedups.py logs which, as our channel is made.
        mode = "on" if speedups_on() else "off"
        if f"Rasa speed-ups are {mode}" not in self.logs[-1].read_text(errors="replace"):
            pytest.fail(f"the Rasa server did not say its speed-ups are {mode}, as PHB_RASA_SPEEDUPS asks")
        # With them on, what the server loaded is frozen out of garbage collection once the model
        # is loaded (bot/frozen_heap.py): said just after it starts answering.
        frozen = "left out of garbage collection"
        deadline = time.monotonic() + 30
        while mode == "on" and frozen not in self.logs[-1].read_text(errors="replace"):
            if time.monotonic() > deadline:
                pytest.fail("the Rasa server did not freeze what it loaded, with its speed-ups on")
            time.sleep(0.2)
        if mode == "off" and frozen in self.logs[-1].read_text(errors="replace"):
            pytest.fail("the Rasa server froze what it loaded, with its speed-ups off")

    def start(self):
        self.start_actions()
        self.start_rasa()
        return self

    def stop(self, name, kill=False):
        proc = self.procs.pop(name)
        proc.kill() if kill else proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        self.log_files.pop(name).close()

    def stop_all(self):
        for name in list(self.procs):
            self.stop(name)

    def log_text(self):
        return "\n".join(path.read_text(errors="replace") for path in self.logs)


def intake_env(tmp, database_url=None):
    """A real intake database (SQLite unless given) and key, as `make run` sets them up."""
    database_url = database_url or f"sqlite:///{tmp / 'intake.db'}"
    # The test run's key (tests/conftest.py), so the tests can find a conversation by its stored id.
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", RASA_TELEMETRY_ENABLED="false", DATABASE_URL=database_url)
    migrated = subprocess.run(
        [str(RASA.parent / "phb-intake"), "migrate"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if migrated.returncode != 0:
        pytest.fail(f"the intake database could not be made:\n{migrated.stderr}")
    return env


@pytest.fixture(scope="session")
def trained_agent():
    """The trained model, loaded once for the tests that check it directly (no servers), as the
    server loads it: with our speed-ups unless PHB_RASA_SPEEDUPS=off (our REST channel applies them)."""
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make test`, which trains it first")
    from rasa.core.agent import Agent

    from rasa_plugins import speedups

    speedups.apply_if_switched_on()  # as the server does

    return Agent.load(str(MODEL))


@contextlib.contextmanager
def on_real_actions(agent, tmp, tracker_store):
    """The agent's processor with `tracker_store`, calling a real action server started here; both
    put back afterwards."""
    from rasa.utils.endpoints import EndpointConfig

    stack = Stack(tmp, intake_env(tmp))
    stack.start_actions()
    processor = agent.processor
    kept = processor.tracker_store, processor.action_endpoint
    processor.tracker_store = tracker_store
    processor.action_endpoint = EndpointConfig(f"http://127.0.0.1:{stack.actions_port}/webhook")
    try:
        yield processor
    finally:
        processor.tracker_store, processor.action_endpoint = kept
        stack.stop_all()


@pytest.fixture(scope="session")
def servers(tmp_path_factory):
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make test`, which trains it first")
    tmp = tmp_path_factory.mktemp("servers")
    env = intake_env(tmp)
    widget_port = free_port()
    # The widget's page (tests/e2e/test_widget*.py) is served from this origin.
    stack = Stack(tmp, env, cors_origin=f"http://127.0.0.1:{widget_port}")
    try:
        stack.start()
        yield {
            "url": stack.url,
            "env": env,
            "database_url": env["DATABASE_URL"],
            "dir": tmp,
            "logs": stack.logs,
            "widget_port": widget_port,
        }
    finally:
        stack.stop_all()


class Chat:
    """One person's conversation over the REST channel, with an unguessable id like the widget's."""

    def __init__(self, url, area=None):
        self.url = url + "/webhooks/rest/webhook"
        self.sender = secrets.token_hex(16)
        self.metadata = {"area": area} if area else {}

    def say(self, message):
        body = {"sender": self.sender, "message": message, "metadata": self.metadata}
        response = requests.post(self.url, json=body, timeout=30)
        assert response.status_code == 200, response.text
        return response.json()


def text_of(replies):
    return "\n".join(r.get("text", "") for r in replies)


def buttons_of(replies):
    return [b["title"] for r in replies for b in r.get("buttons", [])]


def answered_or_offered_first(chat, replies, title, answered):
    """The replies that answer a question: given at once, or after pressing `title`, which must be
    the first "did you mean" button. Which of the two depends on the trained model (training is
    repeatable on one machine, not across machines: README, known limits), and both are right by
    design (issue 21: not sure, the right answer one tap away). `answered` tells an answer."""
    if answered(text_of(replies)):
        return replies
    assert "not sure" in text_of(replies), text_of(replies)
    offered = [b for r in replies for b in r.get("buttons") or []]
    assert offered and offered[0]["title"] == title, [b["title"] for b in offered]
    replies = chat.say(offered[0]["payload"])
    assert answered(text_of(replies)), text_of(replies)
    return replies


def direct_payment_answered(text):
    """What a direct payment is, from the FAQ answer or the direct payment guide (both say it; no
    other answer does)."""
    return "bank account used only for this" in text.lower()


def payload_of(replies, title):
    """What the widget sends when the button with this title is pressed."""
    return next(b["payload"] for r in replies for b in r.get("buttons", []) if b["title"] == title)


# ---- The web widget in a real browser (Debian's Chromium, driven by Playwright) ----

CHROMIUM = os.environ.get("PHB_CHROMIUM", "/usr/bin/chromium")
# As on a closed network: no background calls to Google, no first-run pages.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = ROOT / "widget" / "node_modules" / "axe-core" / "axe.min.js"


def start_widget_host(port, server, log_path):
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [str(RASA.parent / "phb-widget"), "serve", "--port", str(port), "--server", server],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    wait_until_up(f"http://127.0.0.1:{port}/phb-chat.js", [proc], [log])
    return proc, log


def stop(proc, log):
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def widget_url(servers):
    """The demo ICB page, its widget talking to the test's Rasa server."""
    proc, log = start_widget_host(servers["widget_port"], servers["url"], servers["dir"] / "widget.log")
    yield f"http://127.0.0.1:{servers['widget_port']}"
    stop(proc, log)


@pytest.fixture(scope="session")
def dead_widget_url(tmp_path_factory):
    """The demo page with a widget whose assistant cannot be reached (nothing listens on its port)."""
    port = free_port()
    proc, log = start_widget_host(port, f"http://127.0.0.1:{free_port()}", tmp_path_factory.mktemp("dead") / "w.log")
    yield f"http://127.0.0.1:{port}"
    stop(proc, log)


# Module scope: while Playwright's sync API runs, this thread counts as inside an event loop, and later tests
# that call asyncio.run() would fail.
@pytest.fixture(scope="module")
def browser():
    if not pathlib.Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: `make test` installs Debian's chromium (scripts/chromium.sh)")
    if not AXE.exists():
        pytest.fail(f"no axe-core at {AXE}: `make test` installs it with npm")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser):
    """Pages in a fresh browser profile. The demo page's CSP is bypassed so that axe can be injected and so the
    XSS tests check the widget's own rendering, not the page's CSP."""
    contexts = []

    def make(width=1280, height=800, **options):
        context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True, **options)
        context.set_default_timeout(20000)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        return page

    yield make
    for context in contexts:
        context.close()


# ---- Production's storage: conversations in our SQL tracker store, intake records in PostgreSQL ----


def tracker_store_config(database_url):
    """As deploy/endpoints.yml: our SQL tracker store (rasa_plugins/sql_tracker_store.py)."""
    production = yaml.safe_load((ROOT / "deploy" / "endpoints.yml").read_text())["tracker_store"]
    return {"type": production["type"], "dialect": "postgresql", "url": database_url}


@pytest.fixture(scope="session")
def sql_stack(tmp_path_factory, postgres_server):
    """Servers keeping conversations in PostgreSQL (Rasa's SQLTrackerStore) and intake records in another
    PostgreSQL database, so each can fail on its own. Tests that stop a server start it again."""
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make test`, which trains it first")
    tmp = tmp_path_factory.mktemp("sql-stack")
    with new_database(postgres_server) as tracker_url, new_database(postgres_server) as intake_url:
        stack = Stack(tmp, intake_env(tmp, intake_url), tracker_store=tracker_store_config(tracker_url))
        stack.tracker_url, stack.intake_url, stack.server_url = tracker_url, intake_url, postgres_server
        try:
            yield stack.start()
        finally:
            stack.stop_all()
