"""Reading a message that takes back the last answer (bot/corrections.py)."""

import json
import pathlib

import pytest

from bot.corrections import Kind, Mode, read

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
        ("oops I meant no", "no"),
    ],
)
def test_a_correction_says_what_the_answer_should_be_if_it_does(text, rest):
    correction = read(text)
    assert correction.kind is Kind.CHANGE and correction.rest == rest and not correction.inside


@pytest.mark.parametrize(
    "text, rest",
    [
        ("oops", ""),
        ("Sorry I meant Wei Chang", "Wei Chang"),
        ("Sorry I meant Oh Min-jung", "Oh Min-jung"),
        ("oops I meant Łukasz Nowak", "Łukasz Nowak"),
        ("oops, it should be Wei Chang", "Wei Chang"),
        ("oops, go back", ""),
    ],
)
def test_where_any_words_may_be_the_answer_only_a_clear_correction_at_the_start_counts(text, rest):
    assert read(text, Mode.OWN_WORDS) == read(text) and read(text).rest == rest


@pytest.mark.parametrize(
    "text",
    [
        "It's wrong that my mum has waited six months for a carer",
        "My bad days are when I can't get out of bed",
        "The wrong carers keep turning up",
        "It's not right that I can't get to church",
        "It gave me the wrong information",
        "Typo in my last answer",
        "my mistake was not reading it",
        "oops I meant to add",
        "Some of the info was incorrect",
        "I pressed the wrong button",
        "actually it's for me",
    ],
)
def test_words_that_only_correct_a_chosen_answer_are_an_answer_where_any_words_may_be_one(text):
    assert read(text, Mode.OWN_WORDS) is None


def test_correcting_words_inside_a_short_message_say_so():
    correction = read("I pressed the wrong button")
    assert correction.kind is Kind.CHANGE and correction.inside  # a correction only if it is not an answer
    # Words that may be about something else count only at the start.
    assert read("yes, it's the wrong one for her") is None
    assert read("they turned her down but that's wrong") is None
    assert read("wrong one").kind is Kind.CHANGE


@pytest.mark.parametrize("text", ["no wait", "hang on", "yes hang on", "give me a sec", "hold on a moment", "brb"])
def test_holding_an_answer_back_is_not_an_answer(text):
    assert read(text).kind is Kind.WAIT and read(text, Mode.OWN_WORDS).kind is Kind.WAIT


@pytest.mark.parametrize(
    "text", ["yes please", "no please", "ok please", "me please", "back in my own home", "on the phone"]
)
def test_please_and_everyday_words_do_not_hold_an_answer_back(text):
    assert read(text) is None and read(text, Mode.OWN_WORDS) is None


def test_an_answer_after_the_hesitation_is_given():
    assert read("wait, yes").kind is Kind.MAYBE_CHANGE  # the engine takes "yes" for the question asked
    assert read("be back in a few minutes").inside  # a hold-back only if it does not answer the question


def test_words_that_may_be_about_the_question_asked_are_tried_there_first():
    assert read("wrong, they said no").asked_first and read("wrong, they said no").rest == "they said no"
    assert not read("oops, for me").asked_first


def test_actually_changes_only_where_answers_are_chosen_and_only_if_something_follows():
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
        # Long: a question without its question mark, not a chosen answer.
        "sorry to bother you, my wife gets pip and i get carers allowance, will any of that be affected",
        "sorry I meant to ask about whether my benefits would be affected by it",
    ],
)
def test_answers_and_questions_are_not_corrections(text):
    assert read(text) is None and read(text, Mode.OWN_WORDS) is None


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
    taken = [m for m in messages if read(m) is not None or read(m, Mode.OWN_WORDS) is not None]
    assert taken == []


def test_corrections_as_others_worded_them():
    """tests/understanding/corpus/corrections_public.jsonl: 143 messages gathered by a helper who had
    not seen our word lists. At first sight (commit e9232c7) 9 of 20 corrections, 20 of 51 with the
    answer they meant and 13 of 29 hold-backs were read; the kinds missed (by mistake, I changed my
    mind, I said, be right back) were then added, so it is a development set now (docs/benchmarks.md).
    The floor keeps what it reads; no ordinary message may be read as a correction or a hold-back
    (a "maybe" changes the last answer only if the rest of the message answers it)."""
    rows = [json.loads(line) for line in (CORPUS / "corrections_public.jsonl").read_text(encoding="utf-8").splitlines()]
    read_as = {kind: [] for kind in ("change", "change_with_value", "wait", "not_a_correction")}
    for row in rows:
        correction = read(row["text"])
        read_as[row["kind"]].append(correction.kind if correction else None)
        if row["kind"] == "not_a_correction":
            assert read(row["text"], Mode.OWN_WORDS) is None, row["text"]
    changes = (Kind.CHANGE, Kind.MAYBE_CHANGE)
    assert sum(k in changes for k in read_as["change"]) >= 18 and len(read_as["change"]) == 20
    assert sum(k in changes for k in read_as["change_with_value"]) >= 31 and len(read_as["change_with_value"]) == 51
    assert sum(k is Kind.WAIT for k in read_as["wait"]) >= 25 and len(read_as["wait"]) == 29
    assert all(k in (None, Kind.MAYBE_CHANGE) for k in read_as["not_a_correction"])
