"""A message in a guide that takes back the last answer rather than answering the question asked.

People correct themselves in their own words ("oops", "sorry, I meant for me", "no wait"), and the
NLU reads many of those as something else: "oops" as "are you a bot?", "no wait" as "no". The words
are in content/messages.yml (`corrections`); bot/guides/engine.py decides what each one does.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from bot.answers import has, looks_like_question, norm
from bot.messages import all_messages

# A longer message with a correcting phrase in the middle is an answer that happens to use it
# ("I pressed the wrong button on the lift and got stuck"): only a short one is read as a correction.
SHORT_WORDS = 8


class Kind(enum.Enum):
    # The last answer was wrong: change it to `rest` if that answers it, else ask it again.
    CHANGE = "change"
    # "actually it's for me": a change only if `rest` answers the last question (and the message
    # does not answer the one asked).
    MAYBE_CHANGE = "maybe_change"
    # "no wait", "hang on": not an answer yet, so the question is asked again.
    WAIT = "wait"


@dataclass(frozen=True)
class Correction:
    kind: Kind
    # What the message says the answer should be, with the correcting words taken off ("for me").
    rest: str = ""


def _starting(clean: str, phrases: list[str]) -> tuple[str, bool]:
    """`clean` without the phrases it starts with (the longest first, again and again), and
    whether any were taken off."""
    ordered = sorted({norm(p).strip() for p in phrases}, key=len, reverse=True)
    took = False
    while True:
        phrase = next((p for p in ordered if clean.startswith(f" {p} ")), None)
        if phrase is None:
            return clean, took
        clean, took = clean[len(phrase) + 1 :], True


# The words of a message as `norm` splits it, found in the message as typed.
_WORD = re.compile(r"[A-Za-z0-9'()\u2019]+")


def _as_typed(text: str, rest: str) -> str:
    """The end of `text` that `rest` (its last words, normalised) came from, as the person typed it:
    a name keeps its capitals."""
    words = len(rest.split())
    if not words:
        return ""
    starts = [match.start() for match in _WORD.finditer(text)]
    return text[starts[-words] :].strip(" ,.;:!-") if len(starts) >= words else rest.strip()


def _words_of(phrases: list[str]) -> set[str]:
    return {word for phrase in phrases for word in norm(phrase).split()}


def read(text: str, own_words: bool = False) -> Correction | None:
    """How `text` takes back the last answer, if it does. A question never does ("what if I chose
    the wrong one?"): it is answered as a question.

    `own_words`: the guide takes people's own words as answers (names, outcome drafts), so only a
    message that starts with a correcting phrase is one.
    """
    if looks_like_question(text):
        return None
    words = all_messages()["corrections"]
    clean = norm(text)
    if not clean.strip():
        return None
    opening, _ = _starting(clean, words["fillers"])
    rest, corrects = _starting(opening, words["phrases"])
    if not corrects and not own_words and len(clean.split()) <= SHORT_WORDS:
        found = [norm(p).strip() for p in words["phrases"] if has(clean, p)]
        if found:
            rest, corrects = " " + clean.split(f" {max(found, key=len)} ", 1)[1], True
    if corrects:
        rest, _ = _starting(rest, [*words["phrases"], *words["fillers"], *words["joins"]])
        return Correction(Kind.CHANGE, _as_typed(text, rest))
    held = _words_of([*words["fillers"], *words["hesitation"], *words["yes_no"]])
    if set(clean.split()) <= held and any(has(clean, h) for h in words["hesitation"]):
        return Correction(Kind.WAIT)
    rest, maybe = _starting(clean, words["maybe"])
    if maybe:
        rest, _ = _starting(rest, [*words["fillers"], *words["joins"]])
        if rest.strip():
            return Correction(Kind.MAYBE_CHANGE, _as_typed(text, rest))
    return None
