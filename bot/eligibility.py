"""The eligibility check: which question comes next, and what the answers mean.

Pure functions over a dict of answers ({question id: value}), kept in the
order they were given. The assistant never decides eligibility: a result says
whether a person is *likely* to be in a legal "right to have" group, may fit
the area's local offer, or is in neither group we know about, with reason
codes for why and what would settle any "don't know".
"""
from __future__ import annotations

import functools
import pathlib
import re
from dataclasses import dataclass, field

import yaml

from bot.areas import DEFAULT_AREA_ID, Area, all_areas, areas_for_choice, resolve_area

CONTENT_FILE = pathlib.Path(__file__).resolve().parent.parent / "content" / "eligibility.yml"
DONT_KNOW = "dont_know"
LOCAL_PREFIX = "local:"

RIGHT_TO_HAVE = "right_to_have"
LOCAL_OFFER = "local_offer"
NOT_IN_KNOWN_GROUPS = "not_in_known_groups"

S117_SECTIONS = {"s3", "s37", "s45a_47_48"}


@functools.lru_cache(maxsize=1)
def content() -> dict:
    with CONTENT_FILE.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


# ---------------------------------------------------------------- the questions

def _local_groups(area: Area, answers: dict) -> list:
    age = answers.get("age_group")
    return [
        g for g in area.local_offer_groups
        if g.question and (g.applies_to == "any" or age in (None, DONT_KNOW) or g.applies_to == age)
    ]


def questions(answers: dict, area: Area | None) -> list[str]:
    """Every question this person will be asked, given the answers so far."""
    qs = [] if area is not None and "area" not in answers else ["area"]
    qs += ["who_for", "age_group", "continuing_care", "mha_detained"]
    if answers.get("mha_detained") == "yes":
        qs.append("mha_section")
    # A CTO follows section 3 or 37, so it only helps when the section is not known.
    if answers.get("mha_detained") == DONT_KNOW or answers.get("mha_section") == DONT_KNOW:
        qs.append("cto")
    qs.append("wheelchair_service")
    if answers.get("wheelchair_service") == "yes":
        qs.append("wheelchair_new")
    if area is not None:
        qs += [LOCAL_PREFIX + g.id for g in _local_groups(area, answers)]
    return qs


def rights(answers: dict) -> list[str]:
    """Reason codes for each legal 'right to have' the answers point to."""
    found = []
    if answers.get("continuing_care") == "eligible":
        found.append("ccc" if answers.get("age_group") == "child" else "chc")
    if answers.get("mha_section") in S117_SECTIONS:
        found.append("s117")
    elif answers.get("cto") == "yes":
        found.append("s117_cto")
    if answers.get("wheelchair_service") == "yes" and answers.get("wheelchair_new") == "yes":
        found.append("wheelchair")
    return found


def next_question(answers: dict, area: Area | None) -> str | None:
    """The next question to ask, or None when the check is complete.

    It stops as soon as one legal right is clear: asking more would not change
    the result, and people are often tired.
    """
    if rights(answers):
        return None
    return next((q for q in questions(answers, area) if q not in answers), None)


def progress(answers: dict, area: Area | None) -> tuple[int, int]:
    """(number of the next question, total questions on the current path)."""
    qs = questions(answers, area)
    answered = sum(1 for q in qs if q in answers)
    return answered + 1, len(qs)


def area_for(answers: dict, area: Area | None) -> Area | None:
    """The area to use: the one already known, else the one given as an answer."""
    if area is not None:
        return area
    return all_areas().get(answers.get("area", ""))


# ------------------------------------------------------------ understanding answers

def _norm(text: str) -> str:
    text = (text or "").lower().replace("\u2019", "'")
    return " " + re.sub(r"[^a-z0-9'()]+", " ", text).strip() + " "


def _has(text: str, phrase: str) -> bool:
    return f" {_norm(phrase).strip()} " in text


def options(question: str, area: Area | None = None) -> list[dict]:
    """The options for a question: [{value, label, words}]."""
    if question == "area":
        return [{"value": a.id, "label": a.choice_label} for a in areas_for_choice()]
    key = "local_group" if question.startswith(LOCAL_PREFIX) else question
    return content()["questions"][key]["options"]


def parse_answer(question: str, text: str, area: Area | None = None) -> str | None:
    """What a typed or pressed answer means for this question, or None if it is not an answer.

    "I don't know" always counts. Otherwise the option whose words match best
    (the longest phrase found) wins; a tie between options is not an answer.
    """
    clean = _norm(text)
    if not clean.strip():
        return None
    dont_know = any(_has(clean, w) for w in content()["dont_know_words"]) or _has(clean, content()["dont_know_label"])
    if question == "area":
        # Names and aliases live in content/areas/*.yml; not knowing means the general answer.
        named = resolve_area(text)
        return named.id if named else (DEFAULT_AREA_ID if dont_know else None)
    if dont_know:
        return DONT_KNOW
    if question == "age_group":
        age = _age_in(clean)
        if age is not None:
            return "adult" if age >= 18 else "child"
    best: dict[str, int] = {}
    for option in options(question, area):
        for phrase in [option["label"], *option.get("words", [])]:
            if _has(clean, str(phrase)):
                length = len(_norm(str(phrase)).strip())
                best[option["value"]] = max(best.get(option["value"], 0), length)
    if not best:
        return None
    top = max(best.values())
    winners = [v for v, n in best.items() if n == top]
    return winners[0] if len(winners) == 1 else None


_QUESTION_START = re.compile(r"^\s*(what|whats|what's|how|why|when|where|which|who|whos|who's|is|are|does|do|can|could|will|would|should)\b", re.I)


def looks_like_question(text: str) -> bool:
    """A message that reads as a question ("what is a notional budget?") rather than an answer."""
    text = (text or "").strip()
    return text.endswith("?") or bool(_QUESTION_START.match(text))


def is_question_not_answer(value: str | None, text: str, nlu_says_faq: bool) -> bool:
    """Inside the check, a message is an answer if it reads as one; an FAQ that does not
    parse as an answer, or that reads as a question, is answered as a question instead."""
    return nlu_says_faq and (value is None or looks_like_question(text))


# Longer messages are a story, not an answer: the check asks its question again (the
# issue: "a long story" gets a clear re-ask), rather than guessing from stray words.
MAX_ANSWER_CHARS = 300


def understand(question: str, text: str, area: Area | None, nlu_says_faq: bool) -> tuple[str, str | None]:
    """('answer', value), ('question', None) to answer it as an FAQ, or ('unclear', None) to re-ask."""
    if len(text or "") > MAX_ANSWER_CHARS:
        return "unclear", None
    value = parse_answer(question, text, area)
    if is_question_not_answer(value, text, nlu_says_faq):
        return "question", None
    return ("answer", value) if value is not None else ("unclear", None)


def start_mode(answers: dict, has_result: bool, in_check: bool) -> str:
    """'continue' (already in the check), 'resume' (an unfinished check) or 'fresh'."""
    if in_check:
        return "continue"
    return "resume" if answers and not has_result else "fresh"


def _age_in(clean: str) -> int | None:
    match = re.search(r" (\d{1,3}) ?(years?|yrs?|y o|yo)?( old)? ", clean)
    if match and not re.search(r"(under|over|or) " + match.group(1), clean):
        age = int(match.group(1))
        return age if age <= 120 else None
    return None


# ------------------------------------------------------------------ the result

@dataclass(frozen=True)
class Result:
    outcome: str  # RIGHT_TO_HAVE, LOCAL_OFFER or NOT_IN_KNOWN_GROUPS
    reasons: tuple[str, ...] = ()  # right codes, then "local:<group id>", then notes
    to_settle: tuple[str, ...] = field(default_factory=tuple)  # what would settle a "don't know"

    @property
    def local_groups(self) -> tuple[str, ...]:
        return tuple(r[len(LOCAL_PREFIX):] for r in self.reasons if r.startswith(LOCAL_PREFIX))


def assess(answers: dict, area: Area | None) -> Result:
    """What the answers suggest. Never 'not eligible': the NHS team decides."""
    reasons = rights(answers)
    local = [q for q, v in answers.items() if q.startswith(LOCAL_PREFIX) and v == "yes"]
    notes = []
    if answers.get("mha_section") == "s2" or answers.get("mha_section") == "s4_5_2":
        notes.append("s2_s4_only")
    settle = []
    if not reasons:
        cc = answers.get("continuing_care")
        if cc == DONT_KNOW:
            settle.append("cc_dont_know_child" if answers.get("age_group") == "child" else "cc_dont_know")
        elif cc in ("being_assessed", "not_assessed"):
            settle.append("cc_" + cc)
        if DONT_KNOW in (answers.get("mha_detained"), answers.get("mha_section")) and answers.get("cto") != "no":
            settle.append("mha_dont_know")
        if DONT_KNOW in (answers.get("wheelchair_service"), answers.get("wheelchair_new")):
            settle.append("wheelchair_dont_know")
        if any(q.startswith(LOCAL_PREFIX) and v == DONT_KNOW for q, v in answers.items()):
            settle.append("local_dont_know")
    if reasons:
        outcome = RIGHT_TO_HAVE
    elif local:
        outcome = LOCAL_OFFER
    else:
        outcome = NOT_IN_KNOWN_GROUPS
    return Result(outcome, tuple(reasons + local + notes), tuple(settle))
