"""Build the small spaCy pipeline the assistant ships in nlp/en_phb_lookup.

Nothing is downloaded: the pipeline is spacy.blank("en") plus a lookup
lemmatizer whose table comes from the spacy-lookups-data package (a dev
dependency). Run again only when spaCy or the lookups package changes:
    .venv/bin/python scripts/build_spacy_model.py
"""
import pathlib
import sys

import spacy

OUT = pathlib.Path(__file__).resolve().parent.parent / "nlp" / "en_phb_lookup"


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
    doc = nlp("my mum's budgets were paid as direct payments")
    print([t.lemma_ for t in doc], file=sys.stderr)
    print(f"wrote {OUT}")
