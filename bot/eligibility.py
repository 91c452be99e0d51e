"""The eligibility check: which question comes next, and what the answers mean.

Pure functions over a dict of answers ({question id: value}), kept in the
order they were given. The assistant never decides eligibility: a result says
whether a person is *likely* to be in a legal "right to have" group, may fit
the area's local offer, or is in neither group we know about, with reason
codes for why and what would settle any "don't know".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


from bot import wording
from bot.answers import DONT_KNOW, Reading, choose, norm, says_dont_know
from bot.answers import understand as understand_answer
from bot.areas import DEFAULT_AREA_ID, Area, all_areas, areas_for_choice, resolve_area

LOCAL_PREFIX = "local:"

RIGHT_TO_HAVE = "right_to_have"
LOCAL_OFFER = "local_offer"
NOT_IN_KNOWN_GROUPS = "not_in_known_groups"

S117_SECTIONS = {"s3", "s37", "s45a_47_48"}


def content() -> dict:
    return wording.content("eligibility")


# ---------------------------------------------------------------- the questions


def _local_groups(area: Area, answers: dict) -> list:
    age = answers.get("age_group")
    return [
        g
        for g in area.local_offer_groups
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
    # The right lasts while Section 117 after-care does, not for anyone ever detained under section 3.
    if answers.get("mha_section") in S117_SECTIONS or answers.get("cto") == "yes":
        qs.append("s117_current")
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
    if answers.get("s117_current") == "yes":
        found.append("s117" if answers.get("mha_section") in S117_SECTIONS else "s117_cto")
    if answers.get("wheelchair_service") == "yes" and answers.get("wheelchair_new") == "yes":
        found.append("wheelchair")
    return found


def next_question(answers: dict, area: Area | None) -> str | None:
    """The next question to ask, or None when the check is complete.

    It stops as soon as one legal right is clear: asking more would not change
    the result, and people are often tired.
    """
    # The area first, even when an opening message made a right clear: the result names the team.
    if area is None and "area" not in answers:
        return "area"
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


def options(question: str, area: Area | None = None) -> list[dict]:
    """The options for a question: [{value, label, words}]."""
    if question == "area":
        return [{"value": a.id, "label": a.choice_label} for a in areas_for_choice()]
    key = "local_group" if question.startswith(LOCAL_PREFIX) else question
    return content()["questions"][key]["options"]


def parse_answer(question: str, text: str, area: Area | None = None) -> str | None:
    """What a typed or pressed answer means for this question, or None if it is not an answer.

    "I don't know" always counts. Otherwise the option whose words match best wins.
    """
    clean = norm(text)
    if not clean.strip():
        return None
    dont_know = says_dont_know(clean, [*content()["dont_know_words"], content()["dont_know_label"]])
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
    return choose(clean, options(question, area))


def understand(question: str, text: str, area: Area | None, nlu_says_faq: bool) -> Reading:
    """An answer, a question to answer as an FAQ first, or unclear (asked again)."""
    return understand_answer(text, lambda t: parse_answer(question, t, area), nlu_says_faq)


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
        return tuple(r[len(LOCAL_PREFIX) :] for r in self.reasons if r.startswith(LOCAL_PREFIX))


def assess(answers: dict, area: Area | None) -> Result:
    """What the answers suggest. Never 'not eligible': the NHS team decides."""
    reasons = rights(answers)
    local = [q for q, v in answers.items() if q.startswith(LOCAL_PREFIX) and v == "yes"]
    notes = []
    if answers.get("mha_section") == "s2" or answers.get("mha_section") == "s4_5_2":
        notes.append("s2_s4_only")
    if answers.get("s117_current") == "no":
        notes.append("s117_ended")
    settle = []
    if not reasons:
        cc = answers.get("continuing_care")
        if cc == DONT_KNOW:
            settle.append("cc_dont_know_child" if answers.get("age_group") == "child" else "cc_dont_know")
        elif cc in ("being_assessed", "not_assessed"):
            settle.append("cc_" + cc)
        if (
            DONT_KNOW in (answers.get("mha_detained"), answers.get("mha_section"), answers.get("s117_current"))
            and answers.get("cto") != "no"
        ):
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
