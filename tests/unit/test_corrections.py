"""Reading a message that takes back the last answer (bot/corrections.py)."""

import json
import pathlib

import pytest

from bot.corrections import Kind, read

CORPUS = pathlib.Path(__file__).resolve().parents[1] / "understanding" / "corpus"


@pytest.mark.parametrize(
    "text, rest",
    [
        ("oops", ""),
        ("Whoops!", ""),
        ("wait that's not right", ""),
        ("hang on, that's not what I meant", ""),
        ("my mistake", ""),
        ("sorry I meant for me", "for me"),
        ("oops, it should be for me", "for me"),
        ("oops wrong one, for me", "for me"),
        ("oops, go back", ""),  # "go back" is not the answer it should have been
        ("oops go back please, it's for me", "for me"),
        ("no that's wrong, it's 12 May 1950.", "12 May 1950"),
        ("Sorry I meant Wei Chang", "Wei Chang"),  # as typed: a name keeps its capitals
    ],
)
def test_a_correction_says_what_the_answer_should_be_if_it_does(text, rest):
    for own_words in (False, True):
        assert read(text, own_words=own_words) == read(text) and read(text).kind is Kind.CHANGE
        assert read(text).rest == rest


def test_a_correcting_phrase_inside_a_short_message_counts_only_where_answers_are_chosen():
    assert read("I pressed the wrong button").kind is Kind.CHANGE
    assert read("I pressed the wrong button", own_words=True) is None  # a detail or a draft may say it


@pytest.mark.parametrize("text", ["no wait", "hang on", "wait, yes", "give me a sec", "hold on a moment"])
def test_holding_an_answer_back_is_not_an_answer(text):
    assert read(text).kind is Kind.WAIT


def test_actually_changes_only_if_what_follows_answers_the_last_question():
    correction = read("actually it’s for my Mum!")
    assert correction.kind is Kind.MAYBE_CHANGE and correction.rest == "for my Mum"
    assert read("actually") is None


@pytest.mark.parametrize(
    "text",
    [
        "yes",
        "no",
        "No, 17 or under",
        "for my dad",
        "Wei Zhang",
        "I don't know",
        "not right now",
        "sorry",
        "can I change my answer",  # a question: the NLU's "go back" answers it
        "what if I chose the wrong one?",
        "my mum's care is not right at the moment and I want help",
    ],
)
def test_answers_and_questions_are_not_corrections(text):
    assert read(text) is None and read(text, own_words=True) is None


def test_no_real_question_or_outcome_draft_reads_as_a_correction():
    """Messages people wrote on public pages (tests/understanding/corpus/): questions asked in the
    middle of a guide, and outcome drafts the coach must keep. None may be taken for a correction."""
    messages = [
        json.loads(line)["text"]
        for name in ("drafts_real.jsonl", "real_dev.jsonl", "real_test.jsonl")
        for line in (CORPUS / name).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    assert len(messages) > 700
    taken = [m for m in messages if read(m) is not None or read(m, own_words=True) is not None]
    assert taken == []
