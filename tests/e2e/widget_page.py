"""Drive the chat widget on the demo page as a person would, and check it with axe-core."""
from __future__ import annotations

import json

from tests.e2e.conftest import AXE

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LAUNCHER = "Ask about personal health budgets"


class Widget:
    def __init__(self, page, url):
        self.page = page
        self.url = url
        self.requests = []
        page.on("request", self._seen)

    def _seen(self, request):
        if request.url.endswith("/webhooks/rest/webhook") and request.method == "POST":
            self.requests.append(json.loads(request.post_data))

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
    def input(self):
        return self.page.get_by_label("Type your message")

    def bot_count(self) -> int:
        return self.page.locator(".phb-chat__msg--bot").count()

    def log_text(self) -> str:
        return self.page.locator(".phb-chat__log").inner_text()

    def choices(self) -> list[str]:
        return self.page.locator(".phb-chat__log .phb-chat__choice").all_inner_texts()

    def focused(self) -> dict:
        return self.page.evaluate("""() => { const e = document.activeElement;
            return {tag: e.tagName.toLowerCase(), id: e.id, text: (e.innerText || '').trim(),
                    inWidget: !!e.closest('.phb-chat'), cls: e.className || ''}; }""")

    # What a person does

    def wait_for_reply(self, before: int) -> None:
        self.page.wait_for_function(
            """n => document.querySelectorAll('.phb-chat__msg--bot').length > n
                 && document.querySelector('.phb-chat__typing').hidden""", arg=before)

    def open(self) -> None:
        before = self.bot_count()
        self.launcher.click()
        if before == 0:
            self.wait_for_reply(0)

    def say(self, text: str) -> None:
        before = self.bot_count()
        self.input.fill(text)
        self.input.press("Enter")
        self.wait_for_reply(before)

    def choose(self, title: str) -> None:
        before = self.bot_count()
        self.page.locator(".phb-chat__log .phb-chat__choice", has_text=title).first.click()
        self.wait_for_reply(before)

    def axe(self) -> list[dict]:
        """axe-core's WCAG 2.2 A and AA violations on the whole page (host page and widget)."""
        if not self.page.evaluate("typeof window.axe !== 'undefined'"):
            self.page.add_script_tag(path=str(AXE))
        result = self.page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
        # A run that checked nothing must not pass: these rules apply to every state of the page.
        checked = {r["id"] for r in result["passes"]}
        assert {"color-contrast", "button-name", "aria-allowed-attr", "target-size"} <= checked, sorted(checked)
        return [{"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
                for v in result["violations"]]
