"""The chat page (GET /chat on the widget host) against the real assistant: the eligibility check
runs to its result with form posts only, typed answers and quick-reply buttons, first without any
script engine (plain HTTP, as a browser with no JavaScript sends it), then in Chromium with
JavaScript turned off; the page passes axe; and with JavaScript it is enhanced in place."""

import html
import re

import requests

from tests.e2e.conftest import AXE
from tests.e2e.widget_page import AXE_TAGS, axe_violations

AREA = "kent-and-medway"


def buttons(page):
    """The quick replies on the page: title -> payload."""
    return {
        html.unescape(title): html.unescape(payload)
        for payload, title in re.findall(
            r'<button class="[^"]*phb-page__choice" type="submit" name="reply" value="([^"]*)">([^<]*)'
            r"</button>",
            page,
        )
    }


def token(page):
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


def test_the_check_runs_to_a_result_with_form_posts_only(widget_url):
    browser = requests.Session()
    page = browser.get(f"{widget_url}/chat?area={AREA}").text
    # Its one script only enhances the page (widget/src/phb-page.js); everything here works without it.
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/phb-page.js" defer>']

    def post(**form):
        answer = browser.post(f"{widget_url}/chat", data={"token": token(page), "area": AREA, **form})
        assert answer.status_code == 200 and answer.url.endswith("#latest"), answer.status_code
        return answer.text

    page = post(message="could I get a personal health budget?")
    assert "Question 1 of" in page or "Who are you asking for?" in page, page
    page = post(reply=buttons(page)["For me"])
    assert "Question 2 of" in page and "18 or over" in page
    page = post(message="yes im over 18")  # typed, not a button
    assert "Question 3 of" in page and "Continuing Healthcare" in page
    page = post(reply=buttons(page)["Yes"])
    assert "likely to have a legal right" in page
    # Everything said is on the page, in order, as text.
    said = re.findall(
        r'phb-page__msg--you"[^>]*><span class="nhsuk-u-visually-hidden">You said: </span>'
        r'<p class="phb-page__line">([^<]*)</p>',
        page,
    )
    assert said == ["could I get a personal health budget?", "For me", "yes im over 18", "Yes"]


def test_in_chromium_with_javascript_off(new_page, widget_url):
    page = new_page(java_script_enabled=False)
    page.goto(f"{widget_url}/chat?area={AREA}")
    page.get_by_label("Type your message").fill("am i eligible for a phb")
    page.get_by_role("button", name="Send").click()
    page.get_by_role("button", name="For me").click()
    # Enter in the message box sends what was typed (never the first quick reply).
    page.get_by_label("Type your message").fill("yes i am over 18")
    page.get_by_label("Type your message").press("Enter")
    assert "Question 3 of" in page.content()
    page.get_by_role("button", name="Yes", exact=True).click()
    assert "likely to have a legal right" in page.locator("main").inner_text()
    # axe needs script: the page is checked again in a browser with it on (the page itself has none),
    # mid-check, with a question, its buttons and progress.
    checked = new_page()
    checked.goto(f"{widget_url}/chat?area={AREA}")
    checked.get_by_label("Type your message").fill("am i eligible for a phb")
    checked.get_by_role("button", name="Send").click()
    checked.add_script_tag(path=str(AXE))
    violations = checked.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(r => r.violations)", AXE_TAGS
    )
    assert violations == [], violations
    page.get_by_role("button", name="End chat").click()
    assert "ended the chat" in page.content()


def test_with_javascript_the_page_is_enhanced_in_place_and_works_by_keyboard_at_320_px(new_page, widget_url):
    page = new_page(width=320, height=640, reduced_motion="reduce")
    page.goto(f"{widget_url}/chat?area={AREA}")
    page.evaluate("window.__samePage = true")
    assert page.locator("#log").get_attribute("aria-live") == "polite"
    page.get_by_label("Type your message").focus()
    page.keyboard.type("could I get a personal health budget?")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="For me").wait_for()
    assert page.evaluate("window.__samePage") is True, "answered without reloading the page"
    assert page.evaluate("document.activeElement.id") == "message", "focus stays in the message box"
    # Shift+Tab from the message box reaches the quick replies, last first; Enter presses one.
    titles = page.locator(".phb-page__choice").all_inner_texts()
    for _ in titles:
        page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.innerText") == "For me"
    page.keyboard.press("Enter")
    page.locator("#log", has_text="Question 2 of").wait_for()
    assert page.evaluate("document.activeElement.id") == "message"
    assert page.evaluate("window.__samePage") is True
    assert page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")[0] <= 320
    assert page.evaluate("document.getAnimations().length") == 0
    assert axe_violations(page) == []
    # End chat asks first, then ends it in place.
    page.get_by_role("button", name="End chat").click()
    page.get_by_role("button", name="Yes, end the chat").click()
    page.get_by_text("You have ended the chat").wait_for()
    assert page.evaluate("window.__samePage") is True


def test_the_page_is_usable_at_400_percent_zoom_with_and_without_javascript(new_page, widget_url):
    # 1280 x 1024 at 400% zoom is 320 x 256 CSS pixels.
    for script in (True, False):
        page = new_page(width=320, height=256, java_script_enabled=script)
        page.goto(f"{widget_url}/chat?area={AREA}")
        box = page.get_by_label("Type your message")
        box.fill("what is a personal health budget")
        send = page.get_by_role("button", name="Send")
        send.scroll_into_view_if_needed()
        assert send.is_visible()
        send.click()
        page.locator("#log", has_text="amount of NHS money").wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, script
