"""The ways-to-manage-the-money check: which question comes next, and which ways may suit.

Pure functions over a dict of answers ({question id: value}), like the
eligibility check. The suggestion never decides: more than one way may fit, a
mix is possible, and the person agrees the way with their NHS team.
"""

from __future__ import annotations

from dataclasses import dataclass


from bot import wording
from bot.answers import DONT_KNOW, Reading, choose, norm, says_dont_know
from bot.answers import understand as understand_answer


WAYS = ("notional", "third_party", "direct_payment")
WHEELCHAIR_WAYS = ("wc_notional", "wc_top_up", "wc_third_party")
CARE_QUESTIONS = ("arrange_self", "employ_pa", "nhs_arrange", "trusted_holder", "records")
WHEELCHAIR_QUESTIONS = ("wc_nhs_range", "wc_top_up", "wc_own_repairs")
PREFERENCE_QUESTIONS = ("preferred", "wc_preferred")


def content() -> dict:
    return wording.content("money_options")


def is_wheelchair(answers: dict) -> bool:
    return answers.get("budget_for") == "wheelchair"


def _direct_payment_in_play(answers: dict) -> bool:
    """Records only matter if a direct payment might suit."""
    return (
        answers.get("arrange_self") in ("yes", DONT_KNOW)
        or answers.get("employ_pa") in ("yes", DONT_KNOW)
        or answers.get("trusted_holder") == "person"
    )


def questions(answers: dict) -> list[str]:
    """Every question this person will be asked, given the answers so far."""
    qs = ["budget_for"]
    if is_wheelchair(answers):
        qs.append("wc_nhs_range")
        # Extras only matter when the service's own range is not enough.
        if answers.get("wc_nhs_range") != "yes":
            qs.append("wc_top_up")
        return qs + ["wc_own_repairs", "wc_preferred"]
    qs += ["arrange_self", "employ_pa"]
    # Someone who wants to arrange their own care has answered this already.
    if answers.get("arrange_self") != "yes":
        qs.append("nhs_arrange")
    qs.append("trusted_holder")
    if _direct_payment_in_play(answers):
        qs.append("records")
    return qs + ["preferred"]


def next_question(answers: dict) -> str | None:
    return next((q for q in questions(answers) if q not in answers), None)


def progress(answers: dict) -> tuple[int, int]:
    """(number of the next question, total questions on the current path)."""
    qs = questions(answers)
    return sum(1 for q in qs if q in answers) + 1, len(qs)


def options(question: str) -> list[dict]:
    """The options for a question: [{value, label, words}], shared words included."""
    result = []
    for option in content()["questions"][question]["options"]:
        words = [*content().get(option.get("common_words", ""), []), *option.get("words", [])]
        result.append({"value": option["value"], "label": option["label"], "words": words})
    return result


def parse_answer(question: str, text: str) -> str | None:
    """What a typed or pressed answer means, or None if it is not an answer."""
    clean = norm(text)
    if not clean.strip():
        return None
    value = choose(clean, options(question))
    # "Not decided yet" is an answer of its own to the last question, not a "don't know".
    if value == "undecided":
        return value
    if says_dont_know(clean, [*content()["dont_know_words"], content()["dont_know_label"]]):
        return "undecided" if question in PREFERENCE_QUESTIONS else DONT_KNOW
    return value


def understand(question: str, text: str, nlu_says_faq: bool) -> Reading:
    """An answer, a question to answer as an FAQ first, or unclear (asked again)."""
    return understand_answer(text, lambda t: parse_answer(question, t), nlu_says_faq)


# ------------------------------------------------------------------ the suggestion


@dataclass(frozen=True)
class Suggestion:
    wheelchair: bool
    ways: tuple[str, ...]  # in the order of WAYS or WHEELCHAIR_WAYS; empty when nothing stands out
    reasons: tuple[tuple[str, str], ...]  # (way, reason code), each a reason for that way

    @property
    def mix(self) -> bool:
        return not self.wheelchair and len(self.ways) > 1


def _care_reasons(a: dict) -> list[tuple[str, str]]:
    control = a.get("arrange_self") == "yes"
    no_arranging = a.get("arrange_self") == "no"
    pa = a.get("employ_pa") == "yes"
    holder = a.get("trusted_holder")
    no_records = a.get("records") == "rather_not"
    reasons = []
    if a.get("nhs_arrange") == "yes":
        reasons.append(("notional", "nhs_arrange"))
    if no_arranging and not pa:
        reasons.append(("notional", "not_arrange_self"))
    if holder == "organisation":
        reasons.append(("third_party", "organisation"))
    if pa and no_arranging:
        reasons.append(("third_party", "pa_without_paperwork"))
    # Wanting control points to a direct payment, unless the records put the person off.
    wants_direct = control or (pa and not no_arranging)
    if wants_direct and no_records:
        reasons.append(("third_party", "records_rather_not"))
    if wants_direct and not no_records:
        if control:
            reasons.append(("direct_payment", "arrange_self"))
        if pa and not no_arranging:
            reasons.append(("direct_payment", "employ_pa"))
    # A nominee or representative gets the money and keeps the records for the person.
    if holder == "person":
        reasons.append(("direct_payment", "person"))
    if a.get("records") == "fine" and any(w == "direct_payment" for w, _ in reasons):
        reasons.append(("direct_payment", "records_fine"))
    return reasons


def _wheelchair_reasons(a: dict) -> list[tuple[str, str]]:
    return [(way, question) for way, question in zip(WHEELCHAIR_WAYS, WHEELCHAIR_QUESTIONS) if a.get(question) == "yes"]


def suggest(answers: dict) -> Suggestion:
    """Which ways may suit, and why. More than one may fit; none standing out is fine too."""
    wheelchair = is_wheelchair(answers)
    order = WHEELCHAIR_WAYS if wheelchair else WAYS
    reasons = _wheelchair_reasons(answers) if wheelchair else _care_reasons(answers)
    ways = tuple(w for w in order if any(r[0] == w for r in reasons))
    reasons.sort(key=lambda r: order.index(r[0]))
    return Suggestion(wheelchair, ways, tuple(reasons))


def chosen(answers: dict) -> str | None:
    """The way the person chose to note (or 'undecided' / 'mix'), once asked."""
    return answers.get("wc_preferred" if is_wheelchair(answers) else "preferred")


# The eligibility check's reason codes for a legal right other than a wheelchair budget.
OTHER_RIGHTS = {"chc", "ccc", "s117", "s117_cto"}


def show_wheelchair_first(eligibility_reasons: list, wheelchair_shown: bool) -> bool:
    """Whether "ways to manage the money" should show the wheelchair budget options.

    When the check found a right to a wheelchair budget and no other right, the
    wheelchair options are the ones that apply. Once they have been shown, asking
    again gives the three ways, so "other ways to manage the money" works.
    """
    reasons = set(eligibility_reasons or [])
    return "wheelchair" in reasons and not reasons & OTHER_RIGHTS and not wheelchair_shown
