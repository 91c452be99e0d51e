"""Fail-safe (issue 20): every reply that says the assistant did not understand carries 999 and
NHS 111, in every guide and for every reason it gives, because the message it could not read may
have been a crisis that the safety net missed."""

import asyncio

import pytest

from actions.common import turn_from
from actions.fallback import ActionHandleMisunderstanding
from bot.guides.engine import not_understood
from bot.guides.guide import TRIES
from bot.guides.registry import GUIDES
from bot import outcomes_replies
from bot.answers import ASKED_WHY, Reading
from bot.intake import questions
from bot.messages import render
from tests.actions.conftest import make_tracker

URGENT = render("urgent_line")


def reasons():
    """(guide, reading) for every reason each guide can give; no problem is the plain "didn't catch that"."""
    pairs = [(guide, Reading.unclear()) for guide in sorted(GUIDES)]
    pairs += [("outcomes", Reading.unclear(r)) for r in ["help", "pick", *outcomes_replies.content()["bad_input"]]]
    intake = questions.content()
    pairs += [("intake", Reading.unclear(error)) for error in intake["errors"]]
    problems = {"why": ASKED_WHY, "required": questions.REQUIRED}
    for question, spec in intake["questions"].items():
        pairs += [("intake", Reading.unclear(problems[k], about=question)) for k in problems if k in spec]
    return pairs


def test_the_reasons_cover_every_guide_and_every_intake_error():
    pairs = reasons()
    assert {g for g, _ in pairs} == set(GUIDES)
    assert len([r for g, r in pairs if g == "intake"]) > len(questions.content()["errors"])


@pytest.mark.parametrize("tries", [0, 1, 2, 5])
@pytest.mark.parametrize("guide_id, reading", reasons())
def test_every_guide_says_999_and_111_whenever_it_did_not_understand(guide_id, reading, tries):
    turn = turn_from(make_tracker(("nlu_fallback", "blorp"), slots={TRIES: tries}))
    decision = not_understood(GUIDES[guide_id], turn, reading, {})
    assert decision.slots == {TRIES: tries + 1}
    text = decision.replies[-1].text
    assert text.endswith("\n" + URGENT)
    assert "999" in URGENT and "NHS 111" in URGENT


@pytest.mark.parametrize(
    "turns",
    [
        [("nlu_fallback", "blorp")],
        [("out_of_scope", "what's the weather")],
        [("nlu_fallback", "blorp"), ("out_of_scope", "tell me a joke")],
    ],
)
def test_the_fallback_says_999_and_111_the_first_time_and_after(dispatcher, turns):
    asyncio.run(ActionHandleMisunderstanding().run(dispatcher, make_tracker(*turns), {}))
    assert dispatcher.messages[0]["text"].endswith("\n" + URGENT)
