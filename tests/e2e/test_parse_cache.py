"""The NLU cache (bot/parse_cache.py, rasa_plugins/nlu_reuse.py) gives the trained model's own answer.

Every button of every guide is understood once by the model and then taken from the cache; both
must equal what Rasa's unpatched parse gives. Typed text is never kept.
"""

from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_plugins import nlu_reuse
from tests.e2e.guide_texts import button_texts, intake_button_texts

TYPED = ["what is a personal health budget?", "Jo Bench", "12th March 1950", "yes please"]


def offering(texts):
    """A conversation whose last turn offered `texts` as buttons."""
    buttons = [{"title": t, "payload": t} for t in texts]
    return DialogueStateTracker.from_events(
        "cache-test",
        [
            ActionExecuted("action_listen"),
            UserUttered("hi", {"name": "greet"}),
            BotUttered("Pick one", data={"buttons": buttons}),
            ActionExecuted("action_listen"),
        ],
    )


def uncached(processor, text, tracker):
    return nlu_reuse._rasa_parse_message_with_graph(processor, UserMessage(text), tracker)


def test_offered_buttons_get_the_models_own_answer_from_the_cache(trained_agent):
    processor = trained_agent.processor
    texts = sorted(set(button_texts()) | set(intake_button_texts()))
    tracker = offering(texts)
    first = {t: processor._parse_message_with_graph(UserMessage(t), tracker) for t in texts}
    cache = processor._phb_parse_cache
    hits_before = cache.hits
    second = {
        t: processor._parse_message_with_graph(UserMessage(t, message_id=f"m-{i}"), tracker)
        for i, t in enumerate(texts)
    }
    assert cache.hits - hits_before == len(texts)
    for text in texts:
        expected = uncached(processor, text, tracker)
        assert first[text] == expected
        assert {k: v for k, v in second[text].items() if k != "message_id"} == {
            k: v for k, v in expected.items() if k != "message_id"
        }
    # A cached result is a copy: changing what one message got does not change the next.
    second[texts[0]]["intent"]["name"] = "changed"
    assert processor._parse_message_with_graph(UserMessage(texts[0]), tracker)["intent"] == first[texts[0]]["intent"]


def test_typed_text_is_understood_afresh_and_never_kept(trained_agent):
    processor = trained_agent.processor
    tracker = offering(["Yes", "No"])
    for text in TYPED:
        assert processor._parse_message_with_graph(UserMessage(text), tracker) == uncached(processor, text, tracker)
    kept = processor.__dict__.get("_phb_parse_cache")
    assert kept is None or not any(text in kept._results for text in TYPED)


def test_a_bare_intent_payload_is_kept(trained_agent):
    processor = trained_agent.processor
    tracker = DialogueStateTracker.from_events("cache-test", [ActionExecuted("action_listen")])
    parsed = processor._parse_message_with_graph(UserMessage("/greet"), tracker)
    assert parsed["intent"]["name"] == "greet"
    assert "/greet" in processor._phb_parse_cache._results
    assert processor._parse_message_with_graph(UserMessage("/greet"), tracker) == parsed
