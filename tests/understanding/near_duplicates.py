"""When two messages are the same question: a key that ignores case, punctuation, apostrophes,
plural or possessive "s", and word order. Used to keep every test set out of the training data."""

from __future__ import annotations

import re


def _word(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def near_key(text: str) -> str:
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)  # entity annotations
    text = text.lower().replace("\u2019", "'").replace("'", "")
    words = re.findall(r"[a-z0-9]+", text)
    return " ".join(sorted(_word(w) for w in words))
