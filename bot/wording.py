"""The one way every guide loads its words and says things: content/<guide>.yml read once, text
with its line breaks folded (YAML's `>-` blocks), buttons whose payload is their title, and the
"Question 2 of 6" line. Used by bot/eligibility*.py, bot/money_options*.py, bot/outcomes*.py,
bot/intake/ and bot/feedback.py."""

from __future__ import annotations

import functools
import pathlib

import yaml

from bot.replies import Reply

CONTENT_DIR = pathlib.Path(__file__).resolve().parents[1] / "content"


@functools.lru_cache(maxsize=None)
def content(name: str) -> dict:
    """content/<name>.yml, read once."""
    with (CONTENT_DIR / f"{name}.yml").open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def plain(text: object, **values: object) -> str:
    """One line of text, with any {name} filled in when values are given."""
    text = str(text)
    return " ".join((text.format(**values) if values else text).split())


def say(words: dict, key: str, **values: object) -> Reply:
    return Reply(text=plain(words[key], **values))


def buttons(titles) -> tuple:
    """A button for each title; pressing one sends its title, so typing it does the same."""
    return tuple({"title": t, "payload": t} for t in titles)


def option_buttons(options: list[dict], *extra: str) -> tuple:
    """A button for each option's label, then any extra labels ("I don't know")."""
    return buttons([o["label"] for o in options] + list(extra))


def progress_line(words: dict, n: int, total: int) -> str:
    return words["progress"].format(n=n, total=total)
