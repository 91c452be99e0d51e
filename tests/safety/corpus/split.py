"""How the crisis corpus was split (run once, before the detector was tuned; kept to show how).

The messages as gathered (raw/*.jsonl) were removed once split: tuning.jsonl and heldout.jsonl are
the record, and the held-out half must never be made again. To split a new corpus the same way,
put its files in raw/ and run:

    .venv/bin/python tests/safety/corpus/split.py

Reads the messages as gathered (raw/*.jsonl, each with its source) and the label review
(raw/review.jsonl: messages dropped or relabelled before the split), then puts each source wholly
into one half: within each category, sources in the order of a hash of their address, each to the
half with fewer messages so far. Writes tuning.jsonl and heldout.jsonl. The held-out half is
frozen: tests/safety/test_crisis_corpus.py checks its SHA-256.
"""

import collections
import hashlib
import json
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
RAW = ["suicide_self_harm", "medical_emergency", "abuse_danger", "ordinary_questions", "ordinary_answers"]


def load():
    review = {}
    review_file = HERE / "raw" / "review.jsonl"
    if review_file.exists():
        for line in review_file.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                review[(item["file"], item["line"])] = item
    kept, dropped = [], []
    for name in RAW:
        for number, line in enumerate((HERE / "raw" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            item = json.loads(line)
            verdict = review.get((f"{name}.jsonl", number))
            if verdict:
                assert verdict["text"] == item["text"], (name, number)
                if verdict["verdict"] == "drop":
                    dropped.append({**item, "review": verdict["reason"]})
                    continue
                item = {**item, "category": verdict["verdict"].split(":", 1)[1], "relabelled": verdict["reason"]}
            kept.append(item)
    return kept, dropped


def split(items):
    halves = {"tuning": [], "heldout": []}
    by_category = collections.defaultdict(lambda: collections.defaultdict(list))
    for item in items:
        by_category[item["category"]][item["source_url"]].append(item)
    for category in sorted(by_category):
        sizes = {"tuning": 0, "heldout": 0}
        sources = sorted(by_category[category], key=lambda s: hashlib.sha256(s.encode()).hexdigest())
        for source in sources:
            half = "heldout" if sizes["heldout"] <= sizes["tuning"] else "tuning"
            halves[half] += by_category[category][source]
            sizes[half] += len(by_category[category][source])
    return halves


def main():
    kept, dropped = load()
    texts = collections.Counter(i["text"].strip().lower() for i in kept)
    repeated = [t for t, n in texts.items() if n > 1]
    assert not repeated, repeated
    for half, items in split(kept).items():
        with (HERE / f"{half}.jsonl").open("w", encoding="utf-8") as fh:
            for item in items:
                fh.write(json.dumps(item, ensure_ascii=False) + "\n")
        counts = collections.Counter(i["category"] for i in items)
        print(half, len(items), dict(sorted(counts.items())))
    with (HERE / "dropped.jsonl").open("w", encoding="utf-8") as fh:
        for item in dropped:
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")
    print("dropped by the review", len(dropped))


if __name__ == "__main__":
    main()
