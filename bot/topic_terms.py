"""A third opinion on what a message asks: the words in it that name one topic (content/topic_terms.yml).

The classifiers and the nearest examples both read a message whole, so a long story about a family
can drown the two words that say what it is about ("nursing home", "reablement"). This finds those
words. It only ever adds a topic to the "did you mean" buttons of a message the assistant is already
unsure of (bot/understanding.py): it never makes an answer sure.

Plain functions; no Rasa.
"""

from __future__ import annotations

import functools
import pathlib
import re

import yaml

TERMS = pathlib.Path(__file__).resolve().parents[1] / "content" / "topic_terms.yml"

# Curly quotes as straight ones; hyphens and slashes as spaces ("re-ablement", "top-up").
_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "-": " ", "/": " ", "\u2013": " ", "\u2014": " "})


def normalise(text: str) -> str:
    return " ".join(text.lower().translate(_FOLD).split())


_WORD = re.compile(r"[a-z0-9&]+(?:'[a-z]+)*")


def _words(text: str) -> list[str]:
    """Lower-case words, quotes around them dropped and a possessive "'s" too ("my relative's")."""
    return [w[:-2] if w.endswith("'s") else w for w in _WORD.findall(normalise(text))]


_ES = ("s", "x", "z", "ch", "sh")


def _forms(term: str) -> set[tuple[str, ...]]:
    """The word sequences a term matches: as written, run together ("top up", "topup"), and with a
    plural on its last word ("es" only where English adds it: "pip" never matches "pipes")."""
    words = tuple(_words(term))
    forms = {words, ("".join(words),)}
    return forms | {(*f[:-1], f[-1] + ("es" if f[-1].endswith(_ES) else "s")) for f in forms}


@functools.lru_cache(maxsize=4)
def _load(path: pathlib.Path = TERMS) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=4)
def _index(path: pathlib.Path = TERMS) -> tuple[dict[tuple[str, ...], str], int]:
    index: dict[tuple[str, ...], str] = {}
    for label, words in _load(path)["terms"].items():
        for term in words:
            for form in _forms(term):
                index.setdefault(form, label)
    return index, max(len(form) for form in index)


# "in Sutton", "around Milton Keynes", "near Stoke-on-Trent": a capitalised name after a place word.
_PLACE = re.compile(r"\b(?i:in|around|near)\s+([A-Z][a-z]+)\b")


def names_a_place(text: str, path: pathlib.Path = TERMS) -> bool:
    not_places = set(_load(path)["not_places"])
    return any(m.group(1) not in not_places for m in _PLACE.finditer(text or ""))


def named_topics(text: str, path: pathlib.Path = TERMS) -> list[str]:
    """The labels whose terms the message uses, in order of where they first appear (whole words:
    a dictionary lookup of each run of up to a few words, so a long story costs microseconds); or
    the local offer, if the message names a place and nothing else. `named_last` labels last."""
    index, longest = _index(path)
    words = _words(text or "")
    found: list[str] = []
    for start in range(len(words)):
        # The longest term starting here: "employ a family member" is about family, not employing.
        for size in range(min(longest, len(words) - start), 0, -1):
            label = index.get(tuple(words[start : start + size]))
            if label:
                if label not in found:
                    found.append(label)
                break
    place = _load(path)["place_label"]
    if not found and names_a_place(text, path):
        found.append(place)  # only when no word names a topic: "in The Summer" is not a place
    last = _load(path)["named_last"]
    return [label for label in found if label not in last] + [label for label in found if label in last]
