"""The chat widget on the demo ICB page, in headless Chromium, against the real servers.

Accessibility (axe-core, WCAG 2.2 A and AA) in every state, keyboard-only use, focus, markup shown as text,
a reload keeping the conversation, and the error state when the assistant cannot be reached.
"""
from __future__ import annotations

import re

import pytest

from tests.e2e.widget_page import Widget

NHS_YELLOW = "rgb(255, 235, 59)"
XSS = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>bold</b>'


@pytest.fixture
def widget(new_page, widget_url):
    return Widget(new_page(), widget_url).goto()


def assert_accessible(widget, state):
    assert widget.axe() == [], f"axe-core found WCAG 2.2 AA violations {state}"


def test_no_accessibility_violations_closed_open_and_mid_conversation(widget):
    assert_accessible(widget, "with the chat closed")
    widget.open()
    assert_accessible(widget, "with the chat open")
    widget.choose("Could I get one?")
    assert "For me" in widget.choices()
    assert widget.page.locator(".phb-chat__progress").is_visible()
    assert_accessible(widget, "mid-conversation, with quick-reply buttons and progress")


def test_no_accessibility_violations_at_320_px_and_it_reflows(new_page, widget_url):
    widget = Widget(new_page(width=320, height=640), widget_url).goto()
    assert_accessible(widget, "closed, 320 px wide")
    widget.open()
    widget.choose("Could I get one?")
    assert_accessible(widget, "mid-conversation, 320 px wide")
    # No sideways scrolling of the page or of the panel (WCAG 1.4.10).
    widths = widget.page.evaluate("""() => { const p = document.querySelector('.phb-chat__panel');
        return {page: document.documentElement.scrollWidth, panel: p.scrollWidth, panelBox: p.clientWidth,
                right: p.getBoundingClientRect().right}; }""")
    assert widths["page"] <= 320 and widths["panel"] <= widths["panelBox"] and widths["right"] <= 320, widths


def test_usable_at_400_percent_zoom(new_page, widget_url):
    # 1280 x 1024 at 400% zoom is 320 x 256 CSS pixels.
    widget = Widget(new_page(width=320, height=256), widget_url).goto()
    widget.open()
    widget.say("what is a personal health budget")
    assert "amount of NHS money" in widget.log_text()
    for name in ("Type your message",):
        box = widget.page.get_by_label(name).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 320
    send = widget.page.get_by_role("button", name="Send")
    send.scroll_into_view_if_needed()
    assert send.is_visible()
    assert widget.page.evaluate("document.documentElement.scrollWidth") <= 320


def test_keyboard_only_open_ask_answer_with_a_button_and_close(widget):
    page = widget.page
    # The launcher is reached with Tab from the top of the page.
    for _ in range(30):
        page.keyboard.press("Tab")
        if widget.focused()["text"] == "Ask about personal health budgets":
            break
    else:
        pytest.fail("Tab never reached the chat launcher")
    assert page.evaluate("getComputedStyle(document.activeElement).backgroundColor") == NHS_YELLOW

    page.keyboard.press("Enter")
    assert widget.panel.is_visible()
    assert widget.focused()["id"] == "phb-chat-input", "focus goes to the message box on open"
    widget.wait_for_reply(0)

    before = widget.bot_count()
    page.keyboard.type("what is a personal health budget")
    page.keyboard.press("Enter")
    widget.wait_for_reply(before)
    assert "amount of NHS money" in widget.log_text()
    assert widget.focused()["id"] == "phb-chat-input", "focus stays in the message box after sending"

    before = widget.bot_count()
    page.keyboard.type("could I get one?")
    page.keyboard.press("Enter")
    widget.wait_for_reply(before)
    # Shift+Tab from the message box goes back through the quick replies, last first.
    choices = widget.choices()
    assert choices[0] == "For me"
    for _ in choices:
        page.keyboard.press("Shift+Tab")
    assert widget.focused()["text"] == "For me"
    assert page.evaluate("getComputedStyle(document.activeElement).backgroundColor") == NHS_YELLOW
    before = widget.bot_count()
    page.keyboard.press("Enter")
    widget.wait_for_reply(before)
    assert widget.focused()["id"] == "phb-chat-input", "after a quick reply, focus goes back to the message box"
    assert "Question 2 of" in widget.log_text()
    assert "For me" not in widget.choices(), "answered buttons are taken away"

    page.keyboard.press("Escape")
    assert not widget.panel.is_visible()
    assert widget.focused()["text"] == "Ask about personal health budgets", "focus goes back to the launcher"
    page.keyboard.press("Enter")
    assert "Question 2 of" in widget.log_text(), "closing keeps the conversation"
    assert widget.focused()["id"] == "phb-chat-input"


@pytest.mark.parametrize("width,height", [(1280, 800), (320, 640)])
def test_no_keyboard_trap_and_the_panel_never_covers_the_focused_element(new_page, widget_url, width, height):
    widget = Widget(new_page(width=width, height=height), widget_url).goto()
    page = widget.page
    widget.open()
    # Forwards: from Send, Tab leaves the widget.
    page.get_by_role("button", name="Send").focus()
    page.keyboard.press("Tab")
    assert not widget.focused()["inWidget"]
    # Backwards: from the first button in the panel, Shift+Tab reaches the host page's footer. At 320 px the
    # panel fills the screen, so it steps aside (minimised, conversation kept) rather than cover the link.
    page.get_by_role("button", name="Start again").focus()
    page.keyboard.press("Shift+Tab")
    focused = widget.focused()
    assert not focused["inWidget"]
    covered = page.evaluate("""() => {
        const a = document.activeElement.getBoundingClientRect();
        return [...document.querySelectorAll('.phb-chat__panel, .phb-chat__launcher')]
          .filter(e => !e.hidden && e.offsetParent !== null)
          .some(e => { const b = e.getBoundingClientRect();
                       return a.right > b.left && a.left < b.right && a.bottom > b.top && a.top < b.bottom; }); }""")
    assert not covered, f"the widget covers the focused element {focused}"
    if width == 320:
        assert not widget.panel.is_visible() and widget.launcher.is_visible()
        widget.launcher.click()
        assert "Hello" in widget.log_text()


def test_buttons_are_large_enough_and_motion_is_reduced_on_request(new_page, widget_url):
    widget = Widget(new_page(reduced_motion="reduce"), widget_url).goto()
    widget.open()
    widget.choose("Could I get one?")
    sizes = widget.page.evaluate("""() => [...document.querySelectorAll('.phb-chat button')]
        .filter(b => b.offsetParent !== null)
        .map(b => { const r = b.getBoundingClientRect(); return [b.innerText, r.width, r.height]; })""")
    assert sizes and all(w >= 24 and h >= 24 for _, w, h in sizes), sizes
    animation = widget.page.evaluate(
        "getComputedStyle(document.querySelector('.phb-chat__dots span')).animationName")
    assert animation == "none"


def test_markup_typed_by_the_person_is_shown_as_text_and_never_run(widget):
    widget.open()
    widget.say(XSS)
    mine = widget.page.locator(".phb-chat__msg--user .phb-chat__text").last
    assert mine.inner_text() == XSS
    assert widget.page.locator(".phb-chat__log img, .phb-chat__log script, .phb-chat__log b").count() == 0
    assert widget.page.evaluate("window.__pwned") is None
    assert widget.page.errors == []


def test_markup_and_unsafe_links_in_a_bot_answer_are_shown_as_text(widget):
    hostile = [{"recipient_id": "x", "text": (
        '<img src=x onerror="window.__pwned=3"> <a href="javascript:window.__pwned=4">click</a> '
        "[link](javascript:window.__pwned=5) [NHS](https://www.nhs.uk/) "
        "data:text/html,<script>window.__pwned=6</script> call 999 or email team@example.org"),
        "buttons": [{"title": '<svg onload="window.__pwned=7">', "payload": "/greet"}]}]
    widget.page.route("**/webhooks/rest/webhook",
                      lambda route: route.fulfill(json=hostile, headers={"Access-Control-Allow-Origin": "*"}))
    widget.open()
    log = widget.page.locator(".phb-chat__log")
    assert log.locator("img, svg, script").count() == 0
    hrefs = log.locator("a").evaluate_all("as => as.map(a => [a.href, a.rel, a.target])")
    assert hrefs == [["https://www.nhs.uk/", "noopener noreferrer", "_blank"], ["tel:999", "noopener noreferrer", ""],
                     ["mailto:team@example.org", "noopener noreferrer", ""]]
    assert '<a href="javascript:window.__pwned=4">click</a>' in log.inner_text()
    assert widget.choices() == ['<svg onload="window.__pwned=7">']
    widget.page.locator(".phb-chat__choice").first.click()
    widget.page.wait_for_timeout(300)
    assert widget.page.evaluate("window.__pwned") is None
    assert widget.page.errors == []


def test_crisis_answer_gives_numbers_as_safe_links(widget):
    widget.open()
    widget.say("I want to end my life")
    links = widget.page.locator(".phb-chat__log a").evaluate_all("as => as.map(a => a.href)")
    assert {"tel:999", "tel:111", "tel:116123"} <= set(links)
    widget.say("my dad has collapsed and is not breathing")  # a medical emergency's help links 111 online
    links = widget.page.locator(".phb-chat__log a").evaluate_all("as => as.map(a => a.href)")
    assert "https://111.nhs.uk/" in links
    assert all(re.match(r"^(https?:|mailto:|tel:)", href) for href in links)


def test_a_reload_keeps_the_conversation_and_a_new_tab_starts_a_new_one(widget):
    widget.open()
    widget.choose("Could I get one?")
    widget.choose("For me")
    before = widget.log_text()
    sender = widget.requests[-1]["sender"]
    assert re.fullmatch(r"[0-9a-f]{32}", sender), "128 random bits"
    assert widget.requests[-1]["metadata"] == {"area": "kent-and-medway", "client": "phb-chat"}

    widget.page.reload()
    widget.page.wait_for_selector(".phb-chat__panel:not([hidden])")
    assert widget.log_text() == before
    assert widget.panel.is_visible()
    # The conversation carries on with the assistant: the next question, in the same conversation.
    widget.choose(widget.choices()[0])
    assert widget.requests[-1]["sender"] == sender
    assert "Question 3 of" in widget.log_text()

    other = Widget(widget.page.context.new_page(), widget.url).goto()
    assert not other.panel.is_visible()
    other.open()
    assert "Question" not in other.log_text()
    assert other.requests[-1]["sender"] != sender


def test_end_chat_asks_first_then_clears_and_start_again_can_be_cancelled(widget):
    page = widget.page
    widget.open()
    widget.say("what is a personal health budget")
    old_id = page.evaluate("JSON.parse(sessionStorage.getItem('phb-chat')).id")

    page.get_by_role("button", name="Start again").click()
    assert widget.focused()["text"] == "Yes, start again"
    page.get_by_role("button", name="No, go back").click()
    assert widget.focused()["text"] == "Start again"
    assert "amount of NHS money" in widget.log_text()

    page.get_by_role("button", name="End chat").click()
    page.get_by_role("button", name="Yes, end the chat").click()
    assert not widget.panel.is_visible()
    assert widget.focused()["text"] == "Ask about personal health budgets"
    state = page.evaluate("JSON.parse(sessionStorage.getItem('phb-chat'))")
    assert state["messages"] == [] and state["id"] != old_id
    widget.open()
    assert "amount of NHS money" not in widget.log_text()


def test_minimise_keeps_the_conversation(widget):
    widget.open()
    widget.say("what is a personal health budget")
    widget.page.get_by_role("button", name="Minimise").click()
    assert not widget.panel.is_visible()
    assert widget.focused()["text"] == "Ask about personal health budgets"
    widget.launcher.click()
    assert "amount of NHS money" in widget.log_text()


def test_error_state_when_the_assistant_cannot_be_reached(new_page, dead_widget_url):
    widget = Widget(new_page(), dead_widget_url).goto()
    widget.launcher.click()
    alert = widget.page.get_by_role("alert")
    alert.wait_for()
    text = alert.inner_text()
    assert "cannot reach the assistant" in text
    # The area's number from its config file, marked as an example where it is one.
    assert "01632 960000 (example only)" in text
    assert alert.locator("a[href='tel:01632960000']").count() == 1
    # The same urgent help as the assistant's own failure message (issue 20: fail-safe everywhere).
    assert "call 999" in text and "call NHS 111." in text
    assert "NHS 111 and choose option 2" in text and "Samaritans free on 116 123" in text
    for number in ("999", "111", "116123"):
        assert alert.locator(f"a[href='tel:{number}']").count() >= 1, number
    widget.input.fill("hello")
    widget.input.press("Enter")
    alert.wait_for()
    assert widget.page.locator(".phb-chat__msg--failed").count() == 1
    assert_accessible(widget, "in the error state")


def test_try_again_sends_the_message_once_the_assistant_is_back(widget):
    page = widget.page
    down = {"on": True}

    def maybe_fail(route):
        if down["on"]:
            route.abort("connectionrefused")
        else:
            route.continue_()

    page.route("**/webhooks/rest/webhook", maybe_fail)
    widget.launcher.click()
    page.get_by_role("alert").wait_for()
    down["on"] = False
    page.get_by_role("button", name="Try again").click()
    widget.wait_for_reply(0)
    assert page.get_by_role("alert").is_hidden()
    assert "Hello" in widget.log_text()


def test_axe_would_catch_a_violation(widget):
    """The accessibility checks are real: a nameless button and grey-on-grey text are reported."""
    widget.page.evaluate("""() => { const b = document.createElement('button'); document.body.appendChild(b);
        const p = document.createElement('p'); p.textContent = 'faint'; p.style.color = '#ddd';
        p.style.background = '#eee'; document.body.appendChild(p); }""")
    assert {"button-name", "color-contrast"} <= {v["id"] for v in widget.axe()}
