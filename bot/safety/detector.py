"""Find messages that need urgent help, whatever else is going on.

The NLU model also has a `crisis` intent; this is the safety net that makes sure a crisis message
is never answered as something else. A missed crisis is far worse than a false alarm (a false
alarm costs one extra message with helpline numbers), so the patterns are broad; how broad is
measured on messages gathered from public sources (tests/safety/, docs/benchmarks.md).
"""

from __future__ import annotations

import functools
import pathlib
from dataclasses import dataclass

import spacy
import yaml
from spacy.matcher import Matcher
from spacy.tokens import Doc

from bot.safety.normalise import Normaliser
from bot.safety.patterns import Terms, compile_pattern, read_terms

# Words too common to tell a message apart: a pattern is filed under its rarest required word that
# is not one of these (patterns with nothing else are always run).
_COMMON = frozenset(
    """i you he she they we it me my his her their our your him them us be am is are was were
have has had do did does not no to the a an and of in on for with can will would could should at this
that what who when where if so just all get go want say tell make take see up out off now there here
one any some very really like about from as by or but""".split()
)

ROOT = pathlib.Path(__file__).resolve().parents[2]
TERMS_FILE = ROOT / "content" / "crisis_terms.yml"
SPACY_MODEL = ROOT / "nlp" / "en_phb_lookup"
KNOWN_WORDS = ROOT / "nlp" / "known_words.txt"  # real words, never "corrected" (scripts/build_spacy_model.py)

# When a message matches more than one kind, a strong match beats a weak one, then the first here
# decides which help is given: an emergency happening now needs 999 before anything else.
ORDER = ("medical_emergency", "domestic_abuse", "danger_to_others", "self_harm")


@dataclass(frozen=True)
class Finding:
    category: str
    strong: bool


class CrisisDetector:
    def __init__(self, terms: Terms, nlp: "spacy.Language", known: frozenset[str]):
        self.nlp = nlp
        self.lemmatizer = nlp.get_pipe("lemmatizer")
        self.overrides = {k.lower(): v.lower() for k, v in terms.lemmas.items()}
        self.normaliser = Normaliser(terms.replace, terms.keywords, known)
        if set(terms.categories) != set(ORDER):  # each kind has its own reply (domain.yml utter_crisis)
            raise ValueError(f"crisis terms: the kinds must be {sorted(ORDER)}, not {sorted(terms.categories)}")
        self.categories = list(ORDER)
        labelled: list[tuple[str, list[dict]]] = []
        for category, tiers in terms.categories.items():
            for tier in ("strong", "weak"):
                labelled += [
                    (f"{category}:{tier}", compile_pattern(p, terms.classes, self.lemma)) for p in tiers.get(tier) or []
                ]
        for name in ("now", "not_now", "never"):
            labelled += [(name, compile_pattern(p, terms.classes, self.lemma)) for p in getattr(terms, name)]
        self.matcher = Matcher(nlp.vocab)
        for label, pattern in labelled:
            self.matcher.add(label, [pattern])
        # The same patterns, one small Matcher for each rare word: a message runs only the Matchers of
        # the words it has (about a tenth of the cost; test_safety.py checks the answers are the same).
        buckets: dict[tuple[str, frozenset], Matcher] = {}
        self.always = Matcher(nlp.vocab)
        for label, pattern in labelled:
            anchor = _anchor(pattern)
            if anchor is None:
                self.always.add(label, [pattern])
                continue
            buckets.setdefault(anchor, Matcher(nlp.vocab)).add(label, [pattern])
        self.index: dict[tuple[str, str], list[Matcher]] = {}
        for (attr, values), matcher in buckets.items():
            for value in values:
                self.index.setdefault((attr, value), []).append(matcher)

    def matches(self, doc: Doc, indexed: bool = True) -> list[tuple[str, int, int]]:
        """(label, start, end) of every pattern that matches, with or without the index."""
        if not indexed:
            found = self.matcher(doc)
        else:
            matchers = {id(self.always): self.always}
            for token in doc:
                for key in (("LEMMA", token.lemma_), ("LOWER", token.lower_)):
                    for matcher in self.index.get(key, ()):
                        matchers[id(matcher)] = matcher
            found = [m for matcher in matchers.values() for m in matcher(doc)]
        return sorted(
            {(self.nlp.vocab.strings[m], start, end) for m, start, end in found}, key=lambda m: (m[1], m[2], m[0])
        )

    @functools.lru_cache(maxsize=50000)
    def lemma(self, word: str) -> str:
        word = word.lower()
        if word in self.overrides:
            return self.overrides[word]
        doc = self.lemmatizer(Doc(self.nlp.vocab, words=[word]))
        return doc[0].lemma_.lower() or word

    def doc(self, text: str | None) -> Doc:
        words = self.normaliser.words(text)
        doc = Doc(self.nlp.vocab, words=words)
        for token in doc:
            token.lemma_ = self.lemma(token.text)
        return doc

    def findings(self, text: str | None, indexed: bool = True) -> list[Finding]:
        if not text or not text.strip():
            return []
        doc = self.doc(text)
        if not len(doc):
            return []  # no words at all: emoji, punctuation
        matches = self.matches(doc, indexed)
        markers = {label for label, _, _ in matches if label in ("now", "not_now")}
        # An idiom or a topic ("dying to know", "dead easy", "wants to die at home") hides a match whose
        # last word is inside it.
        never = [(start, end) for label, start, end in matches if label == "never"]
        found: dict[str, Finding] = {}
        weak_allowed = "not_now" not in markers or "now" in markers
        for label, start, end in matches:
            if label in ("now", "not_now", "never") or any(s < end <= e for s, e in never):
                continue
            category, tier = label.split(":")
            if tier == "strong" or weak_allowed:
                if category not in found or (tier == "strong" and not found[category].strong):
                    found[category] = Finding(category, tier == "strong")
        return sorted((found[c] for c in self.categories if c in found), key=lambda f: not f.strong)

    def category(self, text: str | None) -> str | None:
        findings = self.findings(text)
        return findings[0].category if findings else None


def _anchor(pattern: list[dict]) -> tuple[str, frozenset] | None:
    """The required token of a pattern with the fewest uncommon words, as (attribute, words)."""
    best = None
    for token in pattern:
        if token.get("OP") == "?":
            continue
        for attr in ("LEMMA", "LOWER"):
            values = token.get(attr, {}).get("IN") if isinstance(token.get(attr), dict) else None
            if values and not _COMMON & set(values) and (best is None or len(values) < len(best[1])):
                best = (attr, frozenset(values))
    return best


@functools.lru_cache(maxsize=1)
def detector() -> CrisisDetector:
    with TERMS_FILE.open(encoding="utf-8") as fh:
        terms = read_terms(yaml.safe_load(fh))
    known = frozenset(KNOWN_WORDS.read_text(encoding="utf-8").split())
    return CrisisDetector(terms, spacy.load(SPACY_MODEL), known)


def crisis_category(text: str | None) -> str | None:
    """'self_harm', 'domestic_abuse', 'danger_to_others' or 'medical_emergency' for a message
    that needs urgent help, else None."""
    return detector().category(text)
