"""The second-opinion component (nlu_components/example_neighbours.py): trained, stored in the
model, loaded again and run as Rasa runs it, on Rasa's own model storage."""

from __future__ import annotations

import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def tokenized():
    import spacy
    from rasa.nlu.constants import SPACY_DOCS, TOKENS_NAMES
    from rasa.shared.nlu.constants import TEXT
    from rasa.shared.nlu.training_data.message import Message

    from nlu_components.punctuation_free_tokenizer import PunctuationFreeSpacyTokenizer

    nlp = spacy.load(ROOT / "nlp" / "en_phb_lookup")
    tokenizer = PunctuationFreeSpacyTokenizer(PunctuationFreeSpacyTokenizer.get_default_config())

    def make(text, **data):
        message = Message({TEXT: text, **data})
        message.set(SPACY_DOCS[TEXT], nlp(text))
        message.set(TOKENS_NAMES[TEXT], tokenizer.tokenize(message, TEXT))
        return message

    return make


def _component(tmp_path, cls_method, **kwargs):
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource

    from nlu_components.example_neighbours import ExampleNeighbours

    storage = LocalModelStorage(tmp_path)
    resource = Resource("neighbours")
    context = ExecutionContext(GraphSchema({}), "test")
    return getattr(ExampleNeighbours, cls_method)({}, storage, resource, context, **kwargs)


def test_trained_stored_loaded_and_run(tmp_path, tokenized):
    from rasa.shared.nlu.training_data.training_data import TrainingData

    examples = [
        tokenized("will it affect my benefits", intent="faq", intent_response_key="faq/benefits"),
        tokenized("does it change my universal credit", intent="faq", intent_response_key="faq/benefits"),
        tokenized("can I pay my daughter to care for me", intent="faq", intent_response_key="faq/pay_family"),
        tokenized("I want to talk to a person", intent="talk_to_person"),
        tokenized("can I speak to someone", intent="talk_to_person"),
    ]
    _component(tmp_path, "create").train(TrainingData(examples))
    loaded = _component(tmp_path, "load")

    messages = [
        tokenized("would my benefits go down?", intent={"name": "faq", "confidence": 0.9}),
        tokenized("let me speak to a real person", intent={"name": "nlu_fallback", "confidence": 0.5}),
        tokenized("/affirm", intent={"name": "affirm", "confidence": 1.0}),
        tokenized("yes please", intent={"name": "affirm", "confidence": 0.99}),
        tokenized("speak to someone now", intent={"name": "talk_to_person", "confidence": 0.99}),
    ]
    loaded.process(messages)

    first = messages[0].get("neighbours")
    assert first[0]["name"] == "faq/benefits" and first[0]["score"] > first[1]["score"]
    assert messages[1].get("neighbours")[0]["name"] == "talk_to_person"
    assert messages[2].get("neighbours") is None  # a button's payload is not words
    assert messages[3].get("neighbours") is None  # a guide's own answer: nothing would weigh it
    assert messages[4].get("neighbours")[0]["name"] == "talk_to_person"  # a guide or topic: weighed
    # It changes no intent: UnsureTopic weighs it.
    assert [m.get("intent")["name"] for m in messages] == ["faq", "nlu_fallback", "affirm", "affirm", "talk_to_person"]
    # And it is part of what the parse returns, so the fallback action and the guides can offer it.
    assert "neighbours" in messages[0].as_dict(only_output_properties=True)


def test_an_untrained_component_adds_nothing(tmp_path, tokenized):
    loaded = _component(tmp_path, "load")
    message = tokenized("will it affect my benefits", intent={"name": "faq", "confidence": 0.9})
    loaded.process([message])
    assert message.get("neighbours") is None


def test_a_model_with_examples_in_another_format_is_refused(tmp_path):
    import json

    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource

    with LocalModelStorage(tmp_path).write_to(Resource("neighbours")) as directory:
        (directory / "examples.json").write_text(json.dumps({"version": 0, "rows": []}))
    with pytest.raises(ValueError, match="train again"):
        _component(tmp_path, "load")
