"""Turn a message as people type it into plain words before the crisis patterns look at it.

Case, apostrophes, letters held down ("pleeease"), digits inside words ("su1c1de"), text-speak
("kms", "im", "wanna") and misspellings ("sucidal", "unconsious") all hide the words the patterns
look for. The lists live in content/crisis_terms.yml.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

# A word may have symbols inside it ("k!ll", "su1c!de"), never at its ends ("help!").
_WORD = re.compile(r"[a-z0-9]+(?:[@$!*][a-z0-9]+)*")
_HELD = re.compile(r"([a-z])\1{2,}")
_LEET = str.maketrans(
    {"1": "i", "3": "e", "0": "o", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i", "*": "i"}
)


_SHORT_FORMS = [
    (re.compile(rf"(?<=[a-z])'{short}\b"), f" {full}")
    for short, full in (("ll", "will"), ("re", "are"), ("ve", "have"), ("d", "would"), ("m", "am"))
]
_SHORT_FORMS[:0] = [
    (re.compile(r"\bcan't\b"), "can not"),
    (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"\bshan't\b"), "shall not"),
    (re.compile(r"n't\b"), " not"),
]


def fold(text: str | None) -> str:
    """Lower case, accents folded, apostrophes dropped ("can't" -> "cant", "i'm" -> "im")."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text or "").lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[\u2018\u2019\u02bc`\u00b4]", "'", text)
    # "he'll" is not "hell", nor "she'll" "shell": short forms spelt out before apostrophes go.
    for short, full in _SHORT_FORMS:
        text = short.sub(full, text)
    return text.replace("'", "")


def damerau(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance, giving up (returning limit + 1) once it is over limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


class Normaliser:
    def __init__(self, replace: dict[str, str], keywords: Iterable[str], known: frozenset[str]):
        self.replace = {k.lower(): v.lower().split() for k, v in replace.items()}
        self.keywords = sorted({k.lower() for k in keywords})
        self.known = known | frozenset(self.keywords)

    def words(self, text: str | None) -> list[str]:
        out: list[str] = []
        for word in _WORD.findall(fold(text)):
            if word[0].isalpha() and not word.isalpha() and word not in self.replace:
                word = word.translate(_LEET)  # "su1c1de", "k!ll": digits and symbols in a word are letters
            if word.isdigit() and out and out[-1].isdigit():
                out[-1] += word  # "999 123 4560" is one number (an NHS number), not a call to 999
                continue
            out.extend(self.word(word))
        return out

    @functools.lru_cache(maxsize=20000)
    def word(self, word: str) -> tuple[str, ...]:
        if word in self.replace:
            return tuple(self.replace[word])
        held = _HELD.sub(r"\1\1", word)
        candidates = [held] if held == word else [held, re.sub(r"([a-z])\1", r"\1", held)]  # "pleeease"
        for candidate in candidates:
            if candidate in self.replace:
                return tuple(self.replace[candidate])
            if candidate in self.known:
                return (candidate,)
        if held.endswith("in") and held + "g" in self.known:
            return (held + "g",)  # "jumpin", "thinkin"
        if not held.isalpha() or len(held) < 4:
            return (held,)
        return (self.nearest_keyword(held) or held,)

    def nearest_keyword(self, word: str) -> str | None:
        limit = 2 if len(word) >= 7 else 1
        best, best_distance = None, limit + 1
        for keyword in self.keywords:
            if keyword[0] != word[0] and keyword[:2] != word[1::-1]:
                continue  # people rarely get the first letter wrong; this keeps it fast
            distance = damerau(word, keyword, limit)
            if distance < best_distance:
                best, best_distance = keyword, distance
        return best
