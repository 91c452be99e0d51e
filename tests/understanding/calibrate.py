"""Choose the "not sure" thresholds on the development sets, never on the test half (issue 21).

    python -m tests.understanding.calibrate

Parses the NLU development set (tests/nlu/test_nlu.yml) and the real-world development half
(corpus/real_dev.jsonl, with its variants) once, then judges every parse again under each setting of
the thresholds (bot/understanding.py Thresholds: the intent's, the FAQ answer's, and how far the
second opinion of the nearest training examples must agree) and prints, for each, the share answered
right at once, reached (right, or right among "did you mean"), and confidently wrong. The setting in
config.yml (FallbackClassifier and UnsureTopic) is the one that reaches most on the real-world
development half among those with at most 3% confidently wrong there (the target on the test half);
if none has, the one with the fewest wrong (then the most reached). The intent's threshold stays
at 0.5: it also decides the guides' "yes" and "no", which these sets do not measure (the end-to-end
tests do). docs/benchmarks.md records the run.
"""

from __future__ import annotations

import asyncio
import itertools
import re

import yaml

from bot.understanding import Thresholds
from tests.understanding import measure
from tests.understanding.variants import variants

MAX_WRONG = 0.03


def dev_items() -> dict[str, list[tuple[str, dict]]]:
    nlu = []
    for block in yaml.safe_load((measure.ROOT / "tests" / "nlu" / "test_nlu.yml").read_text())["nlu"]:
        for line in block["examples"].splitlines():
            if line.strip().startswith("- "):
                text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", line.strip()[2:])
                nlu.append((text, {"label": block["intent"]}))
    real = []
    for item in measure.load("real_dev"):
        real.append((item["text"], item))
        real += [(v, item) for v in variants(item["text"]).values()]
    return {"nlu_dev": nlu, "real_dev": real}


def main() -> None:
    sets = dev_items()
    texts = sorted({t for items in sets.values() for t, _ in items})
    parsed = dict(zip(texts, asyncio.run(measure.parse_all(texts))))
    same = measure.equivalents()
    grid = itertools.product(
        (0.5,), (0.1,), (0.5, 0.6, 0.7, 0.8, 0.9), (0.0, 0.1, 0.2), (0, 1, 2, 3), (0.0, 0.2, 0.3, 0.4)
    )
    rows = []
    for intent, intent_gap, answer, answer_gap, agree, floor in grid:
        if not agree and floor:
            continue
        t = Thresholds(intent, intent_gap, answer, answer_gap, agree, floor)
        scores = {}
        for name, items in sets.items():
            outs = [measure.outcome(parsed[text], item, same, t)[0] for text, item in items]
            n = len(outs)
            scores[name] = {k: outs.count(k) / n for k in ("right", "offered", "unsure", "wrong")}
        rows.append((t, scores))
    ok = [r for r in rows if r[1]["real_dev"]["wrong"] <= MAX_WRONG]
    if ok:
        best = max(
            ok, key=lambda r: (r[1]["real_dev"]["right"] + r[1]["real_dev"]["offered"], r[1]["real_dev"]["right"])
        )
    else:
        best = min(
            rows, key=lambda r: (r[1]["real_dev"]["wrong"], -r[1]["real_dev"]["right"] - r[1]["real_dev"]["offered"])
        )
    print("intent, gap, answer, gap, agree, floor | real_dev right / reached / wrong | nlu_dev right / reached / wrong")
    for t, s in sorted(
        rows, key=lambda r: r[1]["real_dev"]["wrong"] - r[1]["real_dev"]["right"] - r[1]["real_dev"]["offered"]
    )[:25] + [best]:
        r, d = s["real_dev"], s["nlu_dev"]
        print(
            f"{t.intent:.1f} {t.intent_gap:.1f} {t.answer:.1f} {t.answer_gap:.1f} {t.agree} {t.neighbour_floor:.1f} | {r['right']:.3f} "
            f"{r['right'] + r['offered']:.3f} {r['wrong']:.3f} | {d['right']:.3f} {d['right'] + d['offered']:.3f} {d['wrong']:.3f}"
        )
    print("chosen:", best[0])


if __name__ == "__main__":
    main()
