"""The model loaded and run our way understands every message exactly as it does Rasa's way:
rasa_plugins/model_loading.py (weights restored as the prediction graph is built, no one-step
training; the prediction graph called directly) and rasa_plugins/nlu_reuse.py (the
ResponseSelector only for FAQ messages).

Every message of the held-out NLU test set and every guide button: the same intent ranking (to
the last digit) and entities; for FAQs, the same answer ranking. Other messages have no FAQ ranking
our way; nothing reads it for them (Rasa's retrieval action, our guides and the insight facts read
it only when the intent is `faq`).
"""

import asyncio
import contextlib

import pytest
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.utils.tensorflow.models import RasaModel

from rasa_plugins import model_loading, nlu_reuse
from tests.e2e.conftest import MODEL
from tests.e2e.guide_texts import every_text_to_send as texts

FIELDS = ("intent", "intent_ranking", "entities", "response_selector", "check_opening")


@contextlib.contextmanager
def rasas_own_way():
    patched = RasaModel.load, RasaModel._rasa_predict, ResponseSelector.process
    RasaModel.load, RasaModel._rasa_predict, ResponseSelector.process = (
        classmethod(model_loading._rasa_model_load),
        model_loading._rasa_predict,
        nlu_reuse._rasa_response_selector_process,
    )
    try:
        yield
    finally:
        RasaModel.load, RasaModel._rasa_predict, ResponseSelector.process = patched


def predictions(agent, messages):
    return [
        {k: parsed.get(k) for k in FIELDS} for parsed in (asyncio.run(agent.parse_message(text)) for text in messages)
    ]


@pytest.fixture(scope="module")
def rasas_way():
    from rasa.core.agent import Agent

    with rasas_own_way():
        return Agent.load(str(MODEL))


def test_our_way_understands_exactly_as_rasas(trained_agent, rasas_way):
    assert RasaModel.load.__func__ is model_loading._load  # so trained_agent, loaded after it, was loaded our way
    assert RasaModel._rasa_predict is model_loading._predict_with_the_one_graph
    messages = texts()
    assert len(messages) > 400
    ours = predictions(trained_agent, messages)
    with rasas_own_way():
        theirs = predictions(rasas_way, messages)
    differ = []
    for message, a, b in zip(messages, ours, theirs):
        likely = [r["name"] for r in a["intent_ranking"] if r["name"] != "nlu_fallback"][:3]
        # A crisis, or the eligibility check started by its opening (nlu_components/check_opening.py),
        # shows only itself in the ranking.
        alone = a["intent"]["name"] == "crisis" or a["check_opening"] is not None
        if a["response_selector"] is None:
            # The selector runs only when an FAQ is among the three likeliest intents (nlu_reuse).
            assert "faq" not in likely or alone
            a, b = dict(a, response_selector=None), dict(b, response_selector=None)
        else:
            assert "faq" in likely or alone
        if a != b:
            differ.append((message, a, b))
    assert not differ, f"{len(differ)} messages are understood differently, first: {differ[0]}"
    # Our way really called the graph directly, in DIET and in the ResponseSelector.
    models = [
        node._component.model
        for node in trained_agent.processor.graph_runner._instantiated_nodes.values()
        if getattr(node._component, "model", None) is not None
    ]
    assert len(models) == 2 and all("_phb_predict_graph" in vars(model) for model in models)
    faqs = sum(1 for a in ours if a["intent"]["name"] == "faq")
    assert faqs > 150  # the FAQ answers were compared for every FAQ message, and there are many
