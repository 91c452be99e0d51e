"""How well the trained model understands questions as people really write them (issue 21).

    python -m tests.understanding.measure [--gate] [--markdown] [--sets real_test,real_dev]

Each message in the real-world sets (corpus/, README there) is parsed by the trained model, as the
assistant would, and ends in one of:
- right: the assistant answers with the label's answer at once;
- offered: it says it is not sure, and the right answer is one of the "did you mean" buttons;
- unsure: it says it is not sure (or did not understand), without the right answer among the buttons;
- wrong: it answers confidently with another answer (the failure that matters: a person may act on it).
"Reached" is right + offered: the person gets the right answer at once or with one tap.

The target (issue 21): on the frozen test set, reached at least 0.92 and wrong at most 0.03; on its
typed variants (variants.py), reached at least 0.85. It is NOT met yet (docs/benchmarks.md). Until it
is, `make test` holds the line where the shipped model stands (FLOOR, a ratchet: raise it as the model
improves, never lower it) and prints the target and the gap loudly at every run.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import pathlib
import sys

import yaml

from bot.understanding import Thresholds, answer_label, judge, unsure_outside_guides
from tests.understanding.variants import variants

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CORPUS = HERE / "corpus"
MODEL = ROOT / "models" / "phb.tar.gz"
SETS = ("real_test", "real_dev")
TARGET = {"reached": 0.92, "wrong": 0.03, "variants_reached": 0.85}
# Measured for the shipped configuration (docs/benchmarks.md, 4 December, with the words that name a
# topic): reached 0.812, wrong 0.031, variants reached 0.801 (the same data trained on 3 December's
# machine gave 0.783, 0.043 and 0.772 without them). The floor sits a few points below, because the
# same training on another machine gives a slightly different model (README, known limits); a change
# that makes any of them worse than this fails the build. Raised from 0.64 / 0.075 / 0.61, then
# 0.74 / 0.06 / 0.73.
FLOOR = {"reached": 0.77, "wrong": 0.06, "variants_reached": 0.76}
# Labels where "I didn't understand" is the right answer too: the message is not for us.
NOT_FOR_US = {"out_of_scope"}


def load(name: str) -> list[dict]:
    return [
        json.loads(line) for line in (CORPUS / f"{name}.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def equivalents() -> dict[str, set[str]]:
    groups = yaml.safe_load((HERE / "labels.yml").read_text())["equivalent"] or []
    out = collections.defaultdict(set)
    for group in groups:
        for label in group:
            out[label] |= set(group)
    return out


def accepted(item: dict, same: dict[str, set[str]]) -> set[str]:
    labels = {item["label"], *(item.get("also") or [])}
    return set().union(*(same.get(label, {label}) for label in labels))


def outcome(
    parse: dict, item: dict, same: dict[str, set[str]], thresholds: Thresholds | None = None
) -> tuple[str, str]:
    """(outcome, what the assistant did) for one parsed message: as the trained model's own thresholds
    decided, or (for calibrate.py) as `thresholds` would have."""
    ok = accepted(item, same)
    intent = (parse.get("intent") or {}).get("name")
    # As the assistant decides (actions/fallback.py), or for calibrate.py as `thresholds` would.
    unsure = unsure_outside_guides(parse)
    if thresholds is not None:
        unsure = unsure or (intent != "crisis" and not judge(parse, thresholds).sure)
    if unsure:
        offers = judge(parse).offers
        if ok & NOT_FOR_US:
            return "right", "not sure"
        return ("offered" if ok & set(offers) else "unsure"), "did you mean: " + ", ".join(offers)
    did = (judge(parse).best if thresholds is not None and intent != "crisis" else answer_label(parse)) or ""
    if did in ok:
        return "right", did
    return "wrong", did


async def parse_all(texts: list[str]) -> list[dict]:
    import logging

    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    # Unconfigured, Rasa's structlog prints every parse (the messages too) at debug level: the
    # test half must stay unread, so only warnings are shown.
    configure_structlog(logging.WARNING)
    agent = Agent.load(str(MODEL))
    return [await agent.parse_message(t) for t in texts]


def run(names=SETS) -> dict:
    same = equivalents()
    items = []
    for name in names:
        for item in load(name):
            items.append((name, "real", item["text"], item))
            for kind, text in variants(item["text"]).items():
                items.append((name, kind, text, item))
    parses = asyncio.run(parse_all([text for _, _, text, _ in items]))
    rows = []
    for (name, kind, text, item), parse in zip(items, parses):
        result, did = outcome(parse, item, same)
        rows.append({"set": name, "kind": kind, "text": text, "label": item["label"], "outcome": result, "did": did})
    return {"rows": rows}


def summary(rows: list[dict]) -> dict:
    n = len(rows)
    count = collections.Counter(r["outcome"] for r in rows)
    share = {k: (count[k] / n if n else 0.0) for k in ("right", "offered", "unsure", "wrong")}
    share["reached"] = share["right"] + share["offered"]
    share["n"] = n
    return share


def figures(rows: list[dict], name: str) -> dict:
    real = [r for r in rows if r["set"] == name and r["kind"] == "real"]
    var = [r for r in rows if r["set"] == name and r["kind"] != "real"]
    return {
        "real": summary(real),
        "variants": summary(var),
        "by_kind": {k: summary([r for r in var if r["kind"] == k]) for k in sorted({r["kind"] for r in var})},
        "by_label": {
            label: summary([r for r in real if r["label"] == label]) for label in sorted({r["label"] for r in real})
        },
    }


def markdown(rows: list[dict], name: str) -> str:
    f = figures(rows, name)

    def pct(x):
        return f"{100 * x:.1f}%"

    out = [
        f"#### {name}",
        "",
        "| messages | n | right at once | did you mean, right offered | unsure | confidently wrong | reached |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, s in [
        ("as written", f["real"]),
        ("all variants", f["variants"]),
        *((f"variant: {k}", s) for k, s in f["by_kind"].items()),
    ]:
        out.append(
            f"| {label} | {s['n']} | {pct(s['right'])} | {pct(s['offered'])} | {pct(s['unsure'])} | {pct(s['wrong'])} | {pct(s['reached'])} |"
        )
    out += [
        "",
        "| topic or intent | n | right at once | reached | confidently wrong |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for label, s in f["by_label"].items():
        out.append(f"| {label} | {s['n']} | {pct(s['right'])} | {pct(s['reached'])} | {pct(s['wrong'])} |")
    return "\n".join(out)


def gate(rows: list[dict], limits: dict = FLOOR) -> list[str]:
    f = figures(rows, "real_test")
    failures = []
    if f["real"]["reached"] < limits["reached"]:
        failures.append(f"reached {f['real']['reached']:.3f} < {limits['reached']}")
    if f["real"]["wrong"] > limits["wrong"]:
        failures.append(f"confidently wrong {f['real']['wrong']:.3f} > {limits['wrong']}")
    if f["variants"]["reached"] < limits["variants_reached"]:
        failures.append(f"variants reached {f['variants']['reached']:.3f} < {limits['variants_reached']}")
    return failures


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sets", default=",".join(SETS))
    ap.add_argument("--gate", action="store_true")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--errors", help="print the messages of this set that did not reach their answer")
    ap.add_argument("--out", default=str(ROOT / "results" / "understanding.json"))
    args = ap.parse_args(argv)
    names = tuple(args.sets.split(","))
    rows = run(names)["rows"]
    pathlib.Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    pathlib.Path(args.out).write_text(json.dumps(rows, indent=1))
    for name in names:
        f = figures(rows, name)
        print(
            f"{name}: {f['real']['n']} messages: right {f['real']['right']:.3f}, reached {f['real']['reached']:.3f}, "
            f"confidently wrong {f['real']['wrong']:.3f}; variants ({f['variants']['n']}): reached {f['variants']['reached']:.3f}, "
            f"wrong {f['variants']['wrong']:.3f}"
        )
        if args.markdown:
            print(markdown(rows, name))
    if args.errors == "real_test":
        ap.error("the test set stays unread: look at real_dev instead")
    if args.errors:
        for r in rows:
            if r["set"] == args.errors and r["kind"] == "real" and r["outcome"] in ("wrong", "unsure"):
                print(f"  {r['outcome']:7} {r['label']:32} -> {r['did'][:60]:60} | {r['text'][:100]}")
    if args.gate and "real_test" in names:
        short = gate(rows, TARGET)
        print("real-world TARGET (issue 21): " + ("met" if not short else "NOT MET YET: " + "; ".join(short)))
        failures = gate(rows)
        print("real-world floor (no regression): " + ("held" if not failures else "BROKEN: " + "; ".join(failures)))
        return 1 if failures else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
