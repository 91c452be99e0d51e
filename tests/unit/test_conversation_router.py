"""processes/conversation_router.py: each conversation always reaches the same server, and requests and
answers pass through whole, over real sockets: the router runs as `make run` starts it, in front
of two small HTTP servers that say who they are and echo what they got."""

import asyncio
import json
import secrets
import socket
import subprocess
import sys
import threading
import time

import pytest
import requests
from aiohttp import web

from bot.chat_request import MAX_BODY_BYTES
from processes import conversation_router
from processes.conversation_router import (
    IN_HAND,
    PATIENCE_SECONDS,
    READ_LIMIT,
    Assigner,
    Gate,
    conversation_of,
    free_ports,
)
from bot.conversation_ids import stored_id
from bot.expiring_map import Full
from tests.waiting import wait_for


def test_a_new_conversation_goes_to_the_least_busy_server_and_then_stays_there():
    clock = [0.0]
    assigner = Assigner(2, idle_seconds=600, clock=lambda: clock[0])
    assigner.busy = [3, 1]
    assert assigner.server_for("first") == 1
    assigner.busy = [0, 5]
    assert assigner.server_for("second") == 0
    assert assigner.server_for("first") == 1  # known: stays, however busy its server is
    # At equal load, new conversations spread over both servers.
    assigner.busy = [0, 0]
    spread = [assigner.server_for(secrets.token_hex(16)) for _ in range(2000)]
    assert 0.45 < sum(spread) / len(spread) < 0.55
    # Remembered while used; forgotten after the idle time, and then placed afresh.
    clock[0] = 500
    assert assigner.server_for("first") == 1
    clock[0] = 1200
    assigner.busy = [0, 9]
    assert assigner.server_for("first") == 0
    assert assigner.server_for(None) == 0
    assert Assigner(1, 600).server_for("any") == 0


def test_the_conversation_is_read_from_the_body_or_the_api_path():
    sender = secrets.token_hex(16)
    assert (
        conversation_of(b"/webhooks/rest/webhook", json.dumps({"sender": sender, "message": "hi"}).encode()) == sender
    )
    assert conversation_of(f"/conversations/{sender}/tracker".encode(), b"") == sender
    stored = secrets.token_hex(32)  # Rasa's API names a conversation by its stored (hashed) id
    assert conversation_of(f"/conversations/{stored}/tracker".encode(), b"") == stored


@pytest.mark.parametrize("sender", ["default", "a b", "A" * 32, secrets.token_hex(16) + "0", "x" * 256 * 1024])
def test_an_id_that_is_not_well_formed_is_never_remembered(sender):
    """Only 32 lowercase hex digits are an id: anything else goes to the first server (which
    refuses it) and takes no room in the router's memory."""
    assert conversation_of(b"/webhooks/rest/webhook", json.dumps({"sender": sender, "message": "hi"}).encode()) is None
    assert conversation_of(f"/conversations/{sender[:300]}/tracker".encode(), b"") is None
    assigner = Assigner(2, 600)
    assert assigner.server_for(conversation_of(b"/webhooks/rest/webhook", json.dumps({"sender": sender}).encode())) == 0
    assert len(assigner.owners) == 0


def test_when_full_a_new_conversation_is_refused_and_the_known_ones_go_on():
    clock = [0.0]
    assigner = Assigner(2, idle_seconds=600, clock=lambda: clock[0], max_conversations=2)
    first, second, third = (secrets.token_hex(16) for _ in range(3))
    owners = [assigner.server_for(first), assigner.server_for(second)]
    with pytest.raises(Full):
        assigner.server_for(third)
    assert [assigner.server_for(first), assigner.server_for(second)] == owners
    clock[0] = 601  # both idle: forgotten, so there is room again
    assert assigner.server_for(third) in (0, 1)


def test_limits_503_when_full_too_many_clients_slow_requests_closed_and_end_chat_forgotten(monkeypatch):
    """In the router's own event loop, against a server port where nothing listens."""
    monkeypatch.setattr(conversation_router, "MAX_CLIENTS", 2)
    monkeypatch.setattr(conversation_router, "REQUEST_SECONDS", 0.5)
    monkeypatch.setattr(conversation_router, "CLIENT_IDLE_SECONDS", 0.3)

    def request(path: bytes, body: dict) -> bytes:
        data = json.dumps(body).encode()
        return (
            b"POST "
            + path
            + b" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
            + str(len(data)).encode()
            + b"\r\n\r\n"
            + data
        )

    async def scenario():
        router = conversation_router.Router(free_ports(2))
        router.assigner.owners.max_entries = 1
        listener = await asyncio.start_server(router.serve_client, "127.0.0.1", 0)
        port = listener.sockets[0].getsockname()[1]

        async def ask(data: bytes) -> bytes:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(data)
            answer = await asyncio.wait_for(reader.read(65536), 5)
            writer.close()
            return answer

        first, second = secrets.token_hex(16), secrets.token_hex(16)
        # The first conversation is remembered (its server is down: an honest 502/503).
        assert (await ask(request(b"/webhooks/rest/webhook", {"sender": first, "message": "hi"})))[9:12] in (
            b"502",
            b"503",
        )
        full = await ask(request(b"/webhooks/rest/webhook", {"sender": second, "message": "hi"}))
        assert full.startswith(b"HTTP/1.1 503") and b'"busy"' in full
        # "End chat" forgets it, so there is room again.
        assert list(router.assigner.owners.keys()) == [stored_id(first)]  # remembered by the id Rasa keeps
        await ask(request(conversation_router.FORGET_PATH, {"sender": first}))
        assert stored_id(first) not in router.assigner.owners
        again = await ask(request(b"/webhooks/rest/webhook", {"sender": second, "message": "hi"}))
        assert b'"busy"' not in again and stored_id(second) in router.assigner.owners
        # A request trickled in too slowly is closed without an answer.
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for byte in b"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: x\r\n":
            try:
                writer.write(bytes([byte]))
                await writer.drain()
            except ConnectionError:
                break
            await asyncio.sleep(0.05)
            if reader.at_eof():
                break
        assert await asyncio.wait_for(reader.read(), 5) == b""  # closed, no answer (counted below)
        writer.close()
        # Beyond MAX_CLIENTS connections at once, a new one gets 503 at once.
        held = [await asyncio.open_connection("127.0.0.1", port) for _ in range(2)]
        await asyncio.sleep(0.05)
        refused = await ask(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert refused.startswith(b"HTTP/1.1 503")
        for _, w in held:
            w.close()
        listener.close()
        await listener.wait_closed()
        return router.counts

    counts = asyncio.run(scenario())
    assert counts["full"] == 1 and counts["too_many_clients"] == 1 and counts["request_too_slow"] == 1


@pytest.mark.parametrize("body", [b"", b"not json", b"[1, 2]", b'{"sender": 5}', b'{"message": "no sender"}', b"\xff"])
def test_requests_about_no_conversation_go_to_the_first_server(body):
    assert conversation_of(b"/webhooks/rest/webhook", body) is None
    assert Assigner(2, 600).server_for(conversation_of(b"/", body)) == 0


def test_the_gate_lets_in_a_few_at_a_time_first_come_first_served():
    async def scenario():
        gate = Gate(2, patience=60)
        started, order = asyncio.Event(), []

        async def message(name, hold):
            await gate.enter()
            order.append(name)
            await started.wait()
            await asyncio.sleep(hold)
            gate.leave()

        tasks = [asyncio.create_task(message(i, 0.01 * (5 - i))) for i in range(5)]
        await asyncio.sleep(0.05)
        assert order == [0, 1] and gate.in_hand == 2 and len(gate.waiting) == 3
        started.set()
        await asyncio.gather(*tasks)
        assert order == [0, 1, 2, 3, 4] and gate.in_hand == 0 and not gate.waiting

    asyncio.run(scenario())


def test_a_message_waits_no_longer_than_the_gates_patience():
    async def scenario():
        gate = Gate(1, patience=0.2)
        await gate.enter()  # stuck on something slow, never leaves
        start = time.monotonic()
        await gate.enter()
        waited = time.monotonic() - start
        assert 0.18 < waited < 1.0 and gate.in_hand == 2 and not gate.waiting
        gate.leave()
        gate.leave()
        assert gate.in_hand == 0

    asyncio.run(scenario())


def test_a_message_given_up_on_frees_its_place_in_the_queue_or_at_the_server():
    async def scenario():
        gate = Gate(1, patience=60)
        await gate.enter()
        queued = asyncio.create_task(gate.enter())
        last = asyncio.create_task(gate.enter())
        await asyncio.sleep(0.01)
        queued.cancel()  # leaves the queue before its turn
        await asyncio.sleep(0.01)
        assert len(gate.waiting) == 1
        gate.leave()  # the last one's turn
        await last
        assert gate.in_hand == 1 and not gate.waiting
        # Given a place at the moment it gave up: the place goes to the next in line.
        after = asyncio.create_task(gate.enter())
        behind = asyncio.create_task(gate.enter())
        await asyncio.sleep(0.01)
        gate.leave()
        after.cancel()
        await asyncio.gather(after, return_exceptions=True)
        await behind
        assert gate.in_hand == 1 and not gate.waiting
        # Given up on, and a place comes free before it has noticed: the place goes to the next.
        gone = asyncio.create_task(gate.enter())
        next_one = asyncio.create_task(gate.enter())
        await asyncio.sleep(0.01)
        gone.cancel()  # its turn is cancelled now; its handler runs only at the next await
        gate.leave()
        await asyncio.gather(gone, return_exceptions=True)
        await next_one
        assert gone.cancelled() and gate.in_hand == 1 and not gate.waiting

    asyncio.run(scenario())


class Backends:
    """Two HTTP servers in a thread: each answers with its number and what it received. A request
    with X-Hold-Ms waits that long before answering, and each server counts how many it holds and
    notes, in order, the conversation of each request it holds."""

    def __init__(self, ports):
        self.ports = ports
        self.holding = [0] * len(ports)
        self.most_held = [0] * len(ports)
        self.arrived = [[] for _ in ports]
        self.loop = asyncio.new_event_loop()
        self.runners = {}
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        for index in range(len(ports)):
            self.start(index)

    def _app(self, index):
        async def echo(request):
            body = await request.read()
            if "X-Hold-Ms" in request.headers:
                self.holding[index] += 1
                self.arrived[index].append(json.loads(body or b"{}").get("sender"))
                self.most_held[index] = max(self.most_held[index], self.holding[index])
                await asyncio.sleep(int(request.headers["X-Hold-Ms"]) / 1000)
                self.holding[index] -= 1
            headers = {"X-Server": str(index), "Access-Control-Allow-Origin": request.headers.get("Origin", "")}
            return web.json_response(
                {
                    "server": index,
                    "method": request.method,
                    "path": request.path_qs,
                    "body": body.decode("utf-8", "replace"),
                    "content_type": request.headers.get("Content-Type"),
                },
                headers=headers,
            )

        app = web.Application(client_max_size=READ_LIMIT * 2)
        app.router.add_route("*", "/{tail:.*}", echo)
        return app

    def start(self, index):
        async def go():
            runner = web.AppRunner(self._app(index))
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", self.ports[index]).start()
            return runner

        self.runners[index] = asyncio.run_coroutine_threadsafe(go(), self.loop).result(10)

    def stop(self, index):
        asyncio.run_coroutine_threadsafe(self.runners.pop(index).cleanup(), self.loop).result(10)

    def close(self):
        for index in list(self.runners):
            self.stop(index)
        self.loop.call_soon_threadsafe(self.loop.stop)


@pytest.fixture(scope="module")
def routed():
    router_port, *ports = free_ports(3)
    backends = Backends(ports)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "processes.conversation_router",
            "serve",
            "--port",
            str(router_port),
            "--servers",
            " ".join(map(str, ports)),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{router_port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            requests.get(url + "/", timeout=2)
            break
        except requests.ConnectionError:
            if time.monotonic() > deadline or proc.poll() is not None:
                pytest.fail("the router did not start")
            time.sleep(0.1)
    yield url, backends, router_port
    proc.terminate()
    out, _ = proc.communicate(timeout=10)
    backends.close()
    assert proc.returncode == 0, out
    assert "Stopped:" in out and "forwarded" in out


def post(url, sender, text="hi", **kwargs):
    return requests.post(url + "/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=10, **kwargs)


def test_messages_reach_their_conversations_server_with_headers_and_body(routed):
    url, _, _ = routed
    seen = set()
    for _ in range(20):
        sender = secrets.token_hex(16)
        expected = post(url, sender).json()["server"]
        for text in ("hello", "what is a personal health budget?", "£ é 😀"):
            answer = post(url, sender, text, headers={"Origin": "http://localhost:8080"})
            assert answer.status_code == 200
            got = answer.json()
            assert got["server"] == expected and answer.headers["X-Server"] == str(expected)
            assert json.loads(got["body"]) == {"sender": sender, "message": text}
            assert got["content_type"] == "application/json"
            assert answer.headers["Access-Control-Allow-Origin"] == "http://localhost:8080"
            seen.add(expected)
    assert seen == {0, 1}


def test_api_paths_keep_their_query_and_go_to_the_conversations_server(routed):
    url, _, _ = routed
    sender = secrets.token_hex(16)
    expected = post(url, sender).json()["server"]
    got = requests.get(f"{url}/conversations/{sender}/tracker?token=abc&x=1", timeout=10).json()
    assert got == {
        "server": expected,
        "method": "GET",
        "path": f"/conversations/{sender}/tracker?token=abc&x=1",
        "body": "",
        "content_type": None,
    }


def test_one_connection_carries_many_requests(routed):
    url, _, _ = routed
    with requests.Session() as session:
        answers = [
            session.post(
                url + "/webhooks/rest/webhook", json={"sender": secrets.token_hex(16), "message": str(i)}, timeout=10
            )
            for i in range(10)
        ]
    assert all(a.status_code == 200 for a in answers)
    assert [json.loads(a.json()["body"])["message"] for a in answers] == [str(i) for i in range(10)]


def raw(port, data: bytes, wait_for: bytes = b"}") -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(data)
        got = b""
        while wait_for not in got or got.count(b"HTTP/1.1") < data.count(b"HTTP/1.1") - data.count(b"100-continue"):
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
        return got


def test_head_chunked_pipelined_and_expect_continue(routed):
    url, _, port = routed
    head = requests.head(url + "/anything", timeout=10)
    assert head.status_code == 200 and int(head.headers["Content-Length"]) > 0 and head.content == b""
    sender = secrets.token_hex(16)
    chunked = requests.post(
        url + "/webhooks/rest/webhook",
        timeout=10,
        headers={"Content-Type": "application/json"},
        data=iter([b'{"sender": "', sender.encode(), b'", "message": "in parts"}']),
    )
    assert json.loads(chunked.json()["body"]) == {"sender": sender, "message": "in parts"}
    body = json.dumps({"sender": sender, "message": "one"}).encode()
    request = (
        b"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )
    both = raw(port, request + request.replace(b'"one"', b'"two"'), wait_for=b"two")
    assert both.count(b"HTTP/1.1 200") == 2 and both.index(b"one") < both.index(b"two")
    expecting = (
        b"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(expecting)
        assert s.recv(100).startswith(b"HTTP/1.1 100 Continue")
        s.sendall(body)
        answer = b""
        while b"}" not in answer:
            answer += s.recv(65536)
    assert answer.startswith(b"HTTP/1.1 200") and b'\\"one\\"' in answer


def test_bad_and_oversized_requests_get_a_clear_answer(routed):
    url, _, port = routed
    assert raw(port, b"NOT HTTP AT ALL\r\n\r\n", wait_for=b"bad_request").startswith(b"HTTP/1.1 400")
    # Up to READ_LIMIT passes on (the REST channel refuses more than MAX_BODY_BYTES itself).
    sender = secrets.token_hex(16)
    middling = post(url, sender, "x" * (MAX_BODY_BYTES + 10))
    assert middling.status_code == 200 and len(middling.json()["body"]) > MAX_BODY_BYTES
    huge = requests.post(url + "/webhooks/rest/webhook", data=b"x" * (READ_LIMIT + 1), timeout=10)
    assert huge.status_code == 413 and huge.json()["error"] == "too_large"


def test_a_server_that_is_down_gets_an_honest_answer_and_is_used_again_when_back(routed):
    url, backends, _ = routed
    senders = {}
    while len(senders) < 2:
        sender = secrets.token_hex(16)
        senders.setdefault(post(url, sender).json()["server"], sender)
    sender, other = senders[1], senders[0]
    backends.stop(1)
    down = post(url, sender)
    assert down.status_code in (502, 503) and down.json()["error"] == "unavailable"
    assert post(url, other).json()["server"] == 0  # the other server's conversations go on
    backends.start(1)
    assert post(url, sender).json()["server"] == 1


def senders_on(url, server, count):
    """`count` new conversations that the router has placed on `server`."""
    found = []
    while len(found) < count:
        sender = secrets.token_hex(16)
        if post(url, sender).json()["server"] == server:
            found.append(sender)
    return found


def test_each_server_has_at_most_a_few_messages_in_hand_and_the_rest_wait_their_turn(routed):
    # Judged by what the server saw (how many it held at once, and in what order), not by the clock.
    url, backends, _ = routed
    senders = senders_on(url, 0, 6)
    backends.most_held[0] = 0
    backends.arrived[0].clear()
    statuses = {}

    def one(sender):
        statuses[sender] = post(url, sender, headers={"X-Hold-Ms": "300"}).status_code

    threads = [threading.Thread(target=one, args=(s,)) for s in senders]
    for held, thread in enumerate(threads[:IN_HAND], start=1):
        thread.start()
        assert wait_for(lambda: backends.holding[0] == held), "the server never received the request"
    for thread in threads[IN_HAND:]:
        thread.start()
        time.sleep(0.05)  # so that they reach the router in this order
    # Meanwhile a request about no conversation (a health check) does not queue behind them.
    assert requests.get(url + "/", timeout=10).status_code == 200
    assert backends.holding[0] == IN_HAND
    for thread in threads:
        thread.join()
    seen = {"most held": backends.most_held[0], "statuses": statuses, "order": backends.arrived[0], "sent": senders}
    assert backends.most_held[0] == IN_HAND, seen
    assert all(statuses[s] == 200 for s in senders), seen
    # Served in the order they came.
    assert backends.arrived[0] == senders, seen


def test_messages_stuck_at_a_server_hold_up_the_others_no_longer_than_the_patience(routed):
    url, backends, _ = routed
    stuck, waiting = senders_on(url, 1, IN_HAND), senders_on(url, 1, 1)[0]
    threads = [threading.Thread(target=post, args=(url, s), kwargs={"headers": {"X-Hold-Ms": "4000"}}) for s in stuck]
    for thread in threads:
        thread.start()
    time.sleep(0.2)
    start = time.monotonic()
    assert post(url, waiting).status_code == 200
    assert PATIENCE_SECONDS - 0.1 < time.monotonic() - start < PATIENCE_SECONDS + 1.5
    for thread in threads:
        thread.join()
