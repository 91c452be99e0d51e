"""Serve the chat page (/chat, bot/chat_page.py), the widget that frames it, each area's public
contact card, and a demo ICB page.

`make run` starts this on http://localhost:8080. The widget's own files can be served by any web
server (`phb-widget export DIR` writes them out); the chat page is served here, and talks to Rasa
from here, so that no browser ever does.

The chat page shows an area's phone number when the assistant cannot be reached, so the number
comes from here (the area's config file), not from Rasa.
"""

from __future__ import annotations

import argparse
import html
import json
import mimetypes
import os
import pathlib
import secrets
import string
import sys
import threading
from http import HTTPStatus
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

import requests

from bot import chat_page
from bot.chat_page import area_card
from bot.areas import DEFAULT_AREA_ID, all_areas, known_area_id
from bot.chat_request import MAX_TEXT
from bot.messages import render
from bot.replies import with_urgent_help
from bot.expiring_map import ExpiringMap, Full, conversation_idle_minutes

ROOT = pathlib.Path(__file__).resolve().parent.parent
WIDGET_DIR = ROOT / "widget" / "src"
DEMO_PAGE = ROOT / "widget" / "demo" / "index.html"
NHSUK_DIR = ROOT / "widget" / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"
DEMO_AREA = "kent-and-medway"


def content_security_policy(assistant: str) -> str:
    """The demo ICB page, as strict as an ICB's could be: the widget's script and style from the
    assistant's origin, its frame from there too, and no connection to the assistant at all."""
    return (
        f"default-src 'self'; script-src {assistant}; style-src 'self' {assistant}; img-src 'self' data:; "
        f"font-src 'self'; connect-src 'none'; frame-src {assistant}; frame-ancestors 'none'; base-uri 'none'; "
        "form-action 'self'"
    )


def page_security_policy(frame_ancestors: str) -> str:
    """The chat page: its own script only, no inline script or style, forms and fetches to itself,
    framed only by the ICB origins in the configuration."""
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        f"connect-src 'self'; frame-ancestors {frame_ancestors}; base-uri 'none'; form-action 'self'"
    )


def demo_assistant_origin(host_header: str | None) -> str:
    """The demo page plays an ICB's site, so the chat comes from another origin: the other loopback
    name of the same server (localhost <-> 127.0.0.1), as an ICB's page and the assistant differ."""
    host = host_header or "127.0.0.1"
    name, _, port = host.rpartition(":") if host.count(":") == 1 else (host, "", "")
    other = "127.0.0.1" if name == "localhost" else "localhost"
    return f"http://{other}" + (f":{port}" if port else "")


class ChatPages:
    """The plain chat page's sessions (bot/chat_page.py), and its talk with the assistant."""

    MAX_FORM_BYTES = 16 * 1024

    def __init__(self, server: str, timeout: float = 60.0):
        self.server = server
        self.timeout = timeout
        self.sessions: ExpiringMap[chat_page.Session] = ExpiringMap(
            conversation_idle_minutes() * 60, max_entries=chat_page.MAX_SESSIONS
        )
        self.lock = threading.Lock()

    def find(self, key: str | None) -> chat_page.Session | None:
        if not key:
            return None
        with self.lock:
            return self.sessions.get(key)

    def open(self, area_id: str) -> tuple[str, chat_page.Session]:
        """A new session; raises Full when MAX_SESSIONS are open."""
        key, session = secrets.token_urlsafe(24), chat_page.Session(area=area_id)
        with self.lock:
            self.sessions.put(key, session)
        return key, session

    def close(self, key: str) -> None:
        with self.lock:
            session = self.sessions.pop(key)
        if session is not None:
            self.forget(session.sender)

    def say(self, session: chat_page.Session, text: str) -> bool:
        """Send a message and keep the answer; False (with the notice set) if it could not be sent."""
        try:
            answer = requests.post(
                self.server + "/webhooks/rest/webhook",
                timeout=self.timeout,
                json={
                    "sender": session.sender,
                    "message": text,
                    "metadata": {"area": session.area, "client": chat_page.CLIENT},
                },
            )
            items = answer.json() if answer.status_code in (200, 503) else None
        except (requests.RequestException, ValueError):
            items = None
        if not isinstance(items, list) or not items:
            session.notice, session.trouble = chat_page.words()["error_not_sent"], True
            return False
        session.notice, session.trouble = None, False
        if session.take(items):
            self.forget(session.renew())
        return True

    def forget(self, sender: str) -> None:
        """Ask the assistant to forget a conversation (best effort: it is purged when idle anyway)."""
        try:
            requests.post(self.server + "/webhooks/rest/forget", json={"sender": sender}, timeout=self.timeout)
        except requests.RequestException:
            pass


def demo_page(assistant: str, area_id: str) -> str:
    area = all_areas()[area_id]
    others = [a for a in all_areas().values() if not a.is_default and a.id != area_id]
    switch = "".join(f'<li><a class="nhsuk-link" href="/?area={a.id}">{html.escape(a.name)}</a></li>' for a in others)
    return string.Template(DEMO_PAGE.read_text(encoding="utf-8")).substitute(
        assistant=html.escape(assistant), area_id=area.id, area_name=html.escape(area.name), other_areas=switch
    )


def _static(path: str) -> pathlib.Path | None:
    """The file for a URL path, only from the two folders we publish (no '..' escapes)."""
    for prefix, folder in (("/nhsuk/", NHSUK_DIR), ("/", WIDGET_DIR)):
        if path.startswith(prefix):
            candidate = (folder / path[len(prefix) :]).resolve()
            if candidate.is_file() and folder.resolve() in candidate.parents:
                return candidate
    return None


def _area_of(value: str | None) -> str:
    area_id = known_area_id(value or DEMO_AREA)
    return DEMO_AREA if not area_id or area_id == DEFAULT_AREA_ID else area_id


def frame_hosts(frame_ancestors: str) -> tuple[str, ...]:
    """The origins in a CSP frame-ancestors list (keywords such as 'none' and 'self' left out).
    Each must be a whole origin, `https://www.icb.nhs.uk` or `https://*.icb.nhs.uk`: a bare host
    would frame the chat (CSP allows it) but could not be told apart from others for postMessage."""
    hosts = tuple(s.rstrip("/") for s in frame_ancestors.split() if not s.startswith("'"))
    for host in hosts:
        url = urlsplit(host)
        if url.scheme not in ("http", "https") or not url.netloc or url.path or url.query or url.fragment:
            raise ValueError(
                f"frame-ancestors: {host!r} is not an origin such as https://www.icb.nhs.uk or https://*.icb.nhs.uk"
            )
    return hosts


def allowed_host(origin: str | None, hosts: tuple[str, ...]) -> str | None:
    """The framing page's origin if the configuration lets it frame the chat ('https://*.x.nhs.uk'
    allows any subdomain of x.nhs.uk, as CSP does); else None."""
    try:
        url = urlsplit(origin or "")
        port = url.port
    except ValueError:
        return None
    if (
        url.scheme not in ("http", "https")
        or not url.hostname
        or origin != f"{url.scheme}://{url.netloc}"
        or url.username
        or url.password
    ):
        return None
    for host in hosts:
        allowed = urlsplit(host)
        if allowed.scheme != url.scheme:
            continue
        if allowed.netloc == url.netloc:
            return origin
        pattern = allowed.netloc[2:] if allowed.netloc.startswith("*.") else None
        if pattern:
            name, _, want_port = pattern.partition(":")
            if url.hostname.endswith("." + name) and (want_port or None) == (str(port) if port else None):
                return origin
    return None


def make_handler(server: str, pages: ChatPages | None = None, frame_ancestors: str = "'none'"):
    pages = pages or ChatPages(server)
    hosts = frame_hosts(frame_ancestors)

    class Handler(BaseHTTPRequestHandler):
        server_version = "phb-widget"
        sys_version = ""

        def do_GET(self):  # noqa: N802 (the name http.server calls)
            self._respond(head=False)

        def do_HEAD(self):  # noqa: N802
            self._respond(head=True)

        # ---- the chat page (bot/chat_page.py) ----

        def _cookie(self, framed: bool = False) -> str | None:
            try:
                morsel = SimpleCookie(self.headers.get("Cookie") or "").get(
                    chat_page.FRAME_COOKIE if framed else chat_page.COOKIE
                )
            except CookieError:
                return None
            return morsel.value if morsel and morsel.value else None

        def _set_cookie(self, value: str, clear: bool = False, framed: bool = False) -> dict:
            age = "; Max-Age=0" if clear else ""
            if framed:
                # Framed on an ICB's page the chat is cross-site: its cookie must be SameSite=None, and
                # Partitioned (CHIPS) so that it belongs to that ICB's site only and is allowed where
                # third-party cookies and storage are blocked. It lets the ICB's next page carry on.
                return {
                    "Set-Cookie": f"{chat_page.FRAME_COOKIE}={value}; Path=/chat; HttpOnly; Secure; "
                    f"SameSite=None; Partitioned{age}"
                }
            # Secure when the page is served over https (directly, or behind a proxy that says so).
            secure = "; Secure" if self.headers.get("X-Forwarded-Proto") == "https" else ""
            return {"Set-Cookie": f"{chat_page.COOKIE}={value}; Path=/chat; HttpOnly; SameSite=Strict{secure}{age}"}

        def _view(self, values: dict, key: str | None) -> chat_page.View:
            framed = values.get("frame") == "1"
            host = allowed_host(values.get("host"), hosts) if framed else None
            return chat_page.View(key=key, framed=framed, host=host)

        def _page(self, head: bool, session, area_id: str, view: chat_page.View, extra=None) -> None:
            body = chat_page.page(session, all_areas()[area_id], view).encode()
            if session is not None:
                session.notice, session.trouble, session.draft = None, False, ""  # shown once
            self._send(
                HTTPStatus.OK,
                "text/html; charset=utf-8",
                body,
                head,
                {
                    "Content-Security-Policy": page_security_policy(frame_ancestors),
                    "Cache-Control": "no-store",
                    "Referrer-Policy": "no-referrer",
                    **(extra or {}),
                },
            )

        def _new_chat(self, area_id: str, head: bool):
            """A new session, greeted by the assistant (not for HEAD); None, having answered 503
            with the urgent-help numbers, when MAX_SESSIONS are open."""
            try:
                key, session = pages.open(area_id)
            except Full:
                self._send(
                    HTTPStatus.SERVICE_UNAVAILABLE,
                    "text/plain; charset=utf-8",
                    (with_urgent_help(render("service_busy")) + "\n").encode(),
                    head,
                )
                return None
            if not head:
                with session.lock:
                    pages.say(session, "/greet")
            return key, session

        def _chat_get(self, url, head: bool) -> None:
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            area_id = _area_of(query.get("area"))
            key = self._cookie(query.get("frame") == "1")
            session = pages.find(key)
            view = self._view(query, key if session else None)
            if session is None and (query.get("ended") == "1" or view.framed):
                # After "End chat"; or framed on an ICB's page, where its script starts a chat, or
                # resumes the one this tab had (a cross-site frame gets no cookie).
                self._page(head, None, area_id, view)
                return
            extra = {}
            if session is None:
                opened = self._new_chat(area_id, head)
                if opened is None:
                    return
                key, session = opened
                view = self._view(query, key)
                extra = self._set_cookie(key)
            self._page(head, session, session.area if session.area in all_areas() else area_id, view, extra)

        def do_POST(self):  # noqa: N802
            url = urlsplit(self.path)
            if url.path != "/chat":
                self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"Not found\n", False)
                return
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if not 0 <= length <= ChatPages.MAX_FORM_BYTES:
                self._send(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "text/plain; charset=utf-8", b"Too large\n", False)
                return
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode("utf-8", "replace")).items()}
            area_id = _area_of(form.get("area"))
            back = f"/chat?area={quote(area_id)}"
            # Only the chat page itself may post its forms: a post from another site (which could
            # push its own session on someone, or knock on theirs) sends nothing. Browsers say where
            # a request comes from in Sec-Fetch-Site; without it (an older browser), the token decides.
            if self.headers.get("Sec-Fetch-Site", "same-origin") != "same-origin":
                self._redirect(back)
                return
            # The session: by the key in the form (each page's own), or by its cookie.
            framed = form.get("frame") == "1"
            cookie = self._cookie(framed)
            key = form.get("session") or cookie
            session = pages.find(key)
            view = self._view(form, key if session else None)
            # The page's script, a frame, and any post that came without the session's cookie (the
            # page framed some other way, or cookies off) get the page itself instead of a redirect,
            # whose GET would not find the chat again.
            direct = self.headers.get("X-PHB-Page") == "1" or framed or (session is not None and key != cookie)

            def done(anchor: str = "#latest", session=session, view=view, extra=None):
                if direct:
                    self._page(False, session, session.area if session else area_id, view, extra)
                else:
                    self._redirect(back + anchor, extra)

            action = form.get("do")
            if session is None and action == "end":
                # Ended already (or gone): say so, and drop the cookie.
                ended = chat_page.View(framed=framed, host=view.host, ended=True)
                clear = self._set_cookie("", clear=True, framed=framed)
                if direct:
                    self._page(False, None, area_id, ended, clear)
                else:
                    self._redirect(back + "&ended=1", clear)
                return
            if action == "start" or session is None:
                # A new chat: asked for, or the old one has gone (idle too long, or the server
                # restarted). If a message was sent to the old one, the person is told it was not sent.
                if session is None:
                    opened = self._new_chat(area_id, False)
                    if opened is None:
                        return
                    key, session = opened
                    if form.get("reply") is not None or (form.get("message") or "").strip():
                        session.notice, session.trouble = chat_page.words()["expired"], False
                view = self._view(form, key)
                done("", session, view, self._set_cookie(key, framed=framed))
                return
            if not secrets.compare_digest(form.get("token", "").encode(), session.token.encode()):
                # A form from elsewhere: nothing is sent.
                session.notice = chat_page.words()["expired"]
                done("")
                return
            with session.lock:
                if action == "end":
                    pages.close(key)
                    ended = chat_page.View(framed=view.framed, host=view.host, ended=True)
                    clear = self._set_cookie("", clear=True, framed=framed)
                    if direct:
                        self._page(False, None, area_id, ended, clear)
                    else:
                        self._redirect(back + "&ended=1", clear)
                    return
                if action == "restart":
                    pages.forget(session.restart())
                    pages.say(session, "/greet")
                    done("")
                    return
                payload = form.get("reply")
                if payload is not None:
                    title = chat_page.offered(session).get(payload)
                    if title is not None:  # only a button the last answer offered
                        session.messages.append(chat_page.Message("you", title))
                        if not pages.say(session, payload):
                            session.messages.pop()
                    done()
                    return
                text = (form.get("message") or "").strip()
                if len(text) > MAX_TEXT:
                    session.notice = chat_page.words()["too_long"].format(max=MAX_TEXT)
                elif text:
                    session.messages.append(chat_page.Message("you", text))
                    if not pages.say(session, text):
                        session.messages.pop()
                        session.draft = text  # back in the box, to send again
                done()

        def _redirect(self, location: str, extra=None) -> None:
            # Post, then redirect: a reload shows the page again without sending anything twice.
            self.send_response(HTTPStatus.SEE_OTHER)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.send_header("Cache-Control", "no-store")
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()

        def _respond(self, head: bool) -> None:
            url = urlsplit(self.path)
            if url.path == "/chat":
                self._chat_get(url, head)
                return
            if url.path in ("/", "/index.html"):
                area_id = known_area_id((parse_qs(url.query).get("area") or [DEMO_AREA])[0])
                if not area_id or area_id == DEFAULT_AREA_ID:
                    area_id = DEMO_AREA
                assistant = demo_assistant_origin(self.headers.get("Host"))
                body = demo_page(assistant, area_id).encode()
                self._send(
                    HTTPStatus.OK,
                    "text/html; charset=utf-8",
                    body,
                    head,
                    {"Content-Security-Policy": content_security_policy(assistant)},
                )
                return
            if url.path.startswith("/areas/") and url.path.endswith(".json"):
                area_id = known_area_id(url.path[len("/areas/") : -len(".json")])
                if area_id and area_id != DEFAULT_AREA_ID:
                    body = json.dumps(area_card(all_areas()[area_id])).encode()
                    # Public facts, read by the widget on any ICB's website.
                    self._send(HTTPStatus.OK, "application/json", body, head, {"Access-Control-Allow-Origin": "*"})
                    return
            if url.path == "/favicon.ico":
                self._send(HTTPStatus.NO_CONTENT, "image/x-icon", b"", head)
                return
            file = _static(url.path)
            if file is None:
                self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"Not found\n", head)
                return
            kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            if kind.startswith("text/") or kind.endswith("javascript"):
                kind += "; charset=utf-8"
            self._send(HTTPStatus.OK, kind, file.read_bytes(), head, {"Access-Control-Allow-Origin": "*"})

        def _send(self, status, kind, body, head, extra=None):
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Cache-Control", "no-cache")
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if not head:
                self.wfile.write(body)

        def log_message(self, format, *args):  # noqa: A002
            # Only the method, path and status: the query string could carry anything.
            sys.stderr.write(f"{self.command} {urlsplit(self.path).path} {args[1] if len(args) > 1 else ''}\n")

    return Handler


def snippets(assistant: str) -> str:
    """For each area, both ways an ICB can offer the chat: the widget's one script tag, and a link
    to the chat page (which needs no JavaScript)."""
    out = [
        "<!-- The personal health budget assistant: what an ICB adds to its pages (docs/widget.md).",
        f"     The chat page is served by the assistant's host, {assistant}; list your site's origin in",
        "     its PHB_FRAME_ANCESTORS so that the widget may frame it. -->",
    ]
    for area in all_areas().values():
        if area.is_default:
            continue
        name, area_id = html.escape(area.name), html.escape(area.id)
        out += [
            "",
            f"<!-- {name}: the widget (a launcher, and the chat in a frame) -->",
            f'<script src="{html.escape(assistant)}/phb-chat.js" data-area="{area_id}" defer></script>',
            f'<!-- {name}: or a link to the chat page, for example from a "Chat with us" button -->',
            f'<a href="{html.escape(assistant)}/chat?area={area_id}">Chat with our personal health budget '
            f"assistant</a>",
        ]
    return "\n".join(out) + "\n"


def export(target: pathlib.Path, assistant: str = "https://assistant.example.nhs.uk") -> None:
    """Write the widget, every area's card and the snippets for both routes to a folder, for any
    static web server (the chat page itself is served by `phb-widget serve`)."""
    (target / "areas").mkdir(parents=True, exist_ok=True)
    for name in ("phb-chat.js", "phb-chat.css"):
        (target / name).write_bytes((WIDGET_DIR / name).read_bytes())
    for area in all_areas().values():
        if not area.is_default:
            (target / "areas" / f"{area.id}.json").write_text(json.dumps(area_card(area)), encoding="utf-8")
    (target / "snippets.html").write_text(snippets(assistant.rstrip("/")), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="phb-widget", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the widget and the demo page")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--server", default="http://127.0.0.1:5005", help="the Rasa server the chat page talks to")
    serve.add_argument(
        "--frame-ancestors",
        default=os.environ.get("PHB_FRAME_ANCESTORS"),
        help="the ICB origins whose pages may frame the chat (CSP frame-ancestors, space-separated); "
        "default: this server's own demo page",
    )
    out = sub.add_parser("export", help="write the widget's files, and the snippets for both routes, to a folder")
    out.add_argument("folder", type=pathlib.Path)
    out.add_argument(
        "--assistant",
        default="https://assistant.example.nhs.uk",
        help="the assistant's address (where /chat and phb-chat.js are), for the snippets",
    )
    args = parser.parse_args(argv)
    if args.command == "export":
        export(args.folder, args.assistant)
        print(f"Wrote the widget and snippets.html (both routes, each area) to {args.folder}")
        return 0
    if not (NHSUK_DIR / "nhsuk-frontend.min.css").is_file():
        print("nhsuk-frontend is not installed: run `make run`, which installs it with npm.", file=sys.stderr)
        return 1
    frame_ancestors = args.frame_ancestors or f"http://localhost:{args.port} http://127.0.0.1:{args.port}"
    try:
        frame_hosts(frame_ancestors)
    except ValueError as problem:
        print(f"phb-widget: {problem}", file=sys.stderr)
        return 2
    httpd = ThreadingHTTPServer(
        (args.host, args.port), make_handler(args.server.rstrip("/"), frame_ancestors=frame_ancestors)
    )
    print(f"Demo page on http://localhost:{args.port} (the chat talks to {args.server})", flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
