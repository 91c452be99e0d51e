"""Deterministic variants of a message, as tired people type on phones: a typo (a dropped, doubled
or swapped letter), no punctuation or capitals, and text-speak ("u", "ur", "pls").

The same message always gives the same variants (the random choices are seeded by the text), so the
figures in docs/benchmarks.md can be reproduced exactly.
"""

from __future__ import annotations

import hashlib
import random
import re

TEXT_SPEAK = {
    "you": "u",
    "your": "ur",
    "you're": "ur",
    "youre": "ur",
    "are": "r",
    "please": "pls",
    "thanks": "thx",
    "because": "cos",
    "to": "2",
    "for": "4",
    "be": "b",
    "see": "c",
    "why": "y",
    "with": "w",
    "what": "wat",
    "know": "no",
    "people": "ppl",
    "someone": "sum1",
    "before": "b4",
    "tomorrow": "tmrw",
    "okay": "ok",
    "really": "rly",
    "don't": "dont",
    "can't": "cant",
    "doesn't": "doesnt",
    "i'm": "im",
    "what's": "whats",
    "it's": "its",
    "does": "dose",
    "would": "wud",
    "could": "cud",
    "should": "shud",
}


def _rng(text: str, kind: str) -> random.Random:
    return random.Random(int(hashlib.sha256(f"{kind}:{text}".encode()).hexdigest()[:16], 16))


def typo(text: str) -> str:
    """One or two slips in words of four letters or more: a dropped, doubled or swapped letter."""
    rng = _rng(text, "typo")
    words = text.split(" ")
    long_words = [i for i, w in enumerate(words) if len(re.sub(r"[^A-Za-z]", "", w)) >= 4]
    if not long_words:
        return text
    for i in rng.sample(long_words, min(len(long_words), 2 if len(long_words) > 6 else 1)):
        w = words[i]
        letters = [j for j, c in enumerate(w) if c.isalpha()]
        j = rng.choice(letters[1:-1] or letters)
        kind = rng.choice(("drop", "double", "swap"))
        if kind == "drop":
            w = w[:j] + w[j + 1 :]
        elif kind == "double":
            w = w[:j] + w[j] + w[j:]
        elif j + 1 < len(w) and w[j + 1].isalpha():
            w = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
        else:
            w = w[:j] + w[j + 1 :]
        words[i] = w
    return " ".join(words)


def plain_lower(text: str) -> str:
    """No capitals, no punctuation apart from apostrophes."""
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9' ]+", " ", text.lower().replace("\u2019", "'"))).strip()


def text_speak(text: str) -> str:
    """Lower case, no punctuation, common words shortened as in text messages."""
    words = plain_lower(text).split(" ")
    return " ".join(TEXT_SPEAK.get(w, w) for w in words)


KINDS = {"typo": typo, "no_punctuation": plain_lower, "text_speak": text_speak}


def variants(text: str) -> dict[str, str]:
    """Each kind of variant that differs from the message itself."""
    out = {}
    for kind, make in KINDS.items():
        v = make(text)
        if v != text:
            out[kind] = v
    return out
