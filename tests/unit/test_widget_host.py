"""The widget's web host: area cards from config, the demo page, and nothing served from outside its folders."""

import http.client
import json
import threading
from http.server import ThreadingHTTPServer

import pytest
import requests

from processes import widget_host
from bot.areas import all_areas


@pytest.fixture(scope="module")
def host():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), widget_host.make_handler("http://127.0.0.1:5005"))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_an_area_card_has_only_its_phone_numbers_marked_when_they_are_examples():
    kent = widget_host.area_card(all_areas()["kent-and-medway"])
    assert kent["contacts"] == [{"kind": "phone", "label": "Phone", "value": "01632 960000 (example only)"}]
    cornwall = all_areas()["cornwall-and-isles-of-scilly"]
    card = widget_host.area_card(cornwall)
    phones = [c.value for c in cornwall.contacts if c.kind == "phone"]
    assert [c["value"] for c in card["contacts"]] == phones and phones
    assert card["team_name"] == cornwall.team_name


def test_the_demo_page_has_the_snippet_from_another_origin_and_a_strict_content_security_policy(host):
    page = requests.get(host + "/?area=cornwall-and-isles-of-scilly", timeout=5)
    assert page.status_code == 200
    # The demo page plays the ICB's site: the widget, and the chat it frames, come from the other
    # loopback name, another origin, as they would from the assistant's own site.
    assistant = host.replace("127.0.0.1", "localhost")
    assert (
        f'<script src="{assistant}/phb-chat.js" data-area="cornwall-and-isles-of-scilly" defer></script>' in page.text
    )
    csp = page.headers["Content-Security-Policy"]
    assert f"script-src {assistant};" in csp and "'unsafe-inline'" not in csp
    # The ICB's page needs no connection to the assistant at all: only the frame does.
    assert "connect-src 'none'" in csp and f"frame-src {assistant};" in csp
    # An unknown or default area falls back to the demo area, never to text from the query string.
    page = requests.get(host + "/?area=<script>", timeout=5)
    assert 'data-area="kent-and-medway"' in page.text and '<script>"' not in page.text


@pytest.mark.parametrize(
    "path", ["/areas/kent-and-medway.json", "/phb-chat.js", "/phb-chat.css", "/nhsuk/nhsuk-frontend.min.css"]
)
def test_widget_files_and_cards_are_served_to_any_website(host, path):
    response = requests.get(host + path, timeout=5)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    if path.endswith(".json"):
        assert json.loads(response.text)["id"] == "kent-and-medway"


@pytest.mark.parametrize(
    "path",
    [
        "/areas/default.json",
        "/areas/atlantis.json",
        "/../bot/areas.py",
        "/nhsuk/../../../../pyproject.toml",
        "/%2e%2e/pyproject.toml",
        "/demo/index.html",
        "/nhsuk/../../package.json",
    ],
)
def test_nothing_else_is_served(host, path):
    # http.client sends the path as written ("..", not cleaned up as a browser or requests would).
    connection = http.client.HTTPConnection(host.removeprefix("http://"), timeout=5)
    connection.request("GET", path)
    assert connection.getresponse().status == 404
    connection.close()


def test_export_writes_the_widget_each_areas_card_and_both_routes(tmp_path):
    widget_host.export(tmp_path, "https://chat.example.nhs.uk/")
    snippets = (tmp_path / "snippets.html").read_text()
    assert (
        '<script src="https://chat.example.nhs.uk/phb-chat.js" data-area="kent-and-medway" defer></script>' in snippets
    )
    assert '<a href="https://chat.example.nhs.uk/chat?area=kent-and-medway">' in snippets
    assert 'data-area="default"' not in snippets and "area=default" not in snippets
    assert (tmp_path / "phb-chat.js").read_bytes() == (widget_host.WIDGET_DIR / "phb-chat.js").read_bytes()
    cards = sorted(p.stem for p in (tmp_path / "areas").glob("*.json"))
    assert cards == sorted(a.id for a in all_areas().values() if not a.is_default)
