"""Mask obvious personal data in a free-text feedback comment before it is stored."""

from __future__ import annotations

import re

# Order matters: an email address holds digits a phone pattern could take, and an NHS
# number is also ten digits like a phone number (it is masked as an NHS number first
# when it is written 3-3-4, the way NHS numbers are printed).
_PATTERNS = (
    ("[email]", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)),
    ("[NHS number]", re.compile(r"(?<!\d)\d{3}[ -]\d{3}[ -]\d{4}(?!\d)")),
    ("[phone]", re.compile(r"(?<![\w+])(?:\+44\s?\(?0?\)?\s?|\(?0)\d{2,4}\)?(?:[ -]?\d){6,8}(?!\d)")),
    ("[NHS number]", re.compile(r"(?<!\d)\d{10}(?!\d)")),
    ("[number]", re.compile(r"(?<!\d)\d(?:[ -]?\d){7,}(?!\d)")),
    ("[postcode]", re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)),
    ("[date]", re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b")),
)
# "my name is jo bloggs": up to three words after words that introduce a name, stopping
# at everyday words ("my name is Jo and it was good" keeps "and it was good").
_NAMED = re.compile(
    r"\b(my name is|my name's|i am called|i'm called|im called|name:)\s+((?:[a-z'-]+\s*){1,3})", re.IGNORECASE
)
# "call me Jo", "this is Jo Bloggs": only a capitalised name ("call me back", "this is great").
# A name word may join parts with a hyphen or apostrophe: "Zebedee-Marker", "O'Neil", "McDonald".
_NAME_WORD = r"[A-Z][A-Za-z]*(?:['’-][A-Za-z]+)*"
_CAPITALISED = re.compile(rf"\b((?i:call me|this is|i am|i'm|from))\s+({_NAME_WORD}(?:\s+{_NAME_WORD}){{0,2}})")
_NOT_NAMES = {
    "and",
    "but",
    "i",
    "it",
    "its",
    "it's",
    "was",
    "is",
    "the",
    "a",
    "an",
    "on",
    "at",
    "from",
    "please",
    "thanks",
    "thank",
    "my",
    "so",
    "in",
    "for",
    "to",
    "with",
    "not",
    "very",
    "really",
    "just",
    "here",
}
MAX_LENGTH = 500


def mask(text: str) -> str:
    """The comment with emails, phone and NHS numbers, postcodes, dates and stated names replaced."""
    masked = " ".join(str(text).split())[:MAX_LENGTH]
    for label, pattern in _PATTERNS:
        masked = pattern.sub(label, masked)
    masked = _NAMED.sub(_mask_name, masked)
    return _CAPITALISED.sub(
        lambda m: f"{m.group(1)} [name]" if m.group(2).lower() not in _NOT_NAMES else m.group(0), masked
    )


def _mask_name(match: re.Match) -> str:
    words = match.group(2).split()
    kept = []
    for word in words:
        if word.lower() in _NOT_NAMES:
            break
        kept.append(word)
    if not kept:
        return match.group(0)
    rest = " ".join(words[len(kept) :])
    return f"{match.group(1)} [name]" + (f" {rest}" if rest else "") + (" " if match.group(2).endswith(" ") else "")
