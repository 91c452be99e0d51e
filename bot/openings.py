"""What an opening message already says, so a guide does not ask it again.

"My mum is 87 and gets NHS Continuing Healthcare at home, could she have a budget?" starts the
eligibility check already knowing who it is for, their age group and their Continuing
Healthcare. Only what the message says plainly is taken; anything unclear is asked as usual, and
"go back" changes any answer. Words live in content/openings.yml.
"""

from __future__ import annotations

import functools
import pathlib
import re

import yaml

from bot.answers import has, norm

CONTENT_FILE = pathlib.Path(__file__).resolve().parent.parent / "content" / "openings.yml"


@functools.lru_cache(maxsize=1)
def content() -> dict:
    with CONTENT_FILE.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _any(clean: str, words) -> bool:
    return any(has(clean, w) for w in words)


def _age(clean: str) -> int | None:
    match = re.search(
        r" (?:is|aged|age|he's|she's|hes|shes|im|i'm|i am) (\d{1,3})\b| (\d{1,3}) ?(?:years?|yrs?|yo|y o)( old)? ",
        clean,
    )
    if not match:
        return None
    age = int(match.group(1) or match.group(2))
    return age if age <= 120 else None


def _first(clean: str, table: dict) -> str | None:
    """The value whose words come first in `table` order (more specific values are listed first)."""
    for value, words in table.items():
        if _any(clean, words):
            return value
    return None


def eligibility_answers(text: str) -> dict:
    """Answers to the eligibility check that the opening message gives plainly."""
    c = content()["eligibility"]
    clean = norm(text)
    answers: dict = {}
    who = _first(clean, c["who_for"])
    if who:
        answers["who_for"] = who
    age = _age(clean)
    if age is not None:
        answers["age_group"] = "adult" if age >= 18 else "child"
    else:
        group = _first(clean, c["age_group"])
        if group:
            answers["age_group"] = group
    if "age_group" in answers:  # continuing care means different things for adults and children
        care = _first(clean, c["continuing_care"])
        if care:
            answers["continuing_care"] = care
    section = _first(clean, c["mha_section"])
    if section:
        answers["mha_detained"] = "yes"
        answers["mha_section"] = section
    if _any(clean, c["wheelchair_service"]):
        answers["wheelchair_service"] = "yes"
    # Keep the check's own order, so "go back" steps back through them as if asked.
    order = ["who_for", "age_group", "continuing_care", "mha_detained", "mha_section", "wheelchair_service"]
    return {q: answers[q] for q in order if q in answers}


def money_answers(text: str) -> dict:
    """Answers to the ways-to-manage-the-money check that the opening gives plainly."""
    c = content()["money"]
    clean = norm(text)
    answers = {}
    if _any(clean, c["wheelchair"]):
        answers["budget_for"] = "wheelchair"
    return answers


def _alternatives(words) -> str:
    # Longest first, so "a personal health budget" wins over "a budget"; spaces and hyphens alike.
    return "|".join(
        re.escape(w).replace(r"\ ", " ").replace(r"\-", "[ -]?") for w in sorted(words, key=len, reverse=True)
    )


@functools.lru_cache(maxsize=1)
def _asks_for_one_patterns() -> tuple[re.Pattern, re.Pattern]:
    c = content()["asks_for_one"]
    asker, subject = _alternatives(c["askers"]), _alternatives(c["subjects"])
    fillers = f"(?:(?:{_alternatives(c['fillers'])}) )*"
    ending = f"(?: (?:{_alternatives(c['endings'])}))*"

    def ask(objects: str) -> re.Pattern:
        have = f"(?:{asker}) (?:{subject}) {fillers}(?:{_alternatives(c['verbs'])}) (?:{objects})"
        eligible = (
            f"(?:{asker}) (?:{subject}) {fillers}(?:{_alternatives(c['eligible_words'])})(?: (?:for|to) (?:{objects}))?"
        )
        not_after = "".join(f"(?<! {re.escape(w)})" for w in c["not_after"])
        return re.compile(f"{not_after} (?:{have}|{eligible}){ending} $")

    return ask(_alternatives(c["objects"])), ask(_alternatives(c["aftercare_objects"]))


def asks_for_one(text: str) -> bool:
    """Whether the message ends by asking if the person, or someone they describe, could have a
    budget ("...can he have one?", "is she eligible?"), or after-care when it tells of a section."""
    clean = norm(text)
    budget, aftercare = _asks_for_one_patterns()
    if budget.search(clean):
        return True
    return bool(aftercare.search(clean)) and _any(clean, content()["asks_for_one"]["aftercare_needs"])


def starts_the_check(text: str, intent: str | None, topic: str | None, topic_confidence: float) -> bool:
    """Whether a message the model read as `intent` (and, for an FAQ, `topic` at `topic_confidence`)
    should start the eligibility check: it asks whether someone could have one, the model read it as
    nothing that must win (a crisis, stop...), and not, with some confidence, as another FAQ topic."""
    c = content()["asks_for_one"]
    if intent not in c["from_intents"] or not asks_for_one(text):
        return False
    # The FAQ topic counts only when the model read the message as an FAQ: for anything else the
    # server does not run the answer ranking (rasa_plugins/nlu_reuse.py), so it must not decide.
    other_topic = intent == "faq" and topic is not None and topic not in c["check_topics"]
    return not (other_topic and topic_confidence >= c["respect_topic_confidence"])
