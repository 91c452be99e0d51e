"""Serve the chat widget, each area's public contact card, and a demo ICB page.

`make run` starts this on http://localhost:8080. In production the same files
can be served by any web server: `phb-widget export DIR` writes them out.

The widget needs an area's phone number even when the assistant cannot be
reached, so the card comes from here (the area's config file), not from Rasa.
"""
from __future__ import annotations

import argparse
import html
import json
import mimetypes
import pathlib
import string
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from bot.areas import DEFAULT_AREA_ID, Area, all_areas, known_area_id
from bot.messages import all_messages

ROOT = pathlib.Path(__file__).resolve().parent.parent
WIDGET_DIR = ROOT / "widget" / "src"
DEMO_PAGE = ROOT / "widget" / "demo" / "index.html"
NHSUK_DIR = ROOT / "widget" / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"
DEMO_AREA = "kent-and-medway"


def area_card(area: Area) -> dict:
    """The public facts the widget shows when it cannot reach the assistant."""
    labels, mark = all_messages()["contact_labels"], all_messages()["example_mark"]
    return {
        "id": area.id,
        "name": area.name,
        "team_name": area.team_name,
        "contacts": [
            {"kind": c.kind, "label": labels[c.kind], "value": c.value + (mark if c.example else "")}
            for c in area.contacts if c.kind in ("phone", "textphone")
        ],
    }


def content_security_policy(server: str) -> str:
    """No inline script or style anywhere on the page: markup that slipped into a message could not run."""
    return ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
            f"connect-src 'self' {server}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


def demo_page(server: str, area_id: str) -> str:
    area = all_areas()[area_id]
    others = [a for a in all_areas().values() if not a.is_default and a.id != area_id]
    switch = "".join(f'<li><a class="nhsuk-link" href="/?area={a.id}">{html.escape(a.name)}</a></li>' for a in others)
    return string.Template(DEMO_PAGE.read_text(encoding="utf-8")).substitute(
        server=html.escape(server), area_id=area.id, area_name=html.escape(area.name), other_areas=switch)


def _static(path: str) -> pathlib.Path | None:
    """The file for a URL path, only from the two folders we publish (no '..' escapes)."""
    for prefix, folder in (("/nhsuk/", NHSUK_DIR), ("/", WIDGET_DIR)):
        if path.startswith(prefix):
            candidate = (folder / path[len(prefix):]).resolve()
            if candidate.is_file() and folder.resolve() in candidate.parents:
                return candidate
    return None


def make_handler(server: str):
    class Handler(BaseHTTPRequestHandler):
        server_version = "phb-widget"
        sys_version = ""

        def do_GET(self):  # noqa: N802 (the name http.server calls)
            self._respond(head=False)

        def do_HEAD(self):  # noqa: N802
            self._respond(head=True)

        def _respond(self, head: bool) -> None:
            url = urlsplit(self.path)
            if url.path in ("/", "/index.html"):
                area_id = known_area_id((parse_qs(url.query).get("area") or [DEMO_AREA])[0])
                if not area_id or area_id == DEFAULT_AREA_ID:
                    area_id = DEMO_AREA
                body = demo_page(server, area_id).encode()
                self._send(HTTPStatus.OK, "text/html; charset=utf-8", body, head,
                           {"Content-Security-Policy": content_security_policy(server)})
                return
            if url.path.startswith("/areas/") and url.path.endswith(".json"):
                area_id = known_area_id(url.path[len("/areas/"):-len(".json")])
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


def export(target: pathlib.Path) -> None:
    """Write the widget and every area's card to a folder, for any static web server."""
    (target / "areas").mkdir(parents=True, exist_ok=True)
    for name in ("phb-chat.js", "phb-chat.css"):
        (target / name).write_bytes((WIDGET_DIR / name).read_bytes())
    for area in all_areas().values():
        if not area.is_default:
            (target / "areas" / f"{area.id}.json").write_text(json.dumps(area_card(area)), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="phb-widget", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the widget and the demo page")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--server", default="http://127.0.0.1:5005", help="the Rasa server the widget talks to")
    out = sub.add_parser("export", help="write the widget's files to a folder")
    out.add_argument("folder", type=pathlib.Path)
    args = parser.parse_args(argv)
    if args.command == "export":
        export(args.folder)
        print(f"Wrote the widget to {args.folder}")
        return 0
    if not (NHSUK_DIR / "nhsuk-frontend.min.css").is_file():
        print("nhsuk-frontend is not installed: run `make run`, which installs it with npm.", file=sys.stderr)
        return 1
    httpd = ThreadingHTTPServer((args.host, args.port), make_handler(args.server.rstrip("/")))
    print(f"Demo page on http://localhost:{args.port} (widget talks to {args.server})", flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
