"""UnsureTopic (nlu_components/unsure_topic.py) as Rasa runs it: which readings become "not sure",
and that Rasa's own evaluation can still undo it (rasa test nlu scores the classifiers)."""

from __future__ import annotations

import pytest
from rasa.nlu.classifiers.fallback_classifier import undo_fallback_prediction
from rasa.shared.nlu.training_data.message import Message

from nlu_components.unsure_topic import UnsureTopic
from tests.unit.parse_results import parse

SHIPPED = {"threshold": 0.9, "ambiguity_threshold": 0.0, "neighbours_agree": 1, "neighbours_floor": 0.0}


def message(intents, near, answers=None, **extra):
    """A Message as UnsureTopic receives it: the parse with the second opinion and any other
    component's output."""
    data = {**parse(intents, answers), "text": "words", **extra}
    data["neighbours"] = [{"name": n, "score": s} for n, s in near]
    return Message(data=data)


def run(msg, config=SHIPPED):
    UnsureTopic({**UnsureTopic.get_default_config(), **config}).process([msg])
    return msg.get("intent")["name"]


def test_a_guide_the_second_opinion_does_not_back_becomes_not_sure_and_can_be_undone():
    msg = message([("ask_money_options", 0.97), ("faq", 0.02)], [("faq/direct_payment", 0.6)])
    assert run(msg) == "nlu_fallback"
    # As the FallbackClassifier does: nlu_fallback first, the model's ranking kept beneath it.
    ranking = msg.get("intent_ranking")
    assert ranking[0]["name"] == "nlu_fallback" and ranking[1]["name"] == "ask_money_options"
    undone = undo_fallback_prediction(msg.as_dict(only_output_properties=True))
    assert undone["intent"]["name"] == "ask_money_options"


def test_a_backed_answer_stays():
    msg = message([("faq", 0.99)], [("faq/benefits", 0.5)], [("faq/benefits", 0.95), ("faq/cost", 0.02)])
    assert run(msg) == "faq"


def test_a_faq_answer_below_the_threshold_is_not_sure():
    msg = message([("faq", 0.99)], [("faq/benefits", 0.5)], [("faq/benefits", 0.85), ("faq/cost", 0.1)])
    assert run(msg) == "nlu_fallback"


@pytest.mark.parametrize("intent", ["crisis", "affirm", "deny", "stop", "answer", "inform_area"])
def test_a_crisis_and_the_guides_own_answers_are_never_second_guessed(intent):
    msg = message([(intent, 0.97), ("faq", 0.02)], [("faq/benefits", 0.9)])
    assert run(msg) == intent


def test_go_back_is_weighed_like_a_topic_but_never_offered():
    from bot.understanding import judge

    # An ordinary question read as "go back" is not sure; the buttons are the second opinion's topics.
    question = message([("go_back", 0.95), ("faq", 0.03)], [("faq/care_homes", 0.4), ("go_back", 0.1)])
    assert run(question) == "nlu_fallback"
    assert "go_back" not in judge(question.as_dict(only_output_properties=True)).offers
    # "Go back" that the nearest examples back stays "go back".
    backed = message([("go_back", 0.95), ("faq", 0.03)], [("go_back", 0.8), ("faq/give_up", 0.2)])
    assert run(backed) == "go_back"


def test_the_check_its_opening_rule_started_is_not_second_guessed():
    msg = message(
        [("check_eligibility", 1.0)],
        [("faq/childrens_continuing_care", 0.6)],
        check_opening={"model_intent": "faq", "topic": "childrens_continuing_care"},
    )
    assert run(msg) == "check_eligibility"


def test_without_the_setting_only_faq_answers_are_judged():
    msg = message([("ask_money_options", 0.97), ("faq", 0.02)], [("faq/direct_payment", 0.6)])
    assert run(msg, {"threshold": 0.9, "ambiguity_threshold": 0.0}) == "ask_money_options"
