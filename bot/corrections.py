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
    # The words that made it one were inside the message ("I pressed the wrong button"), or may be
    # about something else ("be back in…"): it is one only if the message does not answer the
    # question asked.
    inside: bool = False
    # It opened with words that may be about the question asked ("wrong, they said no"): what it
    # says is tried there before the last answer.
    asked_first: bool = False
    # It says outright what it meant ("I meant…", "it should be…"), not just "oops, …": only such a
    # correction changes an answer in the person's own words (a name).
    meant: bool = False


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
    a name keeps its capitals, and letters `norm` drops ("Łukasz") are kept."""
    words = len(rest.split())
    if not words:
        return ""
    starts = [match.start() for match in _WORD.finditer(text)]
    if len(starts) < words:
        return rest.strip()
    start = starts[-words]
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    return text[start:].strip(" ,.;:!-")


def _holds_back(words: list[str]) -> bool:
    """Only hesitation, fillers, yes and no, with no yes or no after the hesitation: "no wait" holds
    the answer back, "wait, yes" gives it ("yes please" has no hesitation at all)."""
    if not set(words) <= _words("fillers", "hesitation", "yes_no"):
        return False
    ends = [
        i + len(phrase.split())
        for phrase in _phrases("hesitation")
        for i in range(len(words))
        if words[i : i + len(phrase.split())] == phrase.split()
    ]
    return bool(ends) and not any(word in _words("yes_no") for word in words[max(ends) :])


def read(text: str, mode: Mode = Mode.CHOICE) -> Correction | None:
    """How `text` takes back the last answer, if it does. A question never does ("what if I chose
    the wrong one?"): it is answered as a question."""
    if looks_like_question(text):
        return None
    clean = norm(text)
    words = clean.split()
    if not words:
        return None
    opening, _ = _starting(clean, _phrases("fillers"))
    if mode is Mode.OWN_WORDS:
        return _in_own_words(text, opening, words)
    rest, corrects = _starting(opening, _phrases("clear", "meant", "slips", "choice"))
    if corrects:
        if _starting(rest, _phrases("asking"))[1]:
            return None  # "sorry, I meant to ask…": a question follows
        asked_first = not _starting(opening, _phrases("clear", "meant", "slips"))[1]
        # Only correcting words and joins come off what follows: "Oh" may start a name.
        rest, _ = _starting(rest, _phrases("clear", "meant", "slips", "choice", "joins", "skips"))
        if len(rest.split()) > SHORT_WORDS:
            return None  # "sorry, I meant to say that…": a chosen answer is never that long
        said = clean[: len(clean) - len(rest) + 1]
        meant = any(f" {p} " in said for p in _phrases("meant", "joins"))
        return Correction(Kind.CHANGE, _as_typed(text, rest), asked_first=asked_first, meant=meant)
    if len(words) <= SHORT_WORDS and any(f" {p} " in clean for p in _phrases("clear", "meant", "slips")):
        # What follows words inside a message ("…the wrong button") is not the answer meant.
        return Correction(Kind.CHANGE, inside=True)
    if _holds_back(words):
        return Correction(Kind.WAIT)
    if len(words) <= SHORT_WORDS and _starting(opening, _phrases("away"))[1]:
        return Correction(Kind.WAIT, inside=True)  # "brb", "be back in a few minutes"
    if len(words) <= SHORT_WORDS:
        rest, maybe = _starting(clean, _phrases("maybe"))
        if maybe:
            rest, _ = _starting(rest, _phrases("fillers", "joins", "skips"))
            if rest.strip():
                return Correction(Kind.MAYBE_CHANGE, _as_typed(text, rest))
    return None


def _in_own_words(text: str, opening: str, words: list[str]) -> Correction | None:
    """Where any words may be the answer: "I meant…" at the start, or a clear correction alone or
    followed by a join ("oops, it should be…"). "Typo in my last answer" or "My mistake was…" is
    an answer."""
    rest, meant = _starting(opening, _phrases("meant"))
    if not meant:
        rest, clear = _starting(opening, _phrases("clear"))
        if not clear:
            away = _starting(opening, _phrases("away"))[1] and set(words) <= _words("away", "fillers", "hesitation")
            return Correction(Kind.WAIT) if _holds_back(words) or away else None
        rest, _ = _starting(rest, _phrases("clear", "skips"))
        if not rest.strip():
            return Correction(Kind.CHANGE)  # "oops", "oops, go back"
        rest, meant = _starting(rest, _phrases("meant", "joins"))
        if not meant:
            return None
    if _starting(rest, _phrases("asking"))[1]:
        return None
    rest, _ = _starting(rest, _phrases("meant", "joins", "skips"))
    return Correction(Kind.CHANGE, _as_typed(text, rest), meant=bool(rest.strip()))
