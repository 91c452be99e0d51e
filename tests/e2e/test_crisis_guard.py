"""The crisis guard (nlu_components/crisis_guard.py) in the trained model: every corpus message the
safety net finds comes out as the `crisis` intent with the kind of help to give, including those
the NLU model on its own puts elsewhere (issue 20)."""

import asyncio

import pytest

from bot.safety import crisis_category
from tests.safety import measure


@pytest.fixture(scope="module")
def parsed(trained_agent):
    """(message, the kind the safety net finds, the trained model's answer) for every crisis message."""
    items = [i for name in measure.SETS for i in measure.load(name) if i["category"] != "ordinary"]

    async def parse_all():
        return [await trained_agent.parse_message(i["text"]) for i in items]

    return [(i["text"], crisis_category(i["text"]), p) for i, p in zip(items, asyncio.run(parse_all()))]


def test_every_crisis_message_is_the_crisis_intent_with_a_kind(parsed):
    found = [(text, kind, p) for text, kind, p in parsed if kind]
    assert len(found) >= len(parsed) - 2  # the fresh set's two misses (docs/benchmarks.md)
    wrong = [(text, p["intent"]["name"]) for text, _, p in found if p["intent"]["name"] != "crisis"]
    assert not wrong
    for text, kind, p in found:
        assert [e["value"] for e in p["entities"] if e["entity"] == "crisis_kind"] == [kind], text
        assert p["intent_ranking"] == [{"name": "crisis", "confidence": 1.0}]  # nothing to be ambiguous with


def test_crises_the_model_alone_puts_elsewhere_are_still_handled_as_a_crisis(parsed):
    rescued = [
        (text, p["crisis_guard"]["model_intent"])
        for text, kind, p in parsed
        if kind and p["crisis_guard"]["model_intent"] != "crisis"
    ]
    # Many of these words nobody here wrote are an FAQ, a guide answer or small talk to the model alone.
    assert len(rescued) >= 100, len(rescued)
    assert {intent for _, intent in rescued} >= {"faq"}
    assert all(p["intent"]["name"] == "crisis" for text, kind, p in parsed if kind)
