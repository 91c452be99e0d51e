"""Build the small spaCy pipeline the assistant ships in nlp/en_phb_lookup.

Nothing is downloaded: the pipeline is spacy.blank("en") plus a lookup
lemmatizer whose table comes from the spacy-lookups-data package (a dev
dependency). Run again only when spaCy or the lookups package changes:
    .venv/bin/python scripts/build_spacy_model.py
"""

import gzip
import json
import pathlib
import re
import sys

import spacy

OUT = pathlib.Path(__file__).resolve().parent.parent / "nlp" / "en_phb_lookup"
# The crisis safety net corrects misspelt words (bot/safety/normalise.py) but never a real word:
# these are the 40,000 commonest lower-case words in spacy-lookups-data's word frequencies.
KNOWN_WORDS = OUT.parent / "known_words.txt"
KNOWN_WORDS_COUNT = 40000


def known_words() -> list[str]:
    import spacy_lookups_data

    path = pathlib.Path(spacy_lookups_data.__file__).parent / "data" / "en_lexeme_prob.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        prob = json.load(fh)
    words = sorted((w for w in prob if re.fullmatch(r"[a-z]+", w)), key=lambda w: (-prob[w], w))
    return words[:KNOWN_WORDS_COUNT]


def build() -> "spacy.Language":
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    # initialize() reads the lemma_lookup table from spacy-lookups-data.
    nlp.initialize()
    nlp.meta["name"] = "phb_lookup"
    nlp.meta["description"] = (
        "Blank English tokenizer with lookup lemmas from spacy-lookups-data. "
        "Built by scripts/build_spacy_model.py; no vectors, no download."
    )
    return nlp


if __name__ == "__main__":
    nlp = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(OUT)
    KNOWN_WORDS.write_text("\n".join(sorted(known_words())) + "\n", encoding="utf-8")
    doc = nlp("my mum's budgets were paid as direct payments")
    print([t.lemma_ for t in doc], file=sys.stderr)
    print(f"wrote {OUT} and {KNOWN_WORDS}")
