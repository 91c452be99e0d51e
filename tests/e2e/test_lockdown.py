"""`make run`'s own script (scripts/run.sh), started as a person would start it, is locked down by
default: Rasa's HTTP API is off, browsers may call it only from the configured origins, and the
action server cannot be reached from another machine. With RASA_API_TOKEN the API is on, behind
that token."""

import pathlib
import re
import socket

import pytest
import requests
from cryptography.fernet import Fernet

from bench.run import Ours as RunScript
from bot.conversation_ids import stored_id
from tests.e2e.conftest import MODEL, Chat, text_of

EVIL = "http://evil.example"


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make test`, which trains it first")
    # Two Rasa servers behind the router, as on a machine with two cores or more.
    run = RunScript(tmp_path_factory.mktemp("run-default"), RASA_WORKERS="2")
    yield run
    assert run.stop() == 0, "Ctrl-C (or SIGTERM) stops it cleanly"


def test_the_http_api_is_off(default_run):
    for method, path in [
        ("GET", "/status"),
        ("GET", "/version"),
        ("GET", "/domain"),
        ("GET", "/conversations/someone/tracker"),
        ("POST", "/model/parse"),
        ("PUT", "/model"),
        ("POST", "/conversations/someone/trigger_intent"),
    ]:
        response = requests.request(method, default_run.url + path, json={}, timeout=10)
        assert response.status_code == 404, (method, path, response.status_code)
    # The chat itself works.
    assert "amount of NHS money" in text_of(Chat(default_run.url).say("what is a personal health budget?"))


def test_browsers_may_call_it_only_from_the_configured_origins(default_run):
    webhook = default_run.url + "/webhooks/rest/webhook"
    body = {"sender": Chat(default_run.url).sender, "message": "hello"}
    allowed = requests.post(webhook, json=body, headers={"Origin": default_run.widget_origin}, timeout=30)
    assert allowed.headers.get("Access-Control-Allow-Origin") == default_run.widget_origin
    refused = requests.post(webhook, json=body, headers={"Origin": EVIL}, timeout=30)
    assert "Access-Control-Allow-Origin" not in refused.headers
    preflight = requests.options(
        webhook,
        timeout=10,
        headers={
            "Origin": EVIL,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert "Access-Control-Allow-Origin" not in preflight.headers


def test_the_action_server_listens_on_loopback_only(default_run):
    port = default_run.ports["ACTIONS_PORT"]
    assert requests.get(f"http://127.0.0.1:{port}/health", timeout=10).ok
    address = outward_address()
    with socket.socket() as s:
        s.settimeout(5)
        assert s.connect_ex((address, port)) != 0, f"the action server answers on {address}"
    # The Rasa servers and the router in front of them bind loopback too in `make run`: a reverse
    # proxy publishes it (docs/security.md).
    for port in [default_run.ports["RASA_PORT"], *rasa_ports(default_run)]:
        with socket.socket() as s:
            s.settimeout(5)
            assert s.connect_ex((address, port)) != 0, port


def test_nothing_personal_or_secret_is_in_the_startup_output(default_run):
    out = default_run.out.read_text()
    assert "PHB_INTAKE_KEY=" not in out and "DEVELOPMENT key" not in out  # a key was given: no dev key made
    logs = pathlib.Path(default_run.out.parent / "logs")
    assert sorted(p.name for p in logs.glob("*.log")) == [
        "actions.log",
        "migrate.log",
        "rasa-1.log",
        "rasa-2.log",
        "relay.log",
        "router.log",
        "widget.log",
    ]


def rasa_ports(run) -> list:
    """The Rasa servers' own ports, as the router's log names them."""
    log = (run.out.parent / "logs" / "router.log").read_text()
    return [int(p) for p in re.search(r"to Rasa servers on ports ([\d ]+)", log).group(1).split()]


def test_each_rasa_server_refuses_a_huge_body_before_reading_it_and_a_bad_id_anywhere(default_run):
    """Sanic would read 100 MB before our channel refuses more than 64 KB: scripts/serve.sh caps each
    Rasa server at 256 KB. And only a 128-bit id, as 32 hex digits, is a conversation."""
    for port in rasa_ports(default_run):
        huge = requests.post(
            f"http://127.0.0.1:{port}/webhooks/rest/webhook",
            data=b"x" * (1024 * 1024),
            headers={"Content-Type": "application/json"},
            timeout=30,
        )
        assert huge.status_code == 413, huge.text
        for sender in ("default", "A" * 32, "a" * 31, "g" * 32):
            bad = requests.post(
                f"http://127.0.0.1:{port}/webhooks/rest/webhook", json={"sender": sender, "message": "hi"}, timeout=30
            )
            assert bad.status_code == 400 and bad.json()["error"] == "bad_sender", sender


TOKEN = "t-" + Fernet.generate_key().decode()[:30]


@pytest.fixture(scope="module")
def api_run(tmp_path_factory):
    run = RunScript(tmp_path_factory.mktemp("run-api"), RASA_API_TOKEN=TOKEN, RASA_WORKERS="2")
    yield run
    assert run.stop() == 0


def test_with_a_token_the_api_is_on_and_needs_it(api_run):
    run = api_run
    assert requests.get(run.url + "/status", timeout=10).status_code == 401
    assert requests.get(run.url + "/conversations/someone/tracker", timeout=10).status_code == 401
    assert requests.get(run.url + "/status", params={"token": "wrong"}, timeout=10).status_code == 401
    assert requests.get(run.url + "/status", params={"token": TOKEN}, timeout=10).status_code == 200


def test_each_conversation_stays_on_one_of_the_two_rasa_servers(api_run):
    """Each Rasa server keeps its conversations in memory: every message of one conversation must
    reach the same server, and the two servers must share the conversations."""
    ports = rasa_ports(api_run)
    assert len(ports) == 2
    owners = []
    for _ in range(12):
        chat = Chat(api_run.url)
        said = ["what is a personal health budget?", "what can it pay for?", "how do I start?"]
        for text in said:
            assert text_of(chat.say(text)), text
        texts = [
            [
                e.get("text")
                for e in requests.get(
                    f"{base}/conversations/{stored_id(chat.sender, api_run.key)}/tracker",
                    params={"token": TOKEN},
                    timeout=10,
                ).json()["events"]
                if e["event"] == "user"
            ]
            for base in [api_run.url] + [f"http://127.0.0.1:{p}" for p in ports]
        ]
        assert texts[0] == said  # through the router: the whole conversation, in order
        holders = [i for i, found in enumerate(texts[1:]) if found]
        assert len(holders) == 1 and texts[1 + holders[0]] == said, texts
        owners.append(holders[0])
    assert set(owners) == {0, 1}


def outward_address():
    """This machine's address on its main network interface (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed, but picks the interface
            address = s.getsockname()[0]
        except OSError:
            address = "127.0.0.1"
    if address.startswith("127."):
        pytest.fail(
            "this machine has no network interface besides loopback: the test cannot tell loopback-only "
            "from all interfaces"
        )
    return address
