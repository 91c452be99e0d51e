"""Screenshots of the widget for docs/ and the README, taken from a running `make run`.

make run            (in one terminal)
.venv/bin/python scripts/widget_screenshots.py
"""

import argparse
import os
import pathlib

from playwright.sync_api import sync_playwright

ROOT = pathlib.Path(__file__).resolve().parent.parent
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def converse(page, url):
    page.goto(url)
    page.get_by_role("button", name="Ask about personal health budgets").click()
    # The chat is a frame from the assistant's origin (docs/widget.md).
    frame = page.wait_for_selector("iframe.phb-chat__frame").content_frame()
    frame.wait_for_selector(".phb-page__msg--bot")
    for choice in ("Could I get one?", "For someone I care for"):
        count = frame.locator(".phb-page__msg--bot").count()
        frame.locator(".phb-page__choice", has_text=choice).first.click()
        frame.wait_for_function("n => document.querySelectorAll('.phb-page__msg--bot').length > n", arg=count)
    page.wait_for_timeout(300)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:8080/")
    parser.add_argument("--out", type=pathlib.Path, default=ROOT / "docs" / "images")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=os.environ.get("PHB_CHROMIUM", "/usr/bin/chromium"), args=ARGS)
        desktop = browser.new_page(viewport={"width": 1280, "height": 800})
        desktop.goto(args.url)
        desktop.screenshot(path=str(args.out / "widget-closed.png"))
        converse(desktop, args.url)
        desktop.screenshot(path=str(args.out / "widget-desktop.png"))
        mobile = browser.new_page(viewport={"width": 375, "height": 700}, device_scale_factor=2)
        converse(mobile, args.url)
        mobile.screenshot(path=str(args.out / "widget-mobile.png"))
        browser.close()
    print(f"Wrote screenshots to {args.out}")


if __name__ == "__main__":
    main()
