"""Understanding a typed or pressed answer to a guided question.

Shared by every guide that asks questions one at a time (the eligibility check,
the ways-to-manage-the-money check). A guide gives the options for a question,
each with a label and the words people use for it; these functions decide
whether a message is an answer, a question to answer first, or unclear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import Callable, Iterable

DONT_KNOW = "dont_know"
# A problem any guide may report: the person asked why we need to know (its answer is the guide's own,
# and the message is still the guide's to reply to, whatever the NLU made of it).
ASKED_WHY = "asked_why"

# Longer messages are a story, not an answer: the guide asks its question again
# (the issue: "a long story" gets a clear re-ask), rather than guessing from
# stray words.
MAX_ANSWER_CHARS = 300


class Kind(Enum):
    ANSWER = "answer"  # the value answers the question
    QUESTION = "question"  # a question of the person's own, answered (as an FAQ) before ours again
    UNCLEAR = "unclear"  # neither: say why, and ask again


@dataclass(frozen=True)
class Reading:
    """What a message sent to a guided question turned out to be."""

    kind: Kind
    value: str | None = None  # the answer's value (ANSWER)
    problem: str | None = None  # why it could not be used (UNCLEAR): a code the guide's replies explain
    about: str | None = None  # the question a problem is about ("why do you need it?", "I don't know")

    @classmethod
    def answer(cls, value: str) -> "Reading":
        return cls(Kind.ANSWER, value=value)

    @classmethod
    def question(cls) -> "Reading":
        return cls(Kind.QUESTION)

    @classmethod
    def unclear(cls, problem: str | None = None, about: str | None = None) -> "Reading":
        return cls(Kind.UNCLEAR, problem=problem, about=about)

    @property
    def is_answer(self) -> bool:
        return self.kind is Kind.ANSWER

    @property
    def is_question(self) -> bool:
        return self.kind is Kind.QUESTION

    @property
    def is_unclear(self) -> bool:
        return self.kind is Kind.UNCLEAR


def norm(text: str) -> str:
    """Lower case, curly quotes straightened, words separated by single spaces, padded."""
    text = (text or "").lower().replace("\u2019", "'")
    return " " + re.sub(r"[^a-z0-9'()]+", " ", text).strip() + " "


def has(clean: str, phrase: str) -> bool:
    """Whether `phrase` is in the normalised text as whole words."""
    return f" {norm(phrase).strip()} " in clean


def says_dont_know(clean: str, words: Iterable[str]) -> bool:
    return any(has(clean, w) for w in words)


def choose(clean: str, options: Iterable[dict]) -> str | None:
    """The option whose label or words match best (the longest phrase found).

    A tie between options is not an answer: "yes and no" means neither.
    """
    best: dict[str, int] = {}
    for option in options:
        for phrase in [option["label"], *option.get("words", [])]:
            if has(clean, str(phrase)):
                length = len(norm(str(phrase)).strip())
                best[option["value"]] = max(best.get(option["value"], 0), length)
    if not best:
        return None
    top = max(best.values())
    winners = [v for v, n in best.items() if n == top]
    return winners[0] if len(winners) == 1 else None


_QUESTION_START = re.compile(
    r"^\s*(what|whats|what's|how|why|when|where|which|who|whos|who's|is|are|does|do|can|could|will|would|should)\b",
    re.I,
)


def looks_like_question(text: str) -> bool:
    """A message that reads as a question ("what is a notional budget?") rather than an answer."""
    text = (text or "").strip()
    return text.endswith("?") or bool(_QUESTION_START.match(text))


_WH_START = re.compile(r"^\s*(what|whats|what's|how|why|when|where|which|who|whos|who's)\b", re.I)


def says_go_back(text: str, words: list[str]) -> bool:
    """Whether the message itself asks to go back ("oops, wrong one", "previous question")."""
    clean = norm(text)
    return any(has(clean, w) for w in words)


def reads_as_a_question_in_own_words(text: str) -> bool:
    """In a guide that takes people's own words: a question mark, or a question word first. A draft
    may start "will", "can" or "would" with its "I" left out ("will use 10 new words by July")."""
    text = (text or "").strip()
    return text.endswith("?") or bool(_WH_START.match(text))


def is_question_not_answer(value: str | None, text: str, nlu_says_faq: bool) -> bool:
    """A message is an answer if it reads as one; an FAQ that does not parse as an
    answer, or that reads as a question, is answered as a question instead."""
    return nlu_says_faq and (value is None or looks_like_question(text))


def understand(text: str, parse: Callable[[str], str | None], nlu_says_faq: bool) -> Reading:
    """An answer, a question to answer as an FAQ first, or unclear (asked again)."""
    if len(text or "") > MAX_ANSWER_CHARS:
        return Reading.unclear()
    value = parse(text)
    if is_question_not_answer(value, text, nlu_says_faq):
        return Reading.question()
    return Reading.answer(value) if value is not None else Reading.unclear()


def start_mode(answers: dict, has_result: bool, in_guide: bool) -> str:
    """'continue' (already in this guide), 'resume' (it was left unfinished) or 'fresh'."""
    if in_guide:
        return "continue"
    return "resume" if answers and not has_result else "fresh"
