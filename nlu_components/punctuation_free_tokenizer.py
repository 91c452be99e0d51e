"""spaCy's tokens without the ones that are only punctuation, so "what is a nominee?" and
"what is a nominee" are understood alike.

Our training messages are written as people type on phones: 14 of about 2,500 end with "?". So a
"?" was a token the model had hardly seen, and it lowered the answer's confidence by itself
("what is a nominee?" 0.71, "what is a nominee" 0.90, where "not sure" starts at 0.8). The same
question then got an answer or a "did you mean" depending on one mark. Rasa's WhitespaceTokenizer
drops punctuation in the same way; this keeps spaCy's lemmas (config.yml says why) and drops only
tokens made of nothing but punctuation, so "don't", "n't", "£500" and "e-mail" keep their words.
A message that is only punctuation ("??") keeps its tokens: a tokenizer must give at least one.
The safety net and the other components read the message's text, which is not changed.
"""

from __future__ import annotations

import unicodedata
from typing import List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message


def is_punctuation(text: str) -> bool:
    """True for "?", "!!", "...", "," or "--": every character is Unicode punctuation (category P)."""
    return bool(text) and all(unicodedata.category(c).startswith("P") for c in text)


def without_punctuation(tokens: List[Token]) -> List[Token]:
    """The tokens that are not only punctuation, or all of them when nothing else is left."""
    kept = [t for t in tokens if not is_punctuation(t.text)]
    return kept or tokens


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class PunctuationFreeSpacyTokenizer(SpacyTokenizer):
    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        return without_punctuation(super().tokenize(message, attribute))
