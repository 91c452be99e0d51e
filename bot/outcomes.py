"""The outcomes coach: what comes next, and what the person's words mean.

Like the other guides, it keeps its answers as an ordered dict, here a log of
steps: {"1:matters": "...", "2:working": "...", "4:draft": "...",
"5:review": "keep", "6:next": "add", ...}. The state (the outcomes so far, the
draft under review, a change in progress) is worked out by replaying the log, so
"go back" is simply forgetting the last step, and nothing is kept twice.

The steps follow the support-planning steps in the seeds: what matters to you;
what is working and not working; what you would like to be different; then one
outcome at a time, each with feedback and a suggested rewrite that the person can
use, change, or ignore (their words win).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field


from bot import wording
from bot.answers import DONT_KNOW, Reading, choose, norm, says_dont_know
from bot.outcome_analysis import analyse, nlp, patterns, rewrite

PLANNING = ("matters", "working", "different")
NEW = "new:"  # an answer to a choice that is a typed outcome instead: "new:I will…"


def content() -> dict:
    return wording.content("outcomes")


@dataclass
class State:
    planning: dict = field(default_factory=dict)  # matters / working / different -> text ("" if skipped)
    outcomes: list = field(default_factory=list)
    draft: str | None = None  # the draft waiting for the person's choice
    rewriting: bool = False  # they chose to change the draft: the next step is a new version
    target: int | None = None  # the outcome being changed (0-based); None for a new one
    picking: str | None = None  # "change" or "remove", waiting for a number
    wants_draft: bool = True  # a new outcome (or a new version of one) is to be written next
    drafted: bool = False  # any draft written yet: the first draft prompt explains what an outcome is
    finished: bool = False


def kind_of(step: str) -> str:
    return step.split(":", 1)[1]


def suggestion_for(draft: str) -> str:
    return rewrite(analyse(draft))


def replay(answers: dict) -> State:
    """The state after every step so far."""
    s = State()
    for step, value in answers.items():
        kind = kind_of(step)
        if kind in PLANNING:
            s.planning[kind] = value if value != DONT_KNOW else ""
        elif kind == "draft" or str(value).startswith(NEW):
            # A draft, or a new version typed instead of pressing a button: it is reviewed next.
            s.draft, s.rewriting, s.drafted, s.wants_draft = str(value).removeprefix(NEW), False, True, False
        elif kind == "review":
            if value == "edit":
                s.rewriting = True
                continue
            text = suggestion_for(s.draft) if value == "accept" else s.draft
            if s.target is None:
                s.outcomes.append(text)
            else:
                s.outcomes[s.target] = text
            s.draft, s.target, s.wants_draft = None, None, False
        elif kind == "next":
            if value in ("change", "remove"):
                s.picking = value
            elif value == "add":
                s.wants_draft = True
            elif value == "finish":
                s.finished = True
        elif kind == "pick":
            index = int(value) - 1
            if s.picking == "remove":
                del s.outcomes[index]
            else:
                s.target, s.wants_draft = index, True
            s.picking = None
    return s


def next_kind(s: State) -> str | None:
    if s.finished:
        return None
    for kind in PLANNING:
        if kind not in s.planning:
            return kind
    if s.draft is not None:
        return "draft" if s.rewriting else "review"
    if s.picking:
        return "pick"
    return "draft" if s.wants_draft else "next"


def next_question(answers: dict) -> str | None:
    """The next step's id ("7:draft"), or None when the person has finished."""
    kind = next_kind(replay(answers))
    return f"{len(answers) + 1}:{kind}" if kind else None


def next_options(s: State) -> list[str]:
    """What the person can do after an outcome: add (up to the limit), change, remove, finish."""
    options = []
    if len(s.outcomes) < content()["max_outcomes"]:
        options.append("add")
    if s.outcomes:
        options += ["change", "remove"]
    return options + ["finish"]


def review_options(draft: str) -> list[str]:
    """Use the suggestion, change it, or keep their words. A clear draft has nothing to
    suggest; a suggestion with [gaps], or one that changes whose voice it is in, cannot
    be used as it is, only written again."""
    findings = analyse(draft).findings
    if not findings:
        return list(content()["review_options_clear"])
    if "[" in suggestion_for(draft) or "not_first_person" in findings:
        return [o for o in content()["review_options"] if o != "accept"]
    return list(content()["review_options"])


def options(kind: str, s: State) -> list[dict]:
    """The buttons for a step: [{value, label, words}]."""
    c = content()
    if kind == "review":
        clear = not analyse(s.draft).findings
        return [
            {
                "value": v,
                "label": c["keep_label_clear"] if clear and v == "keep" else c["review_options"][v]["label"],
                "words": c["review_options"][v]["words"],
            }
            for v in review_options(s.draft)
        ]
    if kind == "next":
        return [{"value": v, **c["next_options"][v]} for v in next_options(s)]
    return []


# ------------------------------------------------------------ understanding answers

_NUMBER_WORDS = {
    "one": 1,
    "first": 1,
    "two": 2,
    "second": 2,
    "three": 3,
    "third": 3,
    "four": 4,
    "fourth": 4,
    "five": 5,
    "fifth": 5,
    "six": 6,
    "sixth": 6,
    "seven": 7,
    "seventh": 7,
    "eight": 8,
    "eighth": 8,
    "nine": 9,
    "ninth": 9,
    "ten": 10,
    "tenth": 10,
    "last": -1,
}


def _number(text: str, count: int) -> int | None:
    """The outcome number in "2", "number 2", "the second one" or "the last one"."""
    found = [
        (w, int(w) if w.isdigit() else _NUMBER_WORDS[w])
        for w in norm(text).split()
        if w.isdigit() or w in _NUMBER_WORDS
    ]
    # In "the second one", "one" is not a number: it is one only when nothing else is.
    if len({n for _, n in found}) > 1:
        found = [(w, n) for w, n in found if w != "one"]
    if len({n for _, n in found}) != 1:
        return None
    n = count if found[0][1] == -1 else found[0][1]
    return n if 1 <= n <= count else None


@functools.lru_cache(maxsize=1)
def _known_words() -> frozenset:
    p = patterns()
    return frozenset(
        nlp().Defaults.stop_words | set(p["activity_lemmas"]) | set(p["provision_words"]) | set(p["vague_words"])
    )


def _english(text: str) -> bool:
    """Whether the words look like English: an English function word, or a word the coach knows."""
    known = _known_words()
    return any(t.lower_ in known or t.lemma_.lower() in known for t in nlp()(text))


def check_free_text(kind: str, text: str) -> str | None:
    """Why a typed answer cannot be used (a key of bad_input), or None if it can."""
    text = (text or "").strip()
    if not text:
        return "empty"
    if len(text) > content()["max_chars"]:
        return "too_long"
    if not re.search(r"[^\W\d_]", text):
        return "no_words"  # emoji, numbers or punctuation only
    if kind == "draft":
        words = re.findall(r"[^\W\d_]+", text)
        if len(words) == 1 and not re.search(r"\d", text):
            return "one_word"
        if not _english(text):
            return "other_language"
    return None


def understand(step: str, text: str, answers: dict, nlu_says_question: bool) -> Reading:
    """An answer, a question to answer as an FAQ first, or unclear with the problem's code."""
    kind = kind_of(step)
    c = content()
    clean = norm(text)
    if kind in PLANNING:
        if says_dont_know(clean, c["skip_words"]):
            return Reading.answer(DONT_KNOW)
        problem = check_free_text(kind, text)
        return Reading.unclear(problem) if problem else Reading.answer(" ".join(text.split()))
    if kind == "draft":
        if says_dont_know(clean, c["skip_words"]) and len(clean.split()) <= 4:
            return Reading.unclear("help")
        problem = check_free_text(kind, text) or ("button" if clean.strip() in _button_words() else None)
        if problem:
            return Reading.unclear(problem)
        # A drafted outcome can look like a question to the NLU; it is still the draft,
        # unless it ends with a question mark.
        if nlu_says_question and text.strip().endswith("?"):
            return Reading.question()
        return Reading.answer(" ".join(text.split()))
    s = replay(answers)
    if kind == "pick":
        n = _number(text, len(s.outcomes))
        return Reading.answer(str(n)) if n else Reading.unclear("pick")
    value = choose(clean, options(kind, s))
    if value is None and nlu_says_question:
        return Reading.question()
    if value is None and kind in ("review", "next") and _looks_like_an_outcome(text):
        if kind == "next" and "add" not in next_options(s):
            return Reading.unclear("full")
        return Reading.answer(NEW + " ".join(text.split()))
    return Reading.answer(value) if value else Reading.unclear("unclear")


def _button_words() -> set[str]:
    """The coach's own button labels: pressed late, they are not an outcome."""
    c = content()
    labels = [o["label"] for group in ("review_options", "next_options") for o in c[group].values()]
    return {norm(label).strip() for label in [*labels, c["keep_label_clear"], c["not_sure_label"]]}


def _looks_like_an_outcome(text: str) -> bool:
    """A typed outcome where a button was expected: usable text of four words or more."""
    return check_free_text("draft", text) is None and len(norm(text).split()) >= 4


def finished_outcomes(answers: dict) -> list[str]:
    return replay(answers).outcomes


def reopen(answers: dict) -> dict:
    """After finishing, coming back goes to the list of outcomes, not a blank page."""
    answers = dict(answers)
    if answers and kind_of(list(answers)[-1]) == "next" and list(answers.values())[-1] == "finish":
        answers.popitem()
    return answers
