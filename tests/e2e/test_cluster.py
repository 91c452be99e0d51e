"""The production topology (deploy/cluster.sh): two Rasa servers and two action servers behind
nginx, conversations in PostgreSQL, locks in Redis. 200 conversations go through nginx, 20 at a
time, so that the messages of one conversation land on both Rasa servers; then every stored
conversation is checked: all events there and in order, no message lost or answered twice, and no
intake record duplicated."""
import collections
import concurrent.futures
import json
import random
import secrets

import pytest
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from bench.run import Cluster
from tests.e2e.conftest import MODEL

START_TIMEOUT = 420
CONVERSATIONS = 200
AT_ONCE = 20
AREA = "kent-and-medway"
JOURNEYS = {
    "faq": ["/greet", "what is a personal health budget?", "what can it pay for?", "who can have one?", "thanks"],
    "eligibility": ["/greet", "Could I get one?", "For someone I care for", "Yes, 18 or over", "No", "not sure"],
    "intake": ["Leave my details for the team", "Yes, I agree", "Me, for myself", "Jo Cluster", "12th March 1950",
               "943 476 5919", "ME14 1XX", "Email", "jo.cluster@example.org", "Afternoon", "No, none",
               "No, nothing else", "Send my details"],
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
        yield {"url": running.url, "dir": tmp, "rasa_ports": [str(p) for p in running.rasa_ports],
               "tracker_url": running.database_url("conversations"), "intake_url": running.database_url("intake")}
    finally:
        running.stop()


def play(url, journey, seed):
    """One conversation; returns its id, and per message the request id and the number of answers."""
    sender = secrets.token_hex(16)
    sent = []
    with requests.Session() as session:
        for message in JOURNEYS[journey]:
            response = session.post(url + "/webhooks/rest/webhook", timeout=120, json={
                "sender": sender, "message": message, "metadata": {"area": AREA}})
            assert response.status_code == 200, response.text
            answers = response.json()
            assert answers, f"no answer to {message!r}"
            sent.append((response.headers["X-Request-Id"], len(answers), answers))
    return {"sender": sender, "journey": journey, "sent": sent}


def test_200_conversations_through_nginx_on_two_servers_lose_nothing_and_duplicate_nothing(cluster):
    rng = random.Random(2026)
    plan = [rng.choices(list(JOURNEYS), [5, 4, 1])[0] for _ in range(CONVERSATIONS)]
    with concurrent.futures.ThreadPoolExecutor(AT_ONCE) as pool:
        played = list(pool.map(lambda args: play(cluster["url"], *args), [(j, i) for i, j in enumerate(plan)]))

    # Which Rasa server answered each message, from nginx's log (request ids only).
    upstream = {}
    for line in (cluster["dir"] / "logs" / "nginx-access.log").read_text().splitlines():
        _, request_id, status, address, _ = line.split(" ", 4)
        upstream[request_id] = address
    servers_per_conversation = [{upstream[r] for r, _, _ in c["sent"]} for c in played]
    assert set().union(*servers_per_conversation) == {f"127.0.0.1:{p}" for p in cluster["rasa_ports"]}
    both = sum(len(s) == 2 for s in servers_per_conversation)
    assert both >= 0.8 * CONVERSATIONS, f"only {both} conversations had messages on both servers"

    engine = create_engine(cluster["tracker_url"], poolclass=NullPool)
    with engine.connect() as c:
        rows = c.execute(text("select sender_id, type_name, data from events order by id")).all()
    engine.dispose()
    events = collections.defaultdict(list)
    for sender, kind, data in rows:
        events[sender].append((kind, json.loads(data)))
    for conversation in played:
        stored = events[conversation["sender"]]
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
