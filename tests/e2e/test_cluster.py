"""The production topology (deploy/cluster.sh): two Rasa servers and two action servers behind
the proxy, conversations in PostgreSQL, locks in Redis. 200 conversations go 20 at a time: through
the proxy (HAProxy), which spreads new conversations and keeps each on its server; and one in four
sent to the two Rasa servers in turn, message by message, as when a server goes down mid-way (each
server keeps conversations in memory and must bring them up to date with what the other stored).
Then every stored conversation is checked: all events there and in order, no message lost or
answered twice, the same answers whichever server took each message, and no intake record
duplicated."""

import collections
import concurrent.futures
import json
import os
import pathlib
import random
import re
import secrets
import subprocess
import sys
import time

import pytest
import requests
from cryptography.fernet import Fernet, MultiFernet
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from bench.run import Cluster
from bot.conversation_ids import stored_id
from bot.storage.crypto import conversation_hash
from tests.e2e.conftest import MODEL, Chat
from tests.e2e.journeys import MARKERS, in_clear, intake_up_to_review, marker_forms, reference_in
from tests.e2e.processes import started_by

START_TIMEOUT = 420
CONVERSATIONS = 200
AT_ONCE = 20
AREA = "kent-and-medway"
JOURNEYS = {
    "faq": ["/greet", "what is a personal health budget?", "what can it pay for?", "who can have one?", "thanks"],
    "eligibility": ["/greet", "Could I get one?", "For someone I care for", "Yes, 18 or over", "No", "not sure"],
    "intake": [
        "Leave my details for the team",
        "Yes, I agree",
        "Me, for myself",
        "Jo Cluster",
        "12th March 1950",
        "943 476 5919",
        "ME14 1XX",
        "Email",
        "jo.cluster@example.org",
        "Afternoon",
        "No, none",
        "No, nothing else",
        "Send my details",
    ],
}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, postgres_server):
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make test`, which trains it first")
    tmp = tmp_path_factory.mktemp("cluster")
    try:
        running = Cluster(tmp, "phb_test_cluster_" + secrets.token_hex(3), start_timeout=START_TIMEOUT)
    except RuntimeError as error:
        pytest.fail(str(error))
    try:
        yield {
            "url": running.url,
            "dir": tmp,
            "rasa_ports": [str(p) for p in running.rasa_ports],
            "tracker_url": running.database_url("conversations"),
            "intake_url": running.database_url("intake"),
            "key": running.key,
            "redis": running.redis,
        }
    finally:
        # SIGTERM, as a supervisor stops it: every process it started stops (the same
        # stop_with_parent as `make run`, whose SIGHUP and SIGKILL cases tests/e2e/test_stopping.py tries).
        assert running.stop() == 0
        marker = f"CLUSTER_DIR={os.path.realpath(tmp)}"
        deadline = time.monotonic() + 60
        while started_by(marker) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert started_by(marker) == [], "every process the cluster started has stopped"


def play(url, journey, seed, messages=None):
    """One conversation; returns its id, and per message the proxy's request id (None when sent to
    a server directly) and the answers. `url` may be a list: each message goes to the next."""
    sender = secrets.token_hex(16)
    sent = []
    urls = url if isinstance(url, list) else [url]
    with requests.Session() as session:
        for i, message in enumerate(messages or JOURNEYS[journey]):
            response = session.post(
                urls[i % len(urls)] + "/webhooks/rest/webhook",
                timeout=120,
                json={"sender": sender, "message": message, "metadata": {"area": AREA}},
            )
            assert response.status_code == 200, response.text
            answers = response.json()
            assert answers, f"no answer to {message!r}"
            sent.append((response.headers.get("X-Request-Id"), len(answers), answers))
    return {"sender": sender, "journey": journey, "sent": sent}


def test_200_conversations_on_two_servers_lose_nothing_and_duplicate_nothing(cluster):
    rng = random.Random(2026)
    plan = [rng.choices(list(JOURNEYS), [5, 4, 1])[0] for _ in range(CONVERSATIONS)]
    servers = [f"http://127.0.0.1:{port}" for port in cluster["rasa_ports"]]
    # One in four goes to the two servers in turn; the others through the proxy.
    routes = [servers if i % 4 == 0 else cluster["url"] for i in range(CONVERSATIONS)]
    with concurrent.futures.ThreadPoolExecutor(AT_ONCE) as pool:
        played = list(pool.map(lambda args: play(*args), [(routes[i], j, i) for i, j in enumerate(plan)]))

    # Which Rasa server answered each proxied message, from the proxy's access log (request ids only).
    upstream = {}
    for line in (cluster["dir"] / "logs" / "proxy-access.log").read_text().splitlines():
        _, request_id, status, address, _ = line.split(" ", 4)
        upstream[request_id] = address
    proxied = [c for c, route in zip(played, routes) if route == cluster["url"]]
    servers_per_conversation = [{upstream[r] for r, _, _ in c["sent"]} for c in proxied]
    assert all(len(s) == 1 for s in servers_per_conversation), "each conversation stays on its server"
    taken = collections.Counter(next(iter(s)) for s in servers_per_conversation)
    assert set(taken) == {f"127.0.0.1:{p}" for p in cluster["rasa_ports"]}
    assert max(taken.values()) <= 0.7 * len(proxied), f"new conversations spread over both servers: {taken}"

    # The same messages got the same answers whichever server took each (the area's hours are
    # examples, so no answer depends on the time; the answers to an intake's last message have its
    # own reference).
    answers_by_journey = collections.defaultdict(set)
    for conversation in played:
        sent = conversation["sent"][:-1] if conversation["journey"] == "intake" else conversation["sent"]
        answers_by_journey[conversation["journey"]].add(tuple(a.get("text") for _, _, replies in sent for a in replies))
    assert all(len(answers) == 1 for answers in answers_by_journey.values()), {
        journey: len(answers) for journey, answers in answers_by_journey.items()
    }

    engine = create_engine(cluster["tracker_url"], poolclass=NullPool)
    with engine.connect() as c:
        rows = c.execute(text("select sender_id, type_name, data from events order by id")).all()
    engine.dispose()
    events = collections.defaultdict(list)
    keys = MultiFernet([Fernet(k.encode()) for k in cluster["key"].split(",")])
    for sender, kind, data in rows:
        events[sender].append((kind, json.loads(keys.decrypt(data.encode()))))
    for conversation in played:
        stored = events[stored_id(conversation["sender"], cluster["key"])]
        users = [d["text"] for kind, d in stored if kind == "user"]
        assert users == JOURNEYS[conversation["journey"]], "every message stored once, in order"
        timestamps = [d["timestamp"] for _, d in stored]
        assert timestamps == sorted(timestamps), "events in order"
        # The session starts and listens; then each message is handled whole and the assistant listens
        # again, before the next: two servers never handled one conversation's messages at once, or one twice.
        kinds = [d["name"] if kind == "action" else kind for kind, d in stored]
        turns = "".join("U" if k == "user" else "L" if k == "action_listen" else "" for k in kinds)
        assert turns == "L" + "UL" * len(users), turns
        stored_answers = [d.get("text") for kind, d in stored if kind == "bot"]
        answers = [a.get("text") for _, _, replies in conversation["sent"] for a in replies]
        assert stored_answers == answers, "every answer stored once, and none stored that was not sent"

    intakes = [c for c in played if c["journey"] == "intake"]
    engine = create_engine(cluster["intake_url"], poolclass=NullPool)
    with engine.connect() as c:
        records = c.execute(text("select conversation_hash from intake_records")).scalars().all()
        outbox = c.execute(text("select count(*) from intake_outbox")).scalar()
    engine.dispose()
    assert len(records) == len(set(records)) == len(intakes) == outbox, "one record per intake, none twice"
    for conversation in intakes:
        assert "Your details are saved" in conversation["sent"][-1][2][0]["text"]


def _every_row_as_text(url):
    """Every row of every table of the database, each as PostgreSQL's text form of the row."""
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as c:
        tables = c.execute(text("select tablename from pg_tables where schemaname = 'public'")).scalars().all()
        rows = {t: [r[0] for r in c.execute(text(f'select t::text from "{t}" t'))] for t in tables}
    engine.dispose()
    return rows


def _found(markers, cluster):
    """Where any marker is: a table row in either database, a Redis key or value, or a log line."""
    found = []
    for name in ("tracker_url", "intake_url"):
        for table, rows in _every_row_as_text(cluster[name]).items():
            found += [
                (name, table, m) for m in markers for row in rows if m.lower() in in_clear(row, cluster["key"]).lower()
            ]
    redis = subprocess.run(
        ["redis-cli", "-h", cluster["redis"][0], "-p", cluster["redis"][1], "-n", "1", "--scan"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert redis.returncode == 0, redis.stderr
    found += [("redis", key, m) for m in markers for key in redis.stdout.split() if m.lower() in key.lower()]
    for log in (cluster["dir"]).rglob("*.log"):
        content = log.read_text(errors="replace").lower()
        found += [(str(log), "", m) for m in markers if m.lower() in content]
    return found


def _phb_intake(cluster, *args):
    env = dict(
        os.environ,
        DATABASE_URL=cluster["intake_url"],
        TRACKER_DATABASE_URL=cluster["tracker_url"],
        PHB_INTAKE_KEY=cluster["key"],
    )
    done = subprocess.run(
        [str(pathlib.Path(sys.executable).parent / "phb-intake"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_marker_intake_through_the_proxy_leaves_nothing_in_clear_and_erasure_leaves_nothing(cluster):
    """The issue's test of the production topology: what was typed, and the conversation id, are
    nowhere in any table, any Redis key or any log; erasure by reference and by conversation id
    leaves nothing of either conversation."""
    chats, references = [], []
    for _ in range(2):
        chat = Chat(cluster["url"], area=AREA)
        chat.metadata["client"] = "phb-chat"  # as the widget sends it
        intake_up_to_review(chat)
        replies = chat.say("Send my details")
        references.append(reference_in(replies))
        # The widget is told to go on under a new id (and to ask for the old one to be forgotten).
        assert [r["custom"] for r in replies if "custom" in r] == [{"new_conversation": True}], replies
        chats.append(chat)
    senders = [c.sender for c in chats]
    # Every form of every marker but the bare word "Marker", which Python's own files are named after
    # ("packaging/markers.py" in a warning); the name's other words are searched on their own.
    markers = [*(m for m in marker_forms(MARKERS) if m.lower() != "marker"), *senders]
    assert _found(markers, cluster) == []

    # The records and the conversations are there, sealed: the team's own tool reads a record.
    assert MARKERS["name"] in _phb_intake(cluster, "show", references[0])
    stored = [stored_id(s, cluster["key"]) for s in senders]
    tracker_rows = _every_row_as_text(cluster["tracker_url"])["events"]
    assert all(any(s in row for row in tracker_rows) for s in stored)

    out = _phb_intake(cluster, "erase", references[0])
    assert "stored conversation event(s) erased" in out and f"{references[0]}: record and outbox row erased" in out
    out = _phb_intake(cluster, "erase", "--conversation", senders[1])
    assert f"{references[1]}: record and outbox row erased" in out
    tracker_rows = _every_row_as_text(cluster["tracker_url"])["events"]
    assert not any(s in row for row in tracker_rows for s in stored)
    records = _every_row_as_text(cluster["intake_url"])["intake_records"]
    assert not any(reference in row for row in records for reference in references)
    assert not any(conversation_hash(s) in row for row in records for s in stored)
    assert _found(markers, cluster) == []


def test_the_chat_page_works_through_the_proxy_with_its_framing_policy(cluster):
    """Production serves the chat page (and the widget's files) behind the same proxy: a whole
    exchange by form posts, its conversation on a Rasa server through the proxy."""
    browser = requests.Session()
    page = browser.get(f"{cluster['url']}/chat?area={AREA}", timeout=90)
    assert page.status_code == 200 and 'data-state="chat"' in page.text and "phb-page__msg--bot" in page.text
    assert (
        f"frame-ancestors http://localhost:{cluster['url'].rsplit(':', 1)[1]}"
        in page.headers["Content-Security-Policy"]
    )
    token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
    answer = browser.post(
        f"{cluster['url']}/chat",
        data={"area": AREA, "token": token, "message": "what is a personal health budget"},
        timeout=90,
    )
    assert answer.status_code == 200 and "amount of NHS money" in answer.text
    for path in ("/phb-chat.js", "/phb-page.js", "/phb-page.css", "/nhsuk/nhsuk-frontend.min.css"):
        assert browser.get(cluster["url"] + path, timeout=30).status_code == 200, path
