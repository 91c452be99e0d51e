"""A message in a guide that takes back the last answer rather than answering the question asked.

People correct themselves in their own words ("oops", "sorry, I meant for me", "no wait"), and the
NLU reads many of those as something else: "oops" as "are you a bot?", "no wait" as "no". The words
are in content/messages.yml (`corrections`); bot/guides/engine.py decides what each one does.
"""

from __future__ import annotations

import enum
import functools
import re
from dataclasses import dataclass

from bot.answers import looks_like_question, norm
from bot.messages import all_messages

# A longer message with correcting words in the middle is an answer that happens to use them
# ("I pressed the wrong button on the lift and got stuck"): only a short one is read as a correction.
SHORT_WORDS = 8


class Mode(enum.Enum):
    """How a question takes corrections (each guide says, per question: Guide.corrections)."""

    # Answers are chosen (yes or no, an option): all the correcting words count.
    CHOICE = "choice"
    # Any words may be the answer (a name, a detail, an outcome draft, a comment): only a message
    # that starts with a clear correction ("oops", "sorry, I meant") is one.
    OWN_WORDS = "own_words"


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
    # The correcting words were inside the message, not at its start ("I pressed the wrong
    # button"): it is a correction only if the message does not answer the question asked.
    inside: bool = False


@functools.lru_cache(maxsize=None)
def _phrases(*keys: str) -> tuple[str, ...]:
    """The normalised phrases of these lists in content/messages.yml, the longest first."""
    words = all_messages()["corrections"]
    return tuple(sorted({norm(p).strip() for key in keys for p in words[key]}, key=len, reverse=True))


@functools.lru_cache(maxsize=None)
def _words(*keys: str) -> frozenset[str]:
    return frozenset(word for phrase in _phrases(*keys) for word in phrase.split())


def _starting(clean: str, phrases: tuple[str, ...]) -> tuple[str, bool]:
    """`clean` without the phrases it starts with (the longest first, again and again), and
    whether any were taken off."""
    took = False
    while True:
        phrase = next((p for p in phrases if clean.startswith(f" {p} ")), None)
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


def read(text: str, mode: Mode = Mode.CHOICE) -> Correction | None:
    """How `text` takes back the last answer, if it does. A question never does ("what if I chose
    the wrong one?"): it is answered as a question."""
    if looks_like_question(text):
        return None
    clean = norm(text)
    if not clean.strip():
        return None
    lists = ("clear",) if mode is Mode.OWN_WORDS else ("clear", "slips", "choice")
    opening, _ = _starting(clean, _phrases("fillers"))
    rest, corrects = _starting(opening, _phrases(*lists))
    inside = False
    if not corrects and mode is Mode.CHOICE and len(clean.split()) <= SHORT_WORDS:
        found = next((p for p in _phrases("clear", "slips") if f" {p} " in clean), None)
        if found is not None:
            # What follows words inside a message ("…the wrong button") is not the answer meant.
            rest, corrects, inside = " ", True, True
    if corrects and _starting(rest, _phrases("asking"))[1]:
        return None  # "sorry, I meant to ask…": a question follows
    if corrects:
        # Only correcting words and joins come off what follows: "Oh" may start a name.
        rest, _ = _starting(rest, _phrases(*lists, "joins"))
        if mode is Mode.CHOICE and len(rest.split()) > SHORT_WORDS:
            return None  # "sorry, I meant to ask: …": a chosen answer is never that long
        return Correction(Kind.CHANGE, _as_typed(text, rest), inside)
    if set(clean.split()) <= _words("fillers", "hesitation", "yes_no") and any(
        f" {h} " in clean for h in _phrases("hesitation")
    ):
        return Correction(Kind.WAIT)
    if len(clean.split()) <= SHORT_WORDS and _starting(opening, _phrases("away"))[1]:
        return Correction(Kind.WAIT)  # "brb", "be back in 5 minutes"
    if mode is Mode.CHOICE and len(clean.split()) <= SHORT_WORDS:
        rest, maybe = _starting(clean, _phrases("maybe"))
        if maybe:
            rest, _ = _starting(rest, _phrases("fillers", "joins"))
            if rest.strip():
                return Correction(Kind.MAYBE_CHANGE, _as_typed(text, rest))
    return None
