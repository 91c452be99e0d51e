"""Answers reach the guide's form: every button, and most free-text answers.

In a guide, messages with some intents (stop, talk to a person, the local offer…)
are requests that rules handle instead of the form (`not_intent` of the
`guide_answer` slot in domain.yml). If the trained model gave an answer one of
those intents, the answer would be lost. This checks the trained model itself.
"""

import asyncio
import json

import pytest
import yaml

from bot.guides.engine import NEVER_AN_ANSWER
from bot.guides.intake import INTAKE
from bot.answers import reads_as_a_question_in_own_words, says_go_back
from bot.messages import all_messages
from bot.intake.questions import says_why
from bot.answers import norm
from tests.e2e.conftest import ROOT
from tests.e2e.guide_texts import button_texts, intake_button_texts


def requests_not_answers():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    (mapping,) = domain["slots"]["guide_answer"]["mappings"]
    return set(mapping["not_intent"])


def free_text_answers():
    """Answers in people's own words: the NLU test set's, and drafted outcomes from the coach's
    tables (never trained on: tests/unit/test_nlu_data.py checks)."""
    texts = set()
    test_set = yaml.safe_load((ROOT / "tests" / "nlu" / "test_nlu.yml").read_text())
    for block in test_set["nlu"]:
        if block.get("intent") in ("answer", "affirm", "deny", "dont_know"):
            texts.update(line[2:].strip() for line in block["examples"].splitlines() if line.strip())
    for table in ("outcome_cases.yml", "outcome_cases_held_out.yml"):
        cases = yaml.safe_load((ROOT / "tests" / "unit" / "data" / table).read_text())["cases"]
        texts.update(case["text"] for case in cases)
    return sorted(texts)


# Details as people type them: names, dates, numbers, addresses, times, languages.
INTAKE_TYPED = [
    "Sam Jones",
    "Grace Hope",
    "Mohammed Ali",
    "Chloe Bye",
    "Joy Thanks",
    "Mary Smith",
    "John O'Brien",
    "Priya Patel",
    "Wei Zhang",
    "Olu Adeyemi",
    "Daisy Helper",
    "my name is Sam Jones",
    "12/03/1950",
    "12 March 1950",
    "1st of May 1942",
    "03.04.1961",
    "943 476 5919",
    "6541003238",
    "ME14 1XX",
    "tr1 3lj",
    "it's CT1 2AB",
    "07700 900123",
    "01632 960000",
    "+44 7700 900123",
    "sam@example.org",
    "12 High Street",
    "Flat 3, 4 Mill Lane",
    "daughter",
    "I'm her son",
    "social worker",
    "husband",
    "Polish",
    "Urdu",
    "after 3pm",
    "weekday mornings",
    "mornings",
    "evenings after 6",
    "no",
    "nothing else",
    "skip",
    "prefer not to say",
    "why do you need that",
    "why do you need my date of birth",
    "what is this for",
]


def reaches_the_intake(intent):
    """An intake answer reaches it unless a rule takes it: small talk the intake still takes as an
    answer (INTAKE.answers_despite) and "leave my details" (taken as the answer by the start
    action when it answers) are fine."""
    return intent not in requests_not_answers() or intent in INTAKE.answers_despite or intent == "start_intake"


@pytest.fixture(scope="module")
def parse(trained_agent):
    return lambda text: asyncio.run(trained_agent.parse_message(text))["intent"]["name"]


def test_no_button_or_offered_word_is_taken_for_a_request(parse):
    excluded = requests_not_answers()
    texts = button_texts()
    assert len(texts) > 40  # every option of every guide was gathered
    lost = {text: intent for text in texts if (intent := parse(text)) in excluded}
    assert lost == {}, f"these answers would not reach the form: {lost}"


# Free text in the guides that take people's own words (the outcomes coach, leaving details): the
# guide owns the turn (issue 21, bot/guides/engine.py owns_this_turn). Whatever the NLU made of a
# draft, it is tried as the answer; only stop, start again, go back, a crisis the safety net found,
# or a message that reads as a question interrupts. A reading as a crisis by the model alone is taken
# as the draft, with 999 and NHS 111 said. So none of these may be lost.
def lost_in_an_owning_guide(text, parsed):
    intent = parsed["intent"]["name"]
    if intent in {"stop", "start_again"}:
        return True
    if intent == "go_back":
        # Believed only when the message says so; else the owning guide takes it as the answer
        # (ActionGuideGoBack; tests/e2e/test_intake.py plays "Wei Zhang" at the name question).
        return says_go_back(text, all_messages()["go_back_words"])
    # A draft that reads as a question is answered as one (then asked again): counted as lost here.
    if says_why(norm(text)):
        return False  # "what is this for": the intake says why it asks, then asks again
    return reads_as_a_question_in_own_words(text) and intent in requests_not_answers() | {"faq"}


def safety_net_crisis(parsed):
    return parsed["intent"]["name"] == "crisis" and (parsed.get("crisis_guard") or {}).get("kind") != "general"


# Drafts the safety net itself reads as a crisis get the crisis reply and the guide pauses: on purpose,
# a missed crisis being far worse than a false alarm. Measured with the shipped model (docs/benchmarks.md):
# 4 of 281 ("...use his pocket money", "...before my stroke", "...play outside", "stopping smoking").
MAX_SAFETY_NET_FALSE_ALARMS = 4


@pytest.fixture(scope="module")
def parse_full(trained_agent):
    return lambda text: asyncio.run(trained_agent.parse_message(text))


def owning_guide_answers():
    """Drafted outcomes never trained on: the coach's tables, and outcomes gathered from public care
    planning pages (tests/understanding/corpus/drafts_real.jsonl, README there); typed details."""
    texts = set(INTAKE_TYPED)
    for table in ("outcome_cases.yml", "outcome_cases_held_out.yml"):
        cases = yaml.safe_load((ROOT / "tests" / "unit" / "data" / table).read_text())["cases"]
        texts.update(case["text"] for case in cases)
    real = ROOT / "tests" / "understanding" / "corpus" / "drafts_real.jsonl"
    texts.update(json.loads(line)["text"] for line in real.read_text().splitlines() if line.strip())
    return sorted(texts)


def test_no_draft_or_detail_is_lost_in_a_guide_that_owns_the_turn(parse_full):
    texts = owning_guide_answers()
    assert len(texts) > 200
    parsed = {text: parse_full(text) for text in texts}
    lost = {text: p["intent"]["name"] for text, p in parsed.items() if lost_in_an_owning_guide(text, p)}
    alarms = [text for text, p in parsed.items() if safety_net_crisis(p)]
    print(f"drafts and details: {len(texts)}; lost: {lost}; read as a crisis by the safety net: {alarms}")
    assert lost == {}
    assert len(alarms) <= MAX_SAFETY_NET_FALSE_ALARMS, alarms


# In the eligibility and money checks the answers are buttons and short words, and a request (talk to a
# person, the local offer) is answered by its rule, then the question is asked again. Answers in people's
# own words from the development set mostly reach the check.
MIN_FREE_TEXT_REACHING_THE_GUIDE = 0.85


def test_most_free_text_answers_reach_the_guide(parse):
    excluded = requests_not_answers()
    texts = free_text_answers()
    assert len(texts) > 120
    lost = {text: intent for text in texts if (intent := parse(text)) in excluded}
    share = 1 - len(lost) / len(texts)
    print(f"free-text answers reaching the guide: {len(texts) - len(lost)} of {len(texts)} ({share:.1%}); lost: {lost}")
    assert share >= MIN_FREE_TEXT_REACHING_THE_GUIDE, lost


def test_every_intake_button_reaches_the_intake(parse):
    """A button of the question asked is taken as the answer whatever the NLU made of it
    (ValidateGuideForm.extract_guide_answer), unless it reads as a crisis, stop, start
    again or go back: none may."""
    texts = intake_button_texts()
    assert len(texts) > 25
    lost = {text: intent for text in texts if (intent := parse(text)) in NEVER_AN_ANSWER}
    assert lost == {}, f"these answers would not reach the intake: {lost}"


MIN_INTAKE_TYPED_REACHING = 0.95


def test_details_as_people_type_them_reach_the_intake(parse):
    lost = {text: intent for text in INTAKE_TYPED if not reaches_the_intake(intent := parse(text))}
    share = 1 - len(lost) / len(INTAKE_TYPED)
    print(
        f"typed intake details reaching the intake: {len(INTAKE_TYPED) - len(lost)} of {len(INTAKE_TYPED)} "
        f"({share:.1%}); lost: {lost}"
    )
    assert share >= MIN_INTAKE_TYPED_REACHING, lost
