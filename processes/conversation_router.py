"""One port in front of several Rasa servers, with each conversation always on the same server.

`make run` starts one Rasa server per core (RASA_WORKERS, scripts/run.sh): one Rasa server uses
one core, so on two cores half the machine sat idle. Each server keeps its conversations and
their locks in its own memory (the embedded defaults), so every message of a conversation must
reach the server that holds it. The router reads the conversation id (the REST body's `sender`,
or the id in Rasa's API paths, /conversations/<id>/...), sends a new conversation to the server
with the fewest requests in hand, and remembers which server has each conversation for as long as
the servers keep it (PHB_TRACKER_IDLE_MINUTES, and 10 minutes more). Each server has at most
IN_HAND messages in hand; the others queue in the router, in order, for up to PATIENCE_SECONDS
(Gate). Anything else (health, CORS preflight) goes to the first server without queueing.
Production needs no router: its servers share PostgreSQL and Redis, and HAProxy spreads the load
(deploy/).

Requests and answers are read whole and passed on with their own headers, minus the ones that
describe a single connection. Nothing is logged but counts and failure kinds: bodies hold what
people typed.

Limits, so a flood cannot take the router down: only a well-formed conversation id is
remembered (bot/conversation_ids.py), at most MAX_CONVERSATIONS of them (a new one beyond that
gets 503 and is not forwarded), at most MAX_CLIENTS connections at once (more get 503), and a
request must arrive whole within REQUEST_SECONDS. "End chat" (/webhooks/rest/forget) also makes
the router forget which server had the conversation.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import logging
import re
import signal
import socket
import sys
import time
import zlib

import httptools
import yaml

from bot import conversation_ids
from bot.chat_request import MAX_BODY_BYTES, Refusal
from bot.expiring_map import ExpiringMap, Full, conversation_idle_minutes
from bot.storage.crypto import KeyMissing

logger = logging.getLogger("phb.router")

# Headers about one connection, not the message: each side of the router sets its own.
HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-connection",
        b"transfer-encoding",
        b"te",
        b"trailer",
        b"upgrade",
        b"content-length",
        b"expect",
    }
)
CONVERSATION_PATH = re.compile(rb"^/conversations/([0-9a-f]{32}|[0-9a-f]{64})(?:[/?#]|$)")
FORGET_PATH = b"/webhooks/rest/forget"
# A client connection with no request for this long is closed, as Sanic does.
CLIENT_IDLE_SECONDS = 5.0
# A request that has begun must arrive whole this soon (a client trickling bytes holds nothing).
REQUEST_SECONDS = 30.0
# Conversations whose server is remembered, and client connections at once (the servers behind
# serve far fewer: these only bound the router's own memory).
MAX_CONVERSATIONS = 20000
MAX_CLIENTS = 1000
# A kept server connection is reused only this soon: Sanic closes idle ones after 5 s.
SERVER_IDLE_SECONDS = 2.0
# Rasa waits up to 300 s for a slow action; the router waits a little longer than that.
ANSWER_SECONDS = 310.0
# Messages each Rasa server has in hand at once, and how long one waits its turn at most
# (Gate). Measured at 20 conversations at once (docs/benchmarks.md): 2 gave the shortest p95.
IN_HAND = 2
PATIENCE_SECONDS = 1.0
# Bodies up to this size are read and passed on, so that the REST channel gives its own answer
# (413 above MAX_BODY_BYTES); above it the router refuses as the channel would, without reading.
READ_LIMIT = 4 * MAX_BODY_BYTES


class BadMessage(Exception):
    pass


def conversation_of(path: bytes, body: bytes) -> str | None:
    """The id of the conversation a request is about, if it names a well-formed one (anything
    else goes to the first server, which refuses it, and is never remembered)."""
    match = CONVERSATION_PATH.match(path)
    if match:
        return match.group(1).decode()
    if body:
        try:
            sender = json.loads(body).get("sender")
        except (ValueError, AttributeError):  # not JSON, or not an object: the channel refuses it
            return None
        if conversation_ids.is_sender(sender):
            return sender
    return None


def _as_stored(conversation: str | None) -> str | None:
    """Conversations are remembered by the id Rasa keeps (bot/conversation_ids.py), so a message
    and Rasa's API paths for the same conversation reach the same server, and the router's memory
    holds no id that could be used on the webhook."""
    if conversation_ids.is_sender(conversation):
        try:
            return conversation_ids.stored_id(conversation)
        except KeyMissing:
            return conversation
    return conversation


class Assigner:
    """Which server has each conversation: a new one goes to the server with the fewest requests
    in hand (the first of those its id's crc32 picks); a known one to the server that has it."""

    def __init__(
        self, servers: int, idle_seconds: float, clock=time.monotonic, max_conversations: int = MAX_CONVERSATIONS
    ):
        self.busy = [0] * servers
        self.owners: ExpiringMap[int] = ExpiringMap(idle_seconds, clock=clock, max_entries=max_conversations)

    def server_for(self, conversation: str | None) -> int:
        """The server's index; raises Full for a new conversation when MAX_CONVERSATIONS are kept."""
        if conversation is None or len(self.busy) == 1:
            return 0
        owner = self.owners.get(conversation)
        if owner is None:
            least = min(self.busy)
            idle = [i for i, busy in enumerate(self.busy) if busy == least]
            owner = idle[zlib.crc32(conversation.encode("utf-8", "surrogatepass")) % len(idle)]
            self.owners.put(conversation, owner)
        return owner


class Gate:
    """At most `limit` requests in hand at one server; the others wait their turn, first come first
    served, for up to `patience` seconds, and then go in anyway.

    A Rasa server works on one message at a time between its awaits, so with many messages in hand
    each one waits behind all the others at every step (a form calls the action server several
    times per message): long answers get much longer. Queued here, a message waits once, and then
    has the server almost to itself. Patience bounds the wait if the messages in hand are stuck on
    something slow: the server then gets everything at once, as it would without the gate."""

    def __init__(self, limit: int, patience: float):
        self.limit = limit
        self.patience = patience
        self.in_hand = 0
        self.waiting: collections.deque[asyncio.Future] = collections.deque()

    async def enter(self) -> None:
        if self.in_hand < self.limit and not self.waiting:
            self.in_hand += 1
            return
        loop = asyncio.get_running_loop()
        turn = loop.create_future()
        self.waiting.append(turn)
        timer = loop.call_later(self.patience, self._go_in_anyway, turn)
        try:
            await turn
        except asyncio.CancelledError:  # the client went away
            if turn.cancelled():
                if turn in self.waiting:  # leave() may have passed over it already
                    self.waiting.remove(turn)
            else:
                self.leave()  # given a place as it left: pass it on
            raise
        finally:
            timer.cancel()

    def _go_in_anyway(self, turn: asyncio.Future) -> None:
        if not turn.done():  # waited long enough: in, beyond the limit
            self.waiting.remove(turn)
            self.in_hand += 1
            turn.set_result(None)

    def leave(self) -> None:
        self.in_hand -= 1
        while self.waiting and self.in_hand < self.limit:
            turn = self.waiting.popleft()
            if not turn.done():  # one given up on is passed over: its client has gone
                turn.set_result(None)
                self.in_hand += 1


class _Message:
    """One HTTP message as the parser reads it."""

    __slots__ = (
        "url",
        "status",
        "reason",
        "headers",
        "body",
        "headers_done",
        "keep_alive",
        "method",
        "too_large",
        "expects_continue",
        "length_known",
    )

    def __init__(self):
        self.url = b""
        self.status = 0
        self.reason = b""
        self.headers: list[tuple[bytes, bytes]] = []
        self.body = bytearray()
        self.headers_done = False
        self.keep_alive = True
        self.method = b""
        self.too_large = False
        self.expects_continue = False
        self.length_known = False


class _Reader:
    """httptools callbacks: completed messages queue up in order (pipelined requests too)."""

    def __init__(self, response: bool = False):
        self.ready: collections.deque[_Message] = collections.deque()
        self.current = _Message()
        self.parser = httptools.HttpResponseParser(self) if response else httptools.HttpRequestParser(self)

    def on_message_begin(self):
        self.current = _Message()

    def on_url(self, url: bytes):
        self.current.url += url

    def on_status(self, reason: bytes):
        self.current.reason += reason

    def on_header(self, name: bytes, value: bytes):
        self.current.headers.append((name, value))

    def on_headers_complete(self):
        message = self.current
        message.headers_done = True
        message.keep_alive = self.parser.should_keep_alive()
        if isinstance(self.parser, httptools.HttpRequestParser):
            message.method = self.parser.get_method()
        else:
            message.status = self.parser.get_status_code()
        for name, value in message.headers:
            lower = name.lower()
            if lower == b"content-length":
                message.length_known = True
                if value.strip().isdigit() and int(value) > READ_LIMIT:
                    message.too_large = True
            elif lower == b"transfer-encoding":
                message.length_known = True
            elif lower == b"expect" and value.strip().lower() == b"100-continue":
                message.expects_continue = True

    def on_body(self, body: bytes):
        self.current.body += body
        if len(self.current.body) > READ_LIMIT:
            self.current.too_large = True

    def on_message_complete(self):
        self.ready.append(self.current)

    def feed(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade as error:
            raise BadMessage("upgrade") from error
        except httptools.HttpParserError as error:
            raise BadMessage(type(error).__name__) from error


def _head(first_line: bytes, headers, body_length: int | None, keep_alive: bool) -> bytes:
    lines = [first_line]
    lines += [name + b": " + value for name, value in headers if name.lower() not in HOP_BY_HOP]
    if body_length is not None:
        lines.append(b"Content-Length: " + str(body_length).encode())
    lines.append(b"Connection: keep-alive" if keep_alive else b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n"


def _json_answer(status: int, reason: str, body: dict, keep_alive: bool = False) -> bytes:
    data = json.dumps(body).encode()
    head = _head(
        f"HTTP/1.1 {status} {reason}".encode(), [(b"Content-Type", b"application/json")], len(data), keep_alive
    )
    return head + data


# The REST channel's own refusal, for a body too large to pass on.
TOO_LARGE = _json_answer(
    413, "Payload Too Large", Refusal(413, "too_large", f"The request is larger than {MAX_BODY_BYTES} bytes.").body()
)
UNAVAILABLE = {"error": "unavailable", "detail": "The assistant is starting or restarting. Please try again."}
BUSY = {"error": "busy", "detail": "The assistant is too busy to start a new conversation. Please try again later."}


class _ServerConnection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader, self.writer = reader, writer
        self.last_used = time.monotonic()

    def close(self):
        self.writer.close()


class Router:
    def __init__(
        self,
        ports: list[int],
        host: str = "127.0.0.1",
        keep_minutes: float = 70.0,
        in_hand: int = IN_HAND,
        patience: float = PATIENCE_SECONDS,
    ):
        self.ports = ports
        self.host = host
        self.assigner = Assigner(len(ports), keep_minutes * 60)
        self.gates = [Gate(in_hand, patience) for _ in ports]
        self._idle: list[list[_ServerConnection]] = [[] for _ in ports]
        self.counts = collections.Counter()
        self.clients = 0

    async def _connection(self, index: int) -> _ServerConnection:
        pool = self._idle[index]
        now = time.monotonic()
        while pool:
            kept = pool.pop()
            if now - kept.last_used < SERVER_IDLE_SECONDS and not kept.reader.at_eof():
                return kept
            kept.close()
        reader, writer = await asyncio.open_connection(self.host, self.ports[index])
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return _ServerConnection(reader, writer)

    async def forward(self, request: _Message) -> bytes:
        """Pass one request to its server; returns the answer to send back, as bytes."""
        path = request.url.split(b"?", 1)[0]
        conversation = _as_stored(conversation_of(path, bytes(request.body)))
        try:
            index = self.assigner.server_for(conversation)
        except Full:
            self.counts["full"] += 1
            return _json_answer(503, "Service Unavailable", BUSY, request.keep_alive)
        head = _head(request.method + b" " + request.url + b" HTTP/1.1", request.headers, len(request.body), True)
        # Only messages queue: health checks and the like go straight through.
        gate = self.gates[index] if conversation is not None else None
        self.assigner.busy[index] += 1
        try:
            if gate is not None:
                await gate.enter()
            try:
                return await self._pass_on(index, head, request)
            finally:
                if gate is not None:
                    gate.leave()
        finally:
            self.assigner.busy[index] -= 1
            if path == FORGET_PATH and conversation is not None:
                self.assigner.owners.pop(conversation)

    async def _pass_on(self, index: int, head: bytes, request: _Message) -> bytes:
        try:
            server = await self._connection(index)
        except OSError:
            self.counts["unavailable"] += 1
            return _json_answer(503, "Service Unavailable", UNAVAILABLE, request.keep_alive)
        try:
            server.writer.write(head + bytes(request.body))
            answer = await asyncio.wait_for(self._read_answer(server, request.method == b"HEAD"), ANSWER_SECONDS)
        except (OSError, BadMessage, asyncio.TimeoutError, asyncio.IncompleteReadError) as error:
            server.close()
            self.counts[f"failed:{type(error).__name__}"] += 1
            return _json_answer(502, "Bad Gateway", UNAVAILABLE, request.keep_alive)
        if answer.keep_alive:
            server.last_used = time.monotonic()
            self._idle[index].append(server)
        else:
            server.close()
        self.counts["forwarded"] += 1
        first = f"HTTP/1.1 {answer.status} ".encode() + answer.reason
        if request.method == b"HEAD":
            # No body, but the length the body would have.
            length = next((v for n, v in answer.headers if n.lower() == b"content-length"), None)
            return _head(
                first, answer.headers, int(length) if length and length.strip().isdigit() else None, request.keep_alive
            )
        return _head(first, answer.headers, len(answer.body), request.keep_alive) + bytes(answer.body)

    @staticmethod
    async def _read_answer(server: _ServerConnection, head_only: bool) -> _Message:
        reader = _Reader(response=True)
        while True:
            data = await server.reader.read(65536)
            if not data:
                message = reader.current
                # An answer without a length ends when the server closes the connection.
                if message.headers_done and not message.length_known and not head_only:
                    message.keep_alive = False
                    return message
                raise asyncio.IncompleteReadError(b"", None)
            reader.feed(data)
            if reader.ready:
                return reader.ready.popleft()
            if head_only and reader.current.headers_done:
                return reader.current

    async def serve_client(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter):
        if self.clients >= MAX_CLIENTS:
            self.counts["too_many_clients"] += 1
            try:
                client_writer.write(_json_answer(503, "Service Unavailable", BUSY))
                await client_writer.drain()
            except (ConnectionError, OSError):
                pass
            client_writer.close()
            return
        self.clients += 1
        try:
            await self._serve_client(client_reader, client_writer)
        finally:
            self.clients -= 1

    async def _serve_client(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter):
        sock = client_writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        reader = _Reader()
        continued = False
        try:
            while True:
                began = None
                while not reader.ready:
                    current = reader.current
                    if current.headers_done and current.too_large:
                        client_writer.write(TOO_LARGE)
                        await client_writer.drain()
                        return
                    if current.headers_done and current.expects_continue and not continued:
                        client_writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                        continued = True
                    # Idle between requests for CLIENT_IDLE_SECONDS, or a request not whole
                    # within REQUEST_SECONDS of its first byte: the connection is closed.
                    wait = CLIENT_IDLE_SECONDS if began is None else began + REQUEST_SECONDS - time.monotonic()
                    try:
                        data = await asyncio.wait_for(client_reader.read(65536), max(wait, 0.0))
                    except asyncio.TimeoutError:
                        if began is not None:
                            self.counts["request_too_slow"] += 1
                        return
                    if not data:
                        return
                    if began is None:
                        began = time.monotonic()
                    try:
                        reader.feed(data)
                    except BadMessage:
                        client_writer.write(_json_answer(400, "Bad Request", {"error": "bad_request"}))
                        await client_writer.drain()
                        return
                request = reader.ready.popleft()
                continued = False
                if request.too_large:
                    client_writer.write(TOO_LARGE)
                    await client_writer.drain()
                    return
                client_writer.write(await self.forward(request))
                await client_writer.drain()
                if not request.keep_alive:
                    return
        except (ConnectionError, OSError):
            return
        finally:
            client_writer.close()


def free_ports(count: int, host: str = "127.0.0.1") -> list[int]:
    """Ports nobody listens on now, for the servers behind the router."""
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket()
            s.bind((host, 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


async def _serve(host: str, port: int, servers: list[int], keep_minutes: float) -> None:
    router = Router(servers, keep_minutes=keep_minutes)
    listener = await asyncio.start_server(router.serve_client, host, port, backlog=1024, reuse_address=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    logger.info("Routing %s:%s to Rasa servers on ports %s", host, port, " ".join(map(str, servers)))
    async with listener:
        await stop.wait()
    logger.info("Stopped: %s", dict(router.counts))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="phb-router", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="route one port to several Rasa servers")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, required=True)
    serve.add_argument("--servers", required=True, help="the Rasa servers' ports on 127.0.0.1, space-separated")
    serve.add_argument("--endpoints", help="the servers' endpoints.yml (how long they keep an idle conversation)")
    ports = commands.add_parser("free-ports", help="print COUNT free ports on 127.0.0.1")
    ports.add_argument("count", type=int)
    args = parser.parse_args(argv)
    if args.command == "free-ports":
        print(" ".join(map(str, free_ports(args.count))))
        return 0
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        import uvloop  # noqa: PLC0415 - Sanic's event loop, installed with Rasa; faster than asyncio's

        uvloop.install()
    except ImportError:
        pass
    # Remember each conversation's server a little longer than the servers keep the conversation
    # (rasa_plugins/memory_tracker_store.py), so it never moves while a server still has it.
    configured = None
    if args.endpoints:
        with open(args.endpoints, encoding="utf-8") as endpoints:
            configured = ((yaml.safe_load(endpoints) or {}).get("tracker_store") or {}).get("idle_minutes")
    keep_minutes = conversation_idle_minutes(configured) + 10
    asyncio.run(_serve(args.host, args.port, [int(p) for p in args.servers.split()], keep_minutes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
