"""bot/conversation_router.py: each conversation always reaches the same server, and requests and
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
from bot.conversation_router import IN_HAND, PATIENCE_SECONDS, READ_LIMIT, Assigner, Gate, conversation_of, free_ports


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
    assert conversation_of(b"/webhooks/rest/webhook", json.dumps({"sender": sender, "message": "hi"}).encode()) == sender
    assert conversation_of(f"/conversations/{sender}/tracker".encode(), b"") == sender
    assert conversation_of(b"/conversations/a%20b/tracker", b"") == "a b"


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
    with X-Hold-Ms waits that long before answering, and each server counts how many it holds."""

    def __init__(self, ports):
        self.ports = ports
        self.holding = [0] * len(ports)
        self.most_held = [0] * len(ports)
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
                self.most_held[index] = max(self.most_held[index], self.holding[index])
                await asyncio.sleep(int(request.headers["X-Hold-Ms"]) / 1000)
                self.holding[index] -= 1
            headers = {"X-Server": str(index), "Access-Control-Allow-Origin": request.headers.get("Origin", "")}
            return web.json_response({"server": index, "method": request.method, "path": request.path_qs,
                                      "body": body.decode("utf-8", "replace"),
                                      "content_type": request.headers.get("Content-Type")}, headers=headers)

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
    proc = subprocess.Popen([sys.executable, "-m", "bot.conversation_router", "serve", "--port", str(router_port),
                             "--servers", " ".join(map(str, ports))], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
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
    assert got == {"server": expected, "method": "GET", "path": f"/conversations/{sender}/tracker?token=abc&x=1",
                   "body": "", "content_type": None}


def test_one_connection_carries_many_requests(routed):
    url, _, _ = routed
    with requests.Session() as session:
        answers = [session.post(url + "/webhooks/rest/webhook", json={"sender": secrets.token_hex(16), "message": str(i)},
                                timeout=10) for i in range(10)]
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
    chunked = requests.post(url + "/webhooks/rest/webhook", timeout=10, headers={"Content-Type": "application/json"},
                            data=iter([b'{"sender": "', sender.encode(), b'", "message": "in parts"}']))
    assert json.loads(chunked.json()["body"]) == {"sender": sender, "message": "in parts"}
    body = json.dumps({"sender": sender, "message": "one"}).encode()
    request = (b"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    both = raw(port, request + request.replace(b'"one"', b'"two"'), wait_for=b'two')
    assert both.count(b"HTTP/1.1 200") == 2 and both.index(b"one") < both.index(b"two")
    expecting = (b"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                 b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n")
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
    url, backends, _ = routed
    senders = senders_on(url, 0, 6)
    backends.most_held[0] = 0
    done = {}

    def one(sender):
        answer = post(url, sender, headers={"X-Hold-Ms": "300"})
        done[sender] = (answer.status_code, time.monotonic())

    start = time.monotonic()
    threads = [threading.Thread(target=one, args=(s,)) for s in senders]
    for thread in threads:
        thread.start()
        time.sleep(0.02)  # in this order
    # Meanwhile a request about no conversation (a health check) does not queue.
    health = requests.get(url + "/", timeout=10)
    assert health.status_code == 200 and time.monotonic() - start < 0.3
    for thread in threads:
        thread.join()
    assert backends.most_held[0] == IN_HAND
    assert all(status == 200 for status, _ in done.values())
    # Served in the order they came, IN_HAND at a time: three rounds of 300 ms.
    finished = [done[s][1] - start for s in senders]
    assert finished == sorted(finished)
    assert 0.85 < finished[-1] < 0.85 + PATIENCE_SECONDS


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
