"""The tokenizer drops tokens that are only punctuation, and nothing else (config.yml uses it)."""

from __future__ import annotations

import pathlib

import pytest
import yaml

from nlu_components.punctuation_free_tokenizer import PunctuationFreeSpacyTokenizer, is_punctuation

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def tokenize():
    """text (or a training Message) -> the tokenizer's tokens, as the trained pipeline makes them."""
    import spacy
    from rasa.nlu.constants import SPACY_DOCS
    from rasa.shared.nlu.constants import TEXT
    from rasa.shared.nlu.training_data.message import Message

    nlp = spacy.load(ROOT / "nlp" / "en_phb_lookup")
    tokenizer = PunctuationFreeSpacyTokenizer(PunctuationFreeSpacyTokenizer.get_default_config())

    def tokenize(text_or_message):
        message = Message({TEXT: text_or_message}) if isinstance(text_or_message, str) else text_or_message
        message.set(SPACY_DOCS[TEXT], nlp(message.get(TEXT)))
        return tokenizer.tokenize(message, TEXT)

    return tokenize


def words(tokens) -> list[str]:
    return [t.text for t in tokens]


@pytest.mark.parametrize("text", ["?", "!!", "...", ",", "--", "\u201c", "\u2019"])
def test_marks_are_punctuation(text):
    assert is_punctuation(text)


@pytest.mark.parametrize("text", ["", "a", "n't", "'s", "\u00a3", "500", "e-mail", "\U0001f600", "+"])
def test_words_symbols_and_emoji_are_not(text):
    assert not is_punctuation(text)


def test_a_question_mark_does_not_change_the_tokens(tokenize):
    assert (
        words(tokenize("what is a nominee?")) == words(tokenize("what is a nominee")) == ["what", "is", "a", "nominee"]
    )


def test_commas_stops_and_quotes_go_but_the_words_stay(tokenize):
    assert words(tokenize('Hi, my mum\'s "carer" left... can I pay my daughter?!')) == [
        "Hi",
        "my",
        "mum",
        "'s",
        "carer",
        "left",
        "can",
        "I",
        "pay",
        "my",
        "daughter",
    ]


def test_contractions_and_money_are_kept(tokenize):
    assert words(tokenize("I don't get \u00a3500?")) == ["I", "do", "n't", "get", "\u00a3", "500"]


def test_offsets_still_point_into_the_text_as_typed(tokenize):
    # So entities and the regex features line up with the tokens that are left.
    assert [(t.text, t.start, t.end) for t in tokenize("is Kent, covered?")] == [
        ("is", 0, 2),
        ("Kent", 3, 7),
        ("covered", 9, 16),
    ]


def test_a_message_of_only_punctuation_keeps_its_tokens(tokenize):
    # As spaCy splits them, one mark a token.
    assert words(tokenize("!!! ??")) == ["!", "!", "!", "?", "?"]


def test_the_pipeline_uses_it_in_place_of_spacys_own():
    names = [c["name"] for c in yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]]
    assert "SpacyTokenizer" not in names
    assert names[1] == "nlu_components.punctuation_free_tokenizer.PunctuationFreeSpacyTokenizer"


def test_every_training_entity_still_starts_and_ends_on_a_token(tokenize):
    from rasa.shared.nlu.training_data.loading import load_data

    checked = 0
    for message in load_data(str(ROOT / "data" / "nlu")).training_examples:
        entities = message.get("entities") or []
        if not entities:
            continue
        tokens = tokenize(message)
        starts, ends = {t.start for t in tokens}, {t.end for t in tokens}
        for entity in entities:
            assert entity["start"] in starts and entity["end"] in ends, (entity, words(tokens))
            checked += 1
    assert checked >= 20
