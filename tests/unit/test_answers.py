"""Understanding answers to guided questions: shared by every guide."""

import pytest

from bot.answers import Reading, choose, is_question_not_answer, looks_like_question, norm, start_mode, understand
from tests.yaml_leaves import leaves

OPTIONS = [
    {"value": "yes", "label": "Yes", "words": ["yeah", "i would"]},
    {"value": "no", "label": "No", "words": ["nope", "i would not"]},
]


@pytest.mark.parametrize(
    "text, value",
    [
        ("Yes", "yes"),
        ("yeah", "yes"),
        ("I would not", "no"),  # the longest phrase wins
        ("yeah, nope", None),  # a tie is not an answer
        ("banana", None),
        ("", None),
        ("Nope!", "no"),
        ("YES.", "yes"),
    ],
)
def test_choose(text, value):
    assert choose(norm(text), OPTIONS) == value


@pytest.mark.parametrize(
    "text, question",
    [
        ("what is a notional budget?", True),
        ("what is chc", True),
        ("How do I complain", True),
        ("is it free", True),
        ("they're assessing him at the moment", False),
        ("no", False),
        ("for my mum", False),
        ("not sure", False),
    ],
)
def test_looks_like_question(text, question):
    assert looks_like_question(text) is question


@pytest.mark.parametrize(
    "value, text, faq, question",
    [
        ("being_assessed", "they're assessing him at the moment", True, False),  # an answer, whatever the NLU thought
        (None, "tell me about direct payments", True, True),  # not an answer: the FAQ
        ("no", "no but what is a notional budget?", True, True),  # reads as a question
        (None, "banana", False, False),  # not an FAQ: the guide re-asks
        ("yes", "yes", False, False),
    ],
)
def test_is_question_not_answer(value, text, faq, question):
    assert is_question_not_answer(value, text, faq) is question


@pytest.mark.parametrize(
    "answers, has_result, in_check, mode",
    [
        ({}, False, False, "fresh"),
        ({"who_for": "self"}, False, False, "resume"),
        ({"who_for": "self"}, True, False, "fresh"),
        ({"who_for": "self"}, False, True, "continue"),
    ],
)
def test_start_mode(answers, has_result, in_check, mode):
    assert start_mode(answers, has_result, in_check) == mode


def test_understand_keeps_long_messages_from_the_parser():
    seen = []
    assert understand("x" * 301, lambda t: seen.append(t) or "yes", True) == Reading.unclear()
    assert seen == []
    assert understand("yes", lambda t: "yes", False) == Reading.answer("yes")


@pytest.mark.parametrize(
    "module, loader",
    [
        ("eligibility", "content"),
        ("money_options", "content"),
        ("outcomes", "content"),
        ("outcome_analysis", "patterns"),
        ("feedback", "content"),
    ],
)
def test_every_word_in_the_guides_content_is_text(module, loader):
    """YAML reads a bare yes, no, on or off as true or false, and then the word never matches."""
    import importlib

    content = getattr(importlib.import_module(f"bot.{module}"), loader)()
    limits = ("max_",)  # numbers on purpose: max_outcomes, max_chars
    not_text = [
        (where, value)
        for where, value in leaves(content, module)
        if not isinstance(value, str) and not where.rsplit(".", 1)[-1].startswith(limits)
    ]
    assert not_text == []
