"""The chat widget on the demo ICB page, in headless Chromium, against the real servers.

The demo page plays an ICB's site; the widget adds a launcher and frames the chat page from the
assistant's own origin. Accessibility (axe-core, WCAG 2.2 A and AA) in every state on both, keyboard
use across the frame, focus, a modal panel on phones, markup shown as text, a reload keeping the
conversation, the error states, and a script planted on the ICB's page reading nothing of the chat.
"""

from __future__ import annotations

import re

import pytest

from tests.e2e.widget_page import FRAME, Widget

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
    assert widget.chat.locator(".phb-page__progress").is_visible()
    assert_accessible(widget, "mid-conversation, with quick-reply buttons and progress")


def test_no_accessibility_violations_at_320_px_and_it_reflows(new_page, widget_url):
    widget = Widget(new_page(width=320, height=640), widget_url).goto()
    assert_accessible(widget, "closed, 320 px wide")
    widget.open()
    widget.choose("Could I get one?")
    assert_accessible(widget, "mid-conversation, 320 px wide")
    # No sideways scrolling of the page, the panel or the chat in it (WCAG 1.4.10).
    box = widget.page.locator(".phb-chat__panel").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 320, box
    assert widget.page.evaluate("document.documentElement.scrollWidth") <= 320
    inner = widget.frame.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert inner[0] <= inner[1], inner


def test_usable_at_400_percent_zoom(new_page, widget_url):
    # 1280 x 1024 at 400% zoom is 320 x 256 CSS pixels.
    widget = Widget(new_page(width=320, height=256), widget_url).goto()
    widget.open()
    widget.say("what is a personal health budget")
    assert "amount of NHS money" in widget.log_text()
    box = widget.input.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 320
    send = widget.chat.get_by_role("button", name="Send")
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
    widget.wait_for_reply(0)
    widget.frame.wait_for_function("document.activeElement && document.activeElement.id === 'message'")
    assert widget.focused()["id"] == "message", "focus goes into the chat, to the message box, on open"

    before = widget.bot_count()
    widget.frame.evaluate("window.__samePage = true")
    page.keyboard.type("what is a personal health budget")
    page.keyboard.press("Enter")
    widget.wait_for_reply(before)
    assert "amount of NHS money" in widget.log_text()
    assert widget.focused()["id"] == "message", "focus stays in the message box after sending"
    assert widget.frame.evaluate("window.__samePage") is True, "the answer came without reloading the chat"

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
    assert widget.frame.evaluate("getComputedStyle(document.activeElement).backgroundColor") == NHS_YELLOW
    before = widget.bot_count()
    page.keyboard.press("Enter")
    widget.wait_for_reply(before)
    assert widget.focused()["id"] == "message", "after a quick reply, focus goes back to the message box"
    assert "Question 2 of" in widget.log_text()
    assert "For me" not in widget.choices(), "answered buttons are taken away"

    page.keyboard.press("Escape")
    assert not widget.panel.is_visible()
    assert widget.focused()["text"] == "Ask about personal health budgets", "focus goes back to the launcher"
    page.keyboard.press("Enter")
    assert "Question 2 of" in widget.log_text(), "closing keeps the conversation"
    widget.frame.wait_for_function("document.activeElement && document.activeElement.id === 'message'")


def test_a_skip_link_takes_keyboard_users_straight_to_the_launcher(widget):
    page = widget.page
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert widget.focused()["text"] == "Skip to the chat assistant"
    page.keyboard.press("Enter")
    assert widget.focused()["text"] == "Ask about personal health budgets"


def test_while_waiting_the_chat_says_the_assistant_is_typing_politely(widget):
    widget.open()
    status = widget.chat.locator("#status")
    assert status.get_attribute("role") == "status"  # a polite live region
    assert widget.chat.locator("#log").get_attribute("aria-live") == "polite"
    # Hold the answer back to see what is shown while waiting.
    held = []
    widget.page.route("**/chat", lambda route: held.append(route))
    widget.input.fill("what is a personal health budget")
    widget.input.press("Enter")
    status.filter(has_text="The assistant is typing").wait_for()
    assert widget.chat.locator(".phb-page__msg--you").last.inner_text().endswith("what is a personal health budget")
    widget.page.wait_for_function("() => true")  # let the held request arrive
    held[0].continue_()
    widget.wait_for_reply(1)
    assert status.inner_text() == ""


def test_the_panel_never_covers_the_focused_element_on_a_desktop(new_page, widget_url):
    widget = Widget(new_page(width=1280, height=800), widget_url).goto()
    page = widget.page
    widget.open()
    assert widget.panel.get_attribute("aria-modal") == "false"  # beside the page, not over it
    # Forwards: from Send, Tab leaves the chat for the ICB's page.
    widget.chat.get_by_role("button", name="Send").focus()
    page.keyboard.press("Tab")
    focused = widget.focused()
    assert not focused["inWidget"], focused
    covered = page.evaluate("""() => {
        const a = document.activeElement.getBoundingClientRect();
        return [...document.querySelectorAll('.phb-chat__panel, .phb-chat__launcher')]
          .filter(e => !e.hidden && e.offsetParent !== null)
          .some(e => { const b = e.getBoundingClientRect();
                       return a.right > b.left && a.left < b.right && a.bottom > b.top && a.top < b.bottom; }); }""")
    assert not covered, f"the widget covers the focused element {focused}"


@pytest.mark.parametrize("width,height", [(320, 640), (640, 400)])  # a phone; a desktop at 200% zoom
def test_on_a_phone_or_at_high_zoom_the_open_panel_is_modal_and_says_how_to_leave(new_page, widget_url, width, height):
    widget = Widget(new_page(width=width, height=height), widget_url).goto()
    page = widget.page
    # Something the ICB's page hides itself (a closed menu, say) stays hidden after the chat closes.
    page.evaluate("""() => { const menu = document.createElement('nav'); menu.id = 'closed-menu';
        menu.setAttribute('aria-hidden', 'true'); menu.textContent = 'menu'; document.body.prepend(menu); }""")
    widget.open()
    assert widget.panel.get_attribute("aria-modal") == "true"
    # The rest of the ICB's page is inert: a screen reader's cursor and Tab stay in the chat.
    outside = page.evaluate("""() => [...document.body.children]
        .filter(e => !e.classList.contains('phb-chat') && e.tagName !== 'SCRIPT' && !e.hasAttribute('aria-hidden')
                     || e.inert).map(e => e.inert)""")
    assert outside and all(outside), outside
    assert "To go back to the page, choose Minimise or press Escape." in widget.chat.locator("body").inner_text()
    widget.chat.get_by_role("button", name="Send").focus()
    for _ in range(3):
        page.keyboard.press("Tab")
        focused = widget.focused()
        assert focused["inWidget"] or focused["tag"] == "body", focused  # never a hidden part of the page
    widget.chat.get_by_role("button", name="Minimise").click()
    assert not widget.panel.is_visible()
    assert widget.focused()["text"] == "Ask about personal health budgets"
    assert not any(page.evaluate("[...document.body.children].map(e => e.inert)"))
    assert page.locator("#closed-menu").get_attribute("aria-hidden") == "true"
    assert page.locator("header").get_attribute("aria-hidden") is None


def test_buttons_are_large_enough_and_nothing_moves_when_motion_is_reduced(new_page, widget_url):
    widget = Widget(new_page(reduced_motion="reduce"), widget_url).goto()
    widget.open()
    widget.choose("Could I get one?")
    sizes = widget.frame.evaluate("""() => [...document.querySelectorAll('button')]
        .filter(b => b.offsetParent !== null)
        .map(b => { const r = b.getBoundingClientRect(); return [b.innerText, r.width, r.height]; })""")
    assert sizes and all(w >= 24 and h >= 24 for _, w, h in sizes), sizes
    assert widget.frame.evaluate("document.getAnimations().length") == 0
    assert widget.page.evaluate("document.getAnimations().length") == 0


def test_markup_typed_by_the_person_is_shown_as_text_and_never_run(widget):
    widget.open()
    widget.say(XSS)
    mine = widget.chat.locator(".phb-page__msg--you .phb-page__line").last
    assert mine.inner_text() == XSS
    assert widget.chat.locator("#log img, #log script, #log b").count() == 0
    assert widget.frame.evaluate("window.__pwned") is None
    assert widget.page.evaluate("window.__pwned") is None
    assert widget.page.errors == []


def test_crisis_answer_gives_numbers_as_safe_links(widget):
    widget.open()
    widget.say("I want to end my life")
    links = widget.chat.locator("#log a").evaluate_all("as => as.map(a => a.href)")
    assert {"tel:999", "tel:111", "tel:116123"} <= set(links)
    widget.say("my dad has collapsed and is not breathing")  # a medical emergency's help links 111 online
    links = widget.chat.locator("#log a").evaluate_all("as => as.map(a => a.href)")
    assert any(href.startswith("https://111.nhs.uk") for href in links), links
    assert all(re.match(r"^(https?:|mailto:|tel:)", href) for href in links)


def test_a_reload_or_the_next_page_keeps_the_conversation_and_another_browser_starts_a_new_one(widget, new_page):
    widget.open()
    widget.choose("Could I get one?")
    widget.choose("For me")
    before = widget.log_text()
    assert "Question 2 of" in before

    widget.page.reload()  # as the ICB's next page would: the frame is made again
    widget.page.wait_for_selector(".phb-chat__panel:not([hidden])")
    widget.frame.wait_for_selector("body[data-state='chat'] #log li")
    assert widget.log_text() == before
    # The open chat comes back, but a new page's focus is the page's, not taken into the chat.
    assert widget.page.evaluate("document.activeElement === document.body")
    # The conversation carries on with the assistant: the next question, in the same conversation.
    widget.choose(widget.choices()[0])
    assert "Question 3 of" in widget.log_text()
    # It is kept by a cookie partitioned to the ICB's site (allowed where third-party cookies and
    # storage are blocked, as they are in this browser): another tab on the same site carries on too.
    cookie = next(c for c in widget.page.context.cookies() if c["name"] == "phb_frame")
    assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "None" and cookie["partitionKey"]

    other = Widget(new_page(), widget.url).goto()  # another browser (or person): a new conversation
    assert not other.panel.is_visible()
    other.open()
    assert "Question" not in other.log_text()


def test_end_chat_asks_first_then_forgets_and_start_again_can_be_cancelled(widget):
    widget.open()
    widget.say("what is a personal health budget")
    chat = widget.chat

    chat.get_by_role("button", name="Start again").click()
    assert widget.focused()["text"] == "Yes, start again"
    chat.get_by_role("button", name="No, go back").click()
    assert widget.focused()["text"] == "Start again"
    assert "amount of NHS money" in widget.log_text()

    chat.get_by_role("button", name="End chat").click()
    chat.get_by_role("button", name="Yes, end the chat").click()
    widget.panel.wait_for(state="hidden")
    assert widget.focused()["text"] == "Ask about personal health budgets"
    assert widget.page.locator(FRAME).count() == 0, "the ended chat's frame is gone"
    widget.open()
    assert "amount of NHS money" not in widget.log_text()
    assert "Hello" in widget.log_text()


def test_start_again_begins_a_new_conversation(widget):
    widget.open()
    widget.choose("Could I get one?")
    widget.chat.get_by_role("button", name="Start again").click()
    widget.chat.get_by_role("button", name="Yes, start again").click()
    widget.frame.wait_for_function("!document.querySelector('#log').innerText.includes('Could I get one?')")
    widget.wait_for_reply(0)
    assert "Question" not in widget.log_text() and "Hello" in widget.log_text()
    assert widget.focused()["id"] == "message"


def test_minimise_keeps_the_conversation(widget):
    widget.open()
    widget.say("what is a personal health budget")
    widget.chat.get_by_role("button", name="Minimise").click()
    assert not widget.panel.is_visible()
    assert widget.focused()["text"] == "Ask about personal health budgets"
    widget.launcher.click()
    assert "amount of NHS money" in widget.log_text()


def test_error_state_when_the_assistant_cannot_be_reached(new_page, dead_widget_url):
    widget = Widget(new_page(), dead_widget_url).goto()
    widget.launcher.click()
    alert = widget.chat.get_by_role("alert")
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
    # A message typed now is kept on screen, marked not sent, with "Try again".
    widget.input.fill("hello")
    widget.input.press("Enter")
    widget.chat.locator(".phb-page__msg--failed", has_text="hello").wait_for()
    assert widget.chat.get_by_role("alert").get_by_role("button", name="Try again").count() == 1
    assert_accessible(widget, "in the error state")


def test_when_the_chat_page_itself_cannot_be_reached_the_widget_says_so_with_the_numbers(widget):
    widget.page.route(re.compile(r".*/chat\?.*"), lambda route: route.abort("connectionrefused"))
    widget.launcher.click()
    alert = widget.page.get_by_role("alert")
    alert.wait_for(timeout=30000)
    text = alert.inner_text()
    assert "cannot reach the assistant" in text
    for number in ("999", "111", "116123"):
        assert alert.locator(f"a[href='tel:{number}']").count() >= 1, number


def test_try_again_sends_the_message_once_the_assistant_is_back(widget):
    page = widget.page
    widget.open()
    down = {"on": True}

    def maybe_fail(route):
        if down["on"] and route.request.method == "POST":
            route.abort("connectionrefused")
        else:
            route.continue_()

    page.route("**/chat", maybe_fail)
    widget.input.fill("what is a personal health budget")
    widget.input.press("Enter")
    alert = widget.chat.get_by_role("alert")
    alert.wait_for()
    assert "not sent" in alert.inner_text() and "116 123" in alert.inner_text()
    assert widget.chat.locator(".phb-page__msg--failed").count() == 1
    down["on"] = False
    widget.chat.get_by_role("button", name="Try again").click()
    widget.wait_for_reply(1)
    assert widget.chat.get_by_role("alert").count() == 0
    assert "amount of NHS money" in widget.log_text()
    assert widget.chat.locator(".phb-page__msg--failed").count() == 0
    assert widget.log_text().count("what is a personal health budget") == 1


def test_a_script_on_the_icbs_page_can_read_nothing_of_the_conversation(widget):
    """Privacy by construction (issue 23): analytics or session replay on the ICB's page sees the
    launcher and a frame, never what was typed or said, nor any key to the conversation."""
    marker = "Zebedee Quartermaine 943 476 5919"
    widget.open()
    widget.say(f"my name is {marker}")
    secrets_in_frame = widget.frame.evaluate("""() => [...document.querySelectorAll('input[type=hidden]')]
        .filter(i => i.name === 'session' || i.name === 'token').map(i => i.value)""")
    assert len(secrets_in_frame) >= 2
    # What a planted script would gather, as a session-replay script does.
    seen = widget.page.evaluate("""() => {
        const out = [document.documentElement.outerHTML, document.cookie, JSON.stringify(sessionStorage),
                     JSON.stringify(localStorage), JSON.stringify(performance.getEntries().map(e => e.name))];
        const frame = document.querySelector('iframe');
        for (const attempt of [() => frame.contentDocument && frame.contentDocument.body.innerHTML,
                               () => frame.contentWindow.document.body.innerHTML,
                               () => JSON.stringify(frame.contentWindow.sessionStorage),
                               () => window.frames[0].location.href]) {
            try { out.push(String(attempt())); } catch (e) { out.push('refused: ' + e.name); }
        }
        return out; }""")
    everything = "\n".join(seen)
    assert marker not in everything and "Zebedee" not in everything
    for value in secrets_in_frame:
        assert value not in everything
    assert seen[-4] in ("null", "undefined") or seen[-4].startswith("refused"), seen[-4]
    assert all(s.startswith("refused") for s in seen[-3:]), seen[-3:]


def test_axe_would_catch_a_violation(widget):
    """The accessibility checks are real: a nameless button and grey-on-grey text are reported."""
    widget.page.evaluate("""() => { const b = document.createElement('button'); document.body.appendChild(b);
        const p = document.createElement('p'); p.textContent = 'faint'; p.style.color = '#ddd';
        p.style.background = '#eee'; document.body.appendChild(p); }""")
    assert {"button-name", "color-contrast"} <= {v["id"] for v in widget.axe()}
