"""The chat page (bot/chat_page.py, served by processes/widget_host.py): plain forms that work with no
script, on its own or framed by the widget on an ICB's page.

The page's rules, and its HTTP flow against a small stand-in for the assistant that records what
it was sent (the real assistant: tests/e2e/test_chat_page.py)."""

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from bot import chat_page
from bot.areas import all_areas
from processes.widget_host import ChatPages, allowed_host, demo_assistant_origin, frame_hosts, make_handler

AREA = all_areas()["kent-and-medway"]


def test_rasas_answer_is_read_as_the_widget_reads_it():
    messages, progress, done = chat_page.from_rasa(
        [
            {"text": "Who is it for?", "buttons": [{"title": "For me", "payload": "/me"}, {"title": 5}]},
            {"custom": {"progress": {"step": 2, "total": 6}}},
            {"image": "x"},
            "junk",
            {"text": ""},
        ]
    )
    assert [(m.text, m.buttons) for m in messages] == [("Who is it for?", (("For me", "/me"),))]
    assert progress == (2, 6) and not done
    assert chat_page.from_rasa([{"text": "Sent.", "custom": {"new_conversation": True}}])[2] is True
    assert chat_page.from_rasa({"error": "x"}) == ([], None, False)
    assert chat_page.from_rasa([{"custom": {"progress": {"step": 9, "total": 2}}}])[1] is None


def test_the_page_shows_everything_as_text_with_real_buttons_and_only_its_own_script():
    session = chat_page.Session(area=AREA.id)
    session.messages = [
        chat_page.Message("you", '<img src=x onerror="alert(1)">'),
        chat_page.Message("bot", "Pick one:\n- <b>first</b>\n- second", (("Yes", "/yes"),)),
    ]
    session.progress = (2, 6)
    page = chat_page.page(session, AREA)
    # One script, from the page's own origin, that only enhances what works without it.
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/phb-page.js" defer>']
    assert "<img" not in page and "&lt;img src=x" in page
    assert "<li>&lt;b&gt;first&lt;/b&gt;</li>" in page
    assert (
        '<button class="nhsuk-button nhsuk-button--secondary phb-page__choice" type="submit" name="reply" '
        'value="/yes">Yes</button>' in page
    )
    assert "Question 2 of 6" in page and 'id="latest"' in page
    # Enter in the message box presses its own form's first button: Send, never a quick reply.
    answer_form = re.search(r'<form[^>]*id="answer">(.*?)</form>', page, re.DOTALL).group(1)
    assert 'name="reply"' not in answer_form and re.findall(r'<button[^>]*type="submit"[^>]*>', answer_form) == [
        '<button class="nhsuk-button phb-page__send" type="submit" name="send" value="1">'
    ]
    for number in ("999", "111", "116123"):  # the urgent help, as tap-to-call links
        assert f'href="tel:{number}"' in page, number
    assert f'name="token" value="{session.token}"' in page
    assert "ended the chat" in chat_page.page(None, AREA)
    assert 'class="phb-page__fill phb-page__fill--35"' in page  # 2 of 6, drawn without inline style


def links(line):
    return [(text, href) for text, href in chat_page.links(line) if href]


def joined(line):
    return "".join(text for text, _ in chat_page.links(line))


def test_only_http_mailto_and_tel_become_links():
    assert chat_page.safe_href("https://www.nhs.uk/") == "https://www.nhs.uk/"
    assert chat_page.safe_href("mailto:team@example.org") == "mailto:team@example.org"
    assert chat_page.safe_href("tel:01632960000") == "tel:01632960000"
    for bad in (
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "ftp://example.org/",
        "not a url",
        "",
        "https:nohost",
    ):
        assert chat_page.safe_href(bad) is None, bad


def test_the_crisis_numbers_and_the_teams_contacts_become_links_and_no_text_is_lost():
    cases = [
        ("- If someone's life is in danger, call 999.", [("999", "tel:999")]),
        (
            "- For urgent medical help, call NHS 111 or go to 111.nhs.uk.",
            [("111", "tel:111"), ("111.nhs.uk", "https://111.nhs.uk")],
        ),
        ("- In a mental health crisis, call NHS 111 and choose option 2.", [("111", "tel:111")]),
        ("- To talk to someone at any time, call Samaritans free on 116 123.", [("116 123", "tel:116123")]),
        ("- You can also text SHOUT to 85258.", []),
        ("Phone: 01632 960000 (example only)", [("01632 960000", "tel:01632960000")]),
        (
            "Email: personal.health.budgets@example.org (example only)",
            [("personal.health.budgets@example.org", "mailto:personal.health.budgets@example.org")],
        ),
        ("Budgets of £1,111 or 2999 people", []),
        (
            "See https://www.england.nhs.uk/personal-health-budgets/.",
            [
                (
                    "https://www.england.nhs.uk/personal-health-budgets/",
                    "https://www.england.nhs.uk/personal-health-budgets/",
                )
            ],
        ),
    ]
    for line, expected in cases:
        assert links(line) == expected, line
        assert joined(line) == line
    assert links("Read [the NHS page](https://www.nhs.uk/phb) now") == [("the NHS page", "https://www.nhs.uk/phb")]
    assert joined("Read [the NHS page](https://www.nhs.uk/phb) now") == "Read the NHS page now"
    assert links("[click](javascript:alert(1))") == []
    assert joined("[click](javascript:alert(1))") == "[click](javascript:alert(1))"
    payload = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    assert chat_page.links(payload) == [(payload, None)]


def test_links_on_the_page_are_escaped_and_web_links_open_in_a_new_tab():
    session = chat_page.Session(area=AREA.id)
    session.messages = [chat_page.Message("bot", 'Call 999. See https://www.nhs.uk/"><script>x</script>')]
    page = chat_page.page(session, AREA)
    assert '<a class="nhsuk-link" href="tel:999">999</a>' in page
    assert (
        '<a class="nhsuk-link" href="https://www.nhs.uk/" rel="noopener noreferrer" target="_blank">'
        'https://www.nhs.uk/<span class="nhsuk-u-visually-hidden"> (opens in a new tab)</span></a>'
    ) in page
    assert "<script>x" not in page and "&quot;&gt;&lt;script&gt;x" in page


class StandIn(BaseHTTPRequestHandler):
    """Answers like the assistant: a question with two buttons, then a result; records each post."""

    posts: list = []
    down = False

    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        StandIn.posts.append((self.path, body))
        if StandIn.down:
            self.send_response(502)
            self.end_headers()
            return
        if self.path.endswith("/forget"):
            answer = {"forgotten": True}
        elif body["message"] == "/greet":
            answer = [
                {
                    "text": "Hello. Who is it for?",
                    "buttons": [{"title": "For me", "payload": "/me"}, {"title": "Someone else", "payload": "/other"}],
                },
                {"custom": {"progress": {"step": 1, "total": 6}}},
            ]
        else:
            answer = [{"text": f"You said {body['message']}"}]
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def site():
    StandIn.posts, StandIn.down = [], False
    rasa = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    host = ThreadingHTTPServer(
        ("127.0.0.1", 0), make_handler(f"http://127.0.0.1:{rasa.server_port}", frame_ancestors="https://icb.example")
    )
    for server in (rasa, host):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{host.server_port}"
    for server in (rasa, host):
        server.shutdown()


def form_token(html):
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


def test_a_chat_by_form_posts_with_its_cookie_and_token(site):
    browser = requests.Session()
    first = browser.get(site + "/chat?area=kent-and-medway")
    assert first.status_code == 200 and "Hello. Who is it for?" in first.text and "Question 1 of 6" in first.text
    cookie = first.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/chat" in cookie
    assert "frame-ancestors https://icb.example" in first.headers["Content-Security-Policy"]
    assert "no-store" in first.headers["Cache-Control"]
    sender = StandIn.posts[-1][1]["sender"]
    assert re.fullmatch(r"[0-9a-f]{32}", sender) and sender not in first.text and sender not in cookie
    assert StandIn.posts[-1][1]["metadata"] == {"area": "kent-and-medway", "client": "phb-chat"}
    token = form_token(first.text)

    # A button: what it says is shown as what the person said; its payload is what is sent.
    pressed = browser.post(
        site + "/chat", data={"token": token, "area": "kent-and-medway", "reply": "/me"}, allow_redirects=False
    )
    assert pressed.status_code == 303 and pressed.headers["Location"].endswith("#latest")
    assert StandIn.posts[-1][1]["message"] == "/me"
    page = browser.get(site + pressed.headers["Location"]).text
    assert 'You said: </span><p class="phb-page__line">For me</p>' in page and "You said /me" in page
    # A button that was not offered (or is offered no more) sends nothing.
    count = len(StandIn.posts)
    browser.post(site + "/chat", data={"token": token, "reply": "/other"})
    assert len(StandIn.posts) == count
    # Typed text, and a form without the session's token, which sends nothing.
    browser.post(site + "/chat", data={"token": token, "message": "  my own words  "})
    assert StandIn.posts[-1][1]["message"] == "my own words"
    count = len(StandIn.posts)
    browser.post(site + "/chat", data={"token": "wrong", "message": "forged"}, allow_redirects=False)
    browser.post(site + "/chat", data={"token": "wrông", "message": "forged"}, allow_redirects=False)
    assert len(StandIn.posts) == count
    # A post from another site (the browser says so) sends nothing, whatever it carries.
    cross = browser.post(
        site + "/chat",
        data={"token": token, "message": "from another site"},
        headers={"Sec-Fetch-Site": "cross-site"},
        allow_redirects=False,
    )
    assert cross.status_code == 303 and len(StandIn.posts) == count
    # Without the session (no cookie): a new chat at most, and the message is never sent.
    requests.post(site + "/chat", data={"token": token, "message": "from another site"}, allow_redirects=False)
    assert "from another site" not in [body.get("message") for _, body in StandIn.posts]
    count = len(StandIn.posts)
    assert "too long" in browser.post(site + "/chat", data={"token": token, "message": "x" * 1001}).text
    assert len(StandIn.posts) == count

    # Start again: a new conversation, the old one forgotten.
    browser.post(site + "/chat", data={"token": token, "do": "restart"})
    assert StandIn.posts[-2] == ("/webhooks/rest/forget", {"sender": sender})
    new_sender = StandIn.posts[-1][1]["sender"]
    assert new_sender != sender
    # End chat: forgotten there and here; the cookie goes.
    ended = browser.post(site + "/chat", data={"token": token, "do": "end"}, allow_redirects=False)
    assert "Max-Age=0" in ended.headers["Set-Cookie"]
    assert StandIn.posts[-1] == ("/webhooks/rest/forget", {"sender": new_sender})
    assert "ended the chat" in browser.get(site + ended.headers["Location"]).text


def test_when_the_assistant_cannot_be_reached_the_page_says_so_with_the_numbers(site):
    browser = requests.Session()
    token = form_token(browser.get(site + "/chat?area=kent-and-medway").text)
    StandIn.down = True
    page = browser.post(site + "/chat", data={"token": token, "message": "hello"}).text
    assert "cannot reach the assistant" in page and "not sent" in page
    assert "call 999" in page and "116 123" in page
    assert 'You said: </span><p class="phb-page__line">hello' not in page  # not shown as sent
    assert "not sent" not in browser.get(site + "/chat").text  # said once


def test_when_too_many_pages_are_open_a_new_one_is_told_so_with_the_urgent_numbers(site):
    pages = ChatPages(site)
    pages.sessions.max_entries = 1
    host = ThreadingHTTPServer(("127.0.0.1", 0), make_handler("http://127.0.0.1:9", pages=pages))
    threading.Thread(target=host.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{host.server_port}/chat?area=kent-and-medway"
        assert requests.get(url, timeout=30).status_code == 200
        busy = requests.get(url, timeout=30)  # another person: no cookie, so a new page
        assert busy.status_code == 503 and "too busy" in busy.text
        assert "999" in busy.text and "NHS 111" in busy.text
    finally:
        host.shutdown()


def test_only_the_configured_icb_origins_may_frame_the_chat():
    hosts = frame_hosts("'self' https://www.icb.example/ https://*.nhs.example http://localhost:8080")
    assert hosts == ("https://www.icb.example", "https://*.nhs.example", "http://localhost:8080")
    assert allowed_host("https://www.icb.example", hosts) == "https://www.icb.example"
    assert allowed_host("https://kent.nhs.example", hosts) == "https://kent.nhs.example"
    assert allowed_host("https://a.b.nhs.example", hosts) == "https://a.b.nhs.example"
    assert allowed_host("http://localhost:8080", hosts) == "http://localhost:8080"
    for origin in (
        "http://www.icb.example",
        "https://www.icb.example.evil",
        "https://nhs.example",
        "https://evil.example/.nhs.example",
        "https://x.nhs.example.evil",
        "https://evil.com?.x.nhs.example",
        "https://evil.com#.nhs.example",
        "https://u@kent.nhs.example",
        "https://kent.nhs.example:8443",
        "http://localhost:8081",
        "https://www.icb.example/",
        "javascript:alert(1)",
        None,
        "",
    ):
        assert allowed_host(origin, hosts) is None, origin
    # A bare host would frame the chat under CSP but never match here: refused when the server starts.
    for bad in ("www.icb.example", "https://www.icb.example/path", "*.nhs.example"):
        with pytest.raises(ValueError):
            frame_hosts(bad)
    assert demo_assistant_origin("127.0.0.1:8080") == "http://localhost:8080"
    assert demo_assistant_origin("localhost:8080") == "http://127.0.0.1:8080"


def test_framed_the_page_starts_a_chat_only_when_asked_and_keeps_it_by_the_key_in_its_forms(site):
    framed = "/chat?area=kent-and-medway&frame=1&host=" + requests.utils.quote("https://icb.example", safe="")
    first = requests.get(site + framed)
    # No chat is started just by showing the frame (the ICB's page may be open all day)...
    assert 'data-state="start"' in first.text and StandIn.posts == [] and "Set-Cookie" not in first.headers
    assert 'data-host="https://icb.example"' in first.text and "phb-page--framed" in first.text
    # ...and an origin that is not configured gets no postMessage target.
    other = requests.get(site + "/chat?area=kent-and-medway&frame=1&host=https%3A%2F%2Fevil.example")
    assert 'data-host=""' in other.text

    # A cross-site frame gets no cookie back: every step works by the session key in the form, and
    # the page itself comes back (no redirect, whose GET would carry no cookie either).
    form = {"area": "kent-and-medway", "frame": "1", "host": "https://icb.example"}
    started = requests.post(site + "/chat", data={**form, "do": "start"}, allow_redirects=False)
    assert started.status_code == 200 and "Hello. Who is it for?" in started.text
    key = re.search(r'name="session" value="([^"]+)"', started.text).group(1)
    token = form_token(started.text)
    answered = requests.post(
        site + "/chat", data={**form, "session": key, "token": token, "reply": "/me"}, allow_redirects=False
    )
    assert answered.status_code == 200 and "You said /me" in answered.text
    assert 'data-action="minimise" hidden' in answered.text  # the script shows it: it needs postMessage
    # The ICB's next page: the frame's own cookie, partitioned to the ICB's site, brings the chat back.
    cookie = started.headers["Set-Cookie"]
    assert (
        cookie.startswith(f"phb_frame={key};")
        and "SameSite=None" in cookie
        and "Partitioned" in cookie
        and "Secure" in cookie
        and "HttpOnly" in cookie
    )
    again = requests.get(site + framed, cookies={"phb_frame": key})
    assert 'data-state="chat"' in again.text and "You said /me" in again.text
    assert 'data-state="start"' in requests.get(site + framed, cookies={"phb_chat": key}).text  # not the page's
    # Resuming (the ICB's next page): the key and token alone give the chat back, and send nothing.
    count = len(StandIn.posts)
    resumed = requests.post(site + "/chat", data={**form, "session": key, "token": token})
    assert "You said /me" in resumed.text and len(StandIn.posts) == count
    # A wrong token with the key sends nothing.
    requests.post(site + "/chat", data={**form, "session": key, "token": "wrong", "message": "forged"})
    assert len(StandIn.posts) == count
    ended = requests.post(site + "/chat", data={**form, "session": key, "token": token, "do": "end"})
    assert 'data-state="ended"' in ended.text and StandIn.posts[-1][0] == "/webhooks/rest/forget"
    assert "phb_frame=;" in ended.headers["Set-Cookie"] and "Max-Age=0" in ended.headers["Set-Cookie"]
    gone = requests.post(site + "/chat", data={**form, "session": key, "token": token})
    assert 'data-state="chat"' in gone.text and "You said /me" not in gone.text  # gone: a new chat
    assert "was not sent" not in gone.text  # nothing was sent, so nothing to apologise for


def test_a_message_to_a_chat_that_has_gone_starts_a_new_one_and_says_it_was_not_sent(site):
    browser = requests.Session()
    token = form_token(browser.get(site + "/chat?area=kent-and-medway").text)
    browser.cookies.clear()
    browser.cookies.set("phb_chat", "gone-after-a-restart", domain="127.0.0.1", path="/chat")
    page = browser.post(site + "/chat", data={"token": token, "message": "hello again"}).text
    assert "This page was open too long, so your message was not sent." in page
    assert "Hello. Who is it for?" in page and "hello again" not in [b.get("message") for _, b in StandIn.posts]
    # "End chat" on a chat that has gone just ends it.
    browser.cookies.set("phb_chat", "gone-too", domain="127.0.0.1", path="/chat")
    ended = browser.post(site + "/chat", data={"token": token, "do": "end"}, allow_redirects=False)
    assert "ended=1" in ended.headers["Location"] and "Max-Age=0" in ended.headers["Set-Cookie"]


def test_a_message_not_sent_is_put_back_in_the_box(site):
    browser = requests.Session()
    token = form_token(browser.get(site + "/chat?area=kent-and-medway").text)
    StandIn.down = True
    page = browser.post(site + "/chat", data={"token": token, "message": "my <own> words"}).text
    assert 'enterkeyhint="send" value="my &lt;own&gt; words">' in page
    assert 'value="my' not in browser.get(site + "/chat").text  # once


@pytest.mark.parametrize("length", ["abc", "-5", "99999999"])
def test_a_bad_content_length_gets_a_clear_answer(site, length):
    import http.client

    connection = http.client.HTTPConnection(site.removeprefix("http://"), timeout=5)
    connection.putrequest("POST", "/chat")
    connection.putheader("Content-Length", length)
    connection.endheaders()
    assert connection.getresponse().status == 413
    connection.close()


def test_without_its_cookie_a_post_gets_the_page_back_so_the_chat_is_not_lost(site):
    # Cookies off, or the page framed directly by an ICB without the widget (a cross-site frame gets
    # no SameSite=Strict cookie): the key in the form finds the chat, and the page comes back
    # instead of a redirect that would lose it.
    first = requests.get(site + "/chat?area=kent-and-medway")
    key = re.search(r'name="session" value="([^"]+)"', first.text).group(1)
    answer = requests.post(
        site + "/chat",
        data={"area": "kent-and-medway", "session": key, "token": form_token(first.text), "message": "hi"},
        allow_redirects=False,
    )
    assert answer.status_code == 200 and "You said hi" in answer.text


def test_the_pages_script_gets_the_page_back_instead_of_a_redirect(site):
    browser = requests.Session()
    token = form_token(browser.get(site + "/chat?area=kent-and-medway").text)
    answer = browser.post(
        site + "/chat", data={"token": token, "message": "hi"}, headers={"X-PHB-Page": "1"}, allow_redirects=False
    )
    assert answer.status_code == 200 and "You said hi" in answer.text


@pytest.mark.parametrize("notice, trouble", [("expired", False), ("too_long", False), ("error_not_sent", True)])
def test_every_problem_the_page_reports_gives_999_and_nhs_111(notice, trouble):
    session = chat_page.Session(area=AREA.id)
    session.notice, session.trouble = chat_page.words()[notice].format(max=1000), trouble
    problem = re.search(
        r'<div class="nhsuk-error-summary" role="alert".*?</div></div>',
        chat_page.page(session, AREA, chat_page.View(framed=True)),
        re.DOTALL,
    ).group(0)
    for number in ("999", "111", "116123"):
        assert f'href="tel:{number}"' in problem, (notice, number)
