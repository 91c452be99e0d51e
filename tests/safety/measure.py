"""Measure the crisis safety net on the corpus gathered from public sources (tests/safety/corpus/).

    .venv/bin/python -m tests.safety.measure      # prints the tables in docs/benchmarks.md

Recall: the share of crisis messages that get urgent help (any kind). Right help: the share whose
first kind found is the kind the message was gathered as. False alarms: the share of ordinary
messages that get urgent help.
"""

from __future__ import annotations

import collections
import json
import pathlib
from dataclasses import dataclass

from bot.safety.detector import detector

CORPUS = pathlib.Path(__file__).resolve().parent / "corpus"
SETS = ("tuning", "heldout", "fresh")
# The corpus's category names, as gathered, and the detector's kinds.
KIND = {
    "suicide_self_harm": "self_harm",
    "medical_emergency": "medical_emergency",
    "domestic_abuse": "domestic_abuse",
    "danger_to_others": "danger_to_others",
}


def load(half: str) -> list[dict]:
    lines = (CORPUS / f"{half}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@dataclass
class Result:
    item: dict
    found: list[str]

    @property
    def crisis(self) -> bool:
        return self.item["category"] != "ordinary"

    @property
    def alarmed(self) -> bool:
        return bool(self.found)

    @property
    def right_help(self) -> bool:
        return bool(self.found) and self.found[0] == KIND.get(self.item["category"])


def results(half: str) -> list[Result]:
    net = detector()
    return [Result(item, [f.category for f in net.findings(item["text"])]) for item in load(half)]


def table(half: str) -> str:
    rows = collections.defaultdict(list)
    for r in results(half):
        rows[r.item["category"]].append(r)
    lines = [
        f"| {half} | messages | sources | urgent help given | right kind of help |",
        "| --- | --- | --- | --- | --- |",
    ]
    for category in [*KIND, "ordinary"]:
        got = rows.get(category, [])
        sources = len({r.item["source_url"] for r in got})
        alarmed = sum(r.alarmed for r in got)
        if category == "ordinary":
            lines.append(
                f"| ordinary (false alarms) | {len(got)} | {sources} | {alarmed} ({pct(alarmed, len(got))}) | – |"
            )
        else:
            right = sum(r.right_help for r in got)
            lines.append(
                f"| {category} | {len(got)} | {sources} | {alarmed} ({pct(alarmed, len(got))}) "
                f"| {right} ({pct(right, len(got))}) |"
            )
    return "\n".join(lines)


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


if __name__ == "__main__":
    for name in SETS:
        print(table(name), end="\n\n")
