"""Split the gathered real-world questions (raw_*.jsonl) into a development half and a frozen test half.

    python -m tests.understanding.corpus.split

Run once, before any tuning: the test half was committed as it came out, and its SHA-256 is checked by
tests/understanding/test_real_world.py. Whole sources go to one half (a page's questions share its
wording), chosen by a hash of the source, so the split can be repeated exactly. Duplicates (same
words after tests/understanding/near_duplicates.py) are kept once.
"""

from __future__ import annotations

import collections
import hashlib
import json
import pathlib

import yaml

from tests.understanding.near_duplicates import near_key

HERE = pathlib.Path(__file__).resolve().parent
LABELS = set(yaml.safe_load((HERE.parent / "labels.yml").read_text())["labels"])
TEST_SHARE = 67  # percent of sources: at least 400 test messages (issue 21)


def source_key(source: str) -> str:
    """Pages of one site section count as one source: the URL without its fragment and query."""
    return source.split("#")[0].split("?")[0].strip().rstrip("/").lower()


def main() -> None:
    seen, kept = set(), []
    for path in sorted(HERE.glob("raw_*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            assert item["label"] in LABELS, item
            assert all(a in LABELS for a in item.get("also") or []), item
            key = near_key(item["text"])
            if key in seen:
                continue
            seen.add(key)
            item["gathered_by"] = path.stem[len("raw_") :]
            kept.append(item)
    halves = collections.defaultdict(list)
    for item in kept:
        h = int(hashlib.sha256(source_key(item["source"]).encode()).hexdigest()[:8], 16) % 100
        halves["real_test" if h < TEST_SHARE else "real_dev"].append(item)
    for name, items in halves.items():
        (HERE / f"{name}.jsonl").write_text(
            "".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8"
        )
        print(name, len(items), "messages,", len({source_key(i["source"]) for i in items}), "sources")


if __name__ == "__main__":
    main()
