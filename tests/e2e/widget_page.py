"""Drive the chat widget on the demo ICB page as a person would, and check it with axe-core.

The demo page plays an ICB's site; the chat is a frame from the assistant's own origin (the other
loopback name), so everything in the conversation is read through that frame."""

from __future__ import annotations

from tests.e2e.conftest import AXE

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LAUNCHER = "Ask about personal health budgets"
FRAME = "iframe.phb-chat__frame"


def axe_violations(target, must_check=("color-contrast", "aria-allowed-attr")) -> list[dict]:
    """axe-core's WCAG 2.2 A and AA violations in one document (a page or a frame)."""
    if not target.evaluate("typeof window.axe !== 'undefined'"):
        target.add_script_tag(path=str(AXE))
    result = target.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    # A run that checked nothing must not pass: these rules apply to every state of the page.
    checked = {r["id"] for r in result["passes"]}
    assert set(must_check) <= checked, sorted(checked)
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]
    ]


class Widget:
    def __init__(self, page, url):
        self.page = page
        self.url = url

    def goto(self, query=""):
        self.page.goto(self.url + "/" + query)
        self.page.wait_for_selector(".phb-chat__launcher, .phb-chat__panel:not([hidden])", state="attached")
        return self

    # What is on screen

    @property
    def launcher(self):
        return self.page.get_by_role("button", name=LAUNCHER)

    @property
    def panel(self):
        return self.page.get_by_role("dialog", name="Personal health budget help")

    @property
    def chat(self):
        """The chat inside the frame, for locators."""
        return self.page.frame_locator(FRAME)

    @property
    def frame(self):
        """The frame itself, for evaluate."""
        handle = self.page.wait_for_selector(FRAME, state="attached")
        frame = handle.content_frame()
        frame.wait_for_load_state()
        return frame

    @property
    def input(self):
        return self.chat.get_by_label("Type your message")

    def bot_count(self) -> int:
        return self.chat.locator(".phb-page__msg--bot").count()

    def log_text(self) -> str:
        return self.chat.locator("#log").inner_text()

    def choices(self) -> list[str]:
        return self.chat.locator(".phb-page__choice").all_inner_texts()

    def focused(self) -> dict:
        """What has focus: on the ICB's page, or inside the chat's frame."""
        outer = self.page.evaluate("""() => { const e = document.activeElement;
            return {tag: e.tagName.toLowerCase(), id: e.id, text: (e.innerText || '').trim(),
                    inWidget: !!e.closest('.phb-chat'), inFrame: e.tagName === 'IFRAME'}; }""")
        if not outer["inFrame"]:
            return outer
        inner = self.frame.evaluate("""() => { const e = document.activeElement;
            return {tag: e.tagName.toLowerCase(), id: e.id, text: (e.innerText || e.value || '').trim()}; }""")
        return {**inner, "inWidget": True, "inFrame": True}

    # What a person does

    def wait_for_reply(self, before: int) -> None:
        self.frame.wait_for_function(
            """n => document.querySelectorAll('.phb-page__msg--bot').length > n
                 && !document.querySelector('#status').textContent""",
            arg=before,
        )

    def open(self) -> None:
        self.launcher.click()
        self.wait_for_reply(0)

    def say(self, text: str) -> None:
        before = self.bot_count()
        self.input.fill(text)
        self.input.press("Enter")
        self.wait_for_reply(before)

    def choose(self, title: str) -> None:
        before = self.bot_count()
        self.chat.locator(".phb-page__choice", has_text=title).first.click()
        self.wait_for_reply(before)

    def axe(self) -> list[dict]:
        """Violations on the ICB's page (the launcher, the panel) and, when open, in the chat's frame."""
        found = axe_violations(
            self.page,
            ("aria-allowed-attr",)
            if self.panel.is_visible()
            else ("color-contrast", "button-name", "aria-allowed-attr"),
        )
        if self.panel.is_visible():
            found += axe_violations(self.frame, ("color-contrast", "button-name", "aria-allowed-attr", "target-size"))
        return found
