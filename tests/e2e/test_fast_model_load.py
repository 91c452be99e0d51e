"""The model loaded our way (rasa_plugins/speedups.py: weights restored as the prediction graph
is built, no one-step training) predicts exactly what it predicts loaded Rasa's way.

Every message of the held-out NLU test set and every guide button: same intent ranking (to the
last digit), same entities, same FAQ answer ranking.
"""
import asyncio

import pytest
import yaml
from rasa.utils.tensorflow.models import RasaModel

from rasa_plugins import speedups
from tests.e2e.conftest import MODEL, ROOT
from tests.e2e.test_answers_reach_the_guide import button_texts

FIELDS = ("intent", "intent_ranking", "entities", "response_selector")


def texts():
    test_set = yaml.safe_load((ROOT / "tests" / "nlu" / "test_nlu.yml").read_text())
    found = [line[2:].strip() for block in test_set["nlu"] if "examples" in block
             for line in block["examples"].splitlines() if line.strip()]
    return found + button_texts()


def predictions(agent, messages):
    return [{k: parsed.get(k) for k in FIELDS} for parsed in
            (asyncio.run(agent.parse_message(text)) for text in messages)]


@pytest.fixture(scope="module")
def rasas_way():
    from rasa.core.agent import Agent

    patched = RasaModel.load
    RasaModel.load = classmethod(speedups._rasa_model_load)
    try:
        return Agent.load(str(MODEL))
    finally:
        RasaModel.load = patched


def test_our_way_of_loading_predicts_exactly_as_rasas(trained_agent, rasas_way):
    assert RasaModel.load.__func__ is speedups._load  # so trained_agent, loaded after it, was loaded our way
    messages = texts()
    assert len(messages) > 400
    ours, theirs = predictions(trained_agent, messages), predictions(rasas_way, messages)
    differ = [(m, a, b) for m, a, b in zip(messages, ours, theirs) if a != b]
    assert not differ, f"{len(differ)} messages are understood differently, first: {differ[0]}"
