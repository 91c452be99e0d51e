"""The NLU component that starts the eligibility check (nlu_components/check_opening.py), on Rasa
messages as the pipeline hands them over: what it changes, and what it must leave alone."""

from rasa.shared.nlu.training_data.message import Message

from nlu_components.check_opening import CheckOpening


def message(text, intent, topic=None, confidence=0.0):
    m = Message(data={"text": text})
    m.set("intent", {"name": intent, "confidence": 0.99})
    m.set("intent_ranking", [{"name": intent, "confidence": 0.99}, {"name": "check_eligibility", "confidence": 0.01}])
    if topic:
        m.set(
            "response_selector",
            {"faq": {"response": {"intent_response_key": f"faq/{topic}", "confidence": confidence}}},
        )
    return m


def run(m):
    return CheckOpening().process([m])[0]


def test_a_situation_ending_in_can_she_have_one_becomes_the_check_alone():
    m = run(
        message(
            "my daughter is 12 and gets continuing care, can she have one?", "faq", "childrens_continuing_care", 0.8
        )
    )
    assert m.get("intent") == {"name": "check_eligibility", "confidence": 1.0}
    assert m.get("intent_ranking") == [m.get("intent")]
    assert m.get("check_opening") == {"model_intent": "faq", "topic": "childrens_continuing_care"}


def test_a_confident_other_topic_a_button_and_a_stop_are_left_alone():
    for m in (
        message("if my dad goes into a care home can he still get one", "faq", "care_homes", 0.9),
        message("/check_eligibility", "check_eligibility"),
        message("can he have one", "stop"),
        message("what can it pay for", "faq", "what_can_pay_for", 0.3),
    ):
        before = (dict(m.get("intent")), list(m.get("intent_ranking")))
        assert (run(m).get("intent"), run(m).get("intent_ranking")) == before
        assert m.get("check_opening") is None
