"""How sure the assistant is of what a message asks, and what to offer when it is not sure.

A confident wrong answer is worse than "I'm not sure, did you mean...": a person may act on it.
The NLU gives two rankings: intents (is it an FAQ, the eligibility check, a person...) and, for
FAQs, which answer. Here they become one ranking of *labels* ("faq/pay_family",
"check_eligibility"), a judgement (sure or not, by thresholds calibrated on the development
set, docs/benchmarks.md), and up to three labels to offer as buttons when unsure.

A second opinion comes from the training examples nearest in words (bot/neighbours.py, written to
the parse as `neighbours` by nlu_components/example_neighbours.py): where it disagrees with the
classifiers the assistant is not sure, and its likeliest labels join the "did you mean" buttons.
A third comes from the words that name a topic (bot/topic_terms.py): it only adds a button.

Plain functions on Rasa's parse result (a dict), so the NLU component
(nlu_components/unsure_topic.py), the fallback action and the measurement
(tests/understanding/measure.py) all judge alike, and tests need no Rasa.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from bot.answers import looks_like_question
from bot.topic_terms import named_topics

FAQ = "faq"
FALLBACK = "nlu_fallback"

# Labels that can be offered as "did you mean": answers and guides. Yes, no, greetings and the
# like are never offered: they are not something a person could have meant to ask.
OFFERABLE_INTENTS = frozenset(
    {
        "check_eligibility",
        "ask_money_options",
        "choose_money_option",
        "ask_direct_payment_details",
        "ask_wheelchair_budget",
        "start_outcomes",
        "start_intake",
        "ask_how_to_start",
        "ask_local_offer",
        "ask_armed_forces",
        "talk_to_person",
        "what_can_you_do",
        # "I can't give medical advice: your GP, a pharmacist or NHS 111", for a question about
        # medicines or symptoms the assistant is not sure of.
        "medical_question",
    }
)


# Guide commands weighed like a topic, so one the second opinion does not back is not sure either,
# but never offered: "Is FNC backdated?" was read as "go back" (the development half).
WEIGHED_COMMANDS = frozenset({"go_back"})


# Offered, but a sure reading is not second-guessed: "I can't give medical advice: your GP, a
# pharmacist or NHS 111" is safe for any message, so a wrong one costs little and a right one
# should come at once.
NOT_WEIGHED = frozenset({"medical_question"})


# The second opinion's labels are offered only with some evidence: at least this similarity, and at
# least this share of its best label's (chosen on the development half: no fewer answers reached).
NEIGHBOUR_OFFER_FLOOR = 0.1
NEIGHBOUR_OFFER_SHARE = 0.5


@dataclass(frozen=True)
class Thresholds:
    """Below `intent` (or within `intent_gap` of the runner-up) the intent is unsure; the same for
    the FAQ answer with `answer` and `answer_gap`."""

    intent: float = 0.5
    intent_gap: float = 0.1
    answer: float = 0.5
    answer_gap: float = 0.1
    # The second opinion: a topic or guide is sure only if it is among the nearest examples' first
    # `agree` labels, or those are all weaker than `neighbour_floor`. 0 leaves it out.
    agree: int = 0
    neighbour_floor: float = 0.0


@dataclass(frozen=True)
class Judgement:
    sure: bool
    best: str | None  # the most likely label, sure or not
    offers: tuple[str, ...]  # labels to offer when unsure (best first), at most three


def _intents(parse: dict) -> list[tuple[str, float]]:
    ranking = parse.get("intent_ranking") or []
    if not ranking and parse.get("intent"):
        ranking = [parse["intent"]]
    return [(r.get("name") or "", float(r.get("confidence") or 0.0)) for r in ranking if r.get("name") != FALLBACK]


def _answers(parse: dict) -> list[tuple[str, float]]:
    selected = (parse.get("response_selector") or {}).get(FAQ) or {}
    ranking = selected.get("ranking") or []
    return [
        (r.get("intent_response_key") or "", float(r.get("confidence") or 0.0))
        for r in ranking
        if r.get("intent_response_key")
    ]


def neighbours(parse: dict) -> list[tuple[str, float]]:
    """The second opinion's labels, best first (empty when the model has none)."""
    return [(r.get("name") or "", float(r.get("score") or 0.0)) for r in parse.get("neighbours") or [] if r.get("name")]


def labels(parse: dict) -> list[tuple[str, float]]:
    """Every label with a score: an intent's confidence, or for an FAQ answer the FAQ intent's
    confidence times the answer's. Best first."""
    scored: list[tuple[str, float]] = []
    for name, conf in _intents(parse):
        if name == FAQ:
            scored += [(key, conf * c) for key, c in _answers(parse)]
        else:
            scored.append((name, conf))
    return sorted(scored, key=lambda x: -x[1])


def _sure(ranking: list[tuple[str, float]], floor: float, gap: float) -> bool:
    if not ranking:
        return False
    top = ranking[0][1]
    second = ranking[1][1] if len(ranking) > 1 else 0.0
    return top >= floor and top - second >= gap


def is_offerable(label: str) -> bool:
    return label.startswith(FAQ + "/") or label in OFFERABLE_INTENTS


def is_weighed(label: str) -> bool:
    """Whether the second opinion is asked about this label (a topic, a guide, or "go back")."""
    return (is_offerable(label) and label not in NOT_WEIGHED) or label in WEIGHED_COMMANDS


def judge(parse: dict, thresholds: Thresholds = Thresholds(), offer_floor: float = 0.05) -> Judgement:
    """Sure when the intent is clear and, for an FAQ, so is the answer. Offers are the likeliest
    answers a person could have meant, each with at least `offer_floor` of the score."""
    intents = _intents(parse)
    sure = _sure(intents, thresholds.intent, thresholds.intent_gap)
    if sure and intents[0][0] == FAQ:
        sure = _sure(_answers(parse), thresholds.answer, thresholds.answer_gap)
    ranked = labels(parse)
    best = ranked[0][0] if ranked else None
    near = neighbours(parse)
    # The check started by CheckOpening's rule is not second-guessed (nlu_components/check_opening.py).
    weighed = bool(thresholds.agree and best and is_weighed(best) and not parse.get("check_opening"))
    if sure and weighed and near and near[0][1] >= thresholds.neighbour_floor:
        sure = best in {label for label, _ in near[: thresholds.agree]}
    classifiers = [label for label, score in ranked if is_offerable(label) and score >= offer_floor]
    enough = max(NEIGHBOUR_OFFER_FLOOR, NEIGHBOUR_OFFER_SHARE * near[0][1]) if near else 1.0
    second = [label for label, score in near if is_offerable(label) and score >= enough]
    # The second opinion's first: it holds the right answer more often (docs/benchmarks.md).
    offers = _in_turn(second, classifiers, 3)
    # A topic the message names outright, that neither reading offers, leads: a long story can
    # bury its subject for both. Only the first one, so two of the readings' offers stay.
    named = [label for label in named_topics(parse.get("text") or "") if is_offerable(label) and label not in offers]
    return Judgement(sure=sure, best=best, offers=(*named[:1], *offers)[:3])


def _in_turn(leading: list[str], following: list[str], most: int) -> tuple[str, ...]:
    """Two lists' labels taken in turn, each once: leading[0], following[0], leading[1]..."""
    out: list[str] = []
    for pair in itertools.zip_longest(leading, following):
        for label in pair:
            if label and label not in out:
                out.append(label)
    return tuple(out[:most])


# A guide's own answers: outside a guide their rules say "not understood" (data/rules/guides.yml).
GUIDE_ANSWERS = frozenset({"affirm", "deny", "dont_know", "answer"})


def unsure_outside_guides(parse: dict, in_guide: bool = False) -> bool:
    """Whether the fallback says it is not sure what a message asks and offers "did you mean": an
    unsure reading, or, outside a guide, a question read as a bare guide answer ("How will I be
    assessed for help at home?" as `answer`), which would otherwise get only "not understood".
    Inside a guide (Rasa's core fallback can run there) a guide answer is the guide's to read."""
    intent = (parse.get("intent") or {}).get("name")
    if intent == FALLBACK:
        return True
    return not in_guide and intent in GUIDE_ANSWERS and looks_like_question(parse.get("text") or "")


def answer_label(parse: dict) -> str | None:
    """The label the assistant acts on for a parse it was sure of ("faq/x" for an FAQ)."""
    intent = (parse.get("intent") or {}).get("name")
    if intent != FAQ:
        return intent
    selected = ((parse.get("response_selector") or {}).get(FAQ) or {}).get("response") or {}
    return selected.get("intent_response_key")
