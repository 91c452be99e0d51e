"""Compile content/crisis_terms.yml into spaCy Matcher patterns on lemmas.

The pattern syntax is described at the top of that file. Pattern words are lemmatised with the
same pipeline as messages, so "kill" in a pattern also finds "killed" and "killing".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

Lemma = Callable[[str], str]


@dataclass(frozen=True)
class Terms:
    replace: dict
    keywords: list
    lemmas: dict
    classes: dict
    categories: dict  # category -> {"strong": [...], "weak": [...]}
    now: list
    not_now: list
    never: list


def read_terms(data: dict) -> Terms:
    expected = {"replace", "keywords", "lemmas", "classes", "categories", "now", "not_now", "never"}
    missing = expected - set(data)
    if missing:
        raise ValueError(f"crisis terms: missing {sorted(missing)}")
    for name, tiers in data["categories"].items():
        if set(tiers) - {"strong", "weak"} or not tiers.get("strong"):
            raise ValueError(f"crisis terms: {name} needs strong (and may have weak) patterns")
    return Terms(**{k: data[k] for k in expected})


def compile_pattern(line: str, classes: dict, lemma: Lemma) -> list[dict]:
    """One line of the mini-language -> one spaCy Matcher pattern."""
    tokens: list[dict] = []
    for part in str(line).split():
        optional = part.endswith("?") and part != "?"
        if optional:
            part = part[:-1]
        if part == "_":
            token: dict = {}
        elif part.startswith("~"):
            words = set()
            for alternative in part[1:].split("|"):
                words |= (
                    {lemma(w) for w in classes[alternative[1:]]}
                    if alternative.startswith("$")
                    else {lemma(alternative)}
                )
            token = {"LEMMA": {"NOT_IN": sorted(words)}}
        elif part.startswith("="):
            exact = part.split("|")
            if not all(w.startswith("=") and len(w) > 1 for w in exact):
                raise ValueError(f"crisis terms: mixed exact and any-form words in {part!r} of {line!r}")
            token = {"LOWER": {"IN": sorted(w[1:] for w in exact)}}
        else:
            words: set[str] = set()
            for alternative in part.split("|"):
                if alternative.startswith("$"):
                    if alternative[1:] not in classes:
                        raise ValueError(f"crisis terms: unknown class {alternative} in {line!r}")
                    words |= {lemma(w) for w in classes[alternative[1:]]}
                elif alternative.startswith("=") or not alternative:
                    raise ValueError(f"crisis terms: mixed exact and any-form words in {part!r} of {line!r}")
                else:
                    words |= {lemma(alternative), alternative}
            token = {"LEMMA": {"IN": sorted(words)}}
        if optional:
            token = {**token, "OP": "?"}
        tokens.append(token)
    if not tokens or all(t.get("OP") == "?" for t in tokens):
        raise ValueError(f"crisis terms: pattern {line!r} can match nothing")
    return tokens
