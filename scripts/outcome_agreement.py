"""Agreement between the outcomes coach's rules and a reader's findings, per finding.

    .venv/bin/python scripts/outcome_agreement.py tests/unit/data/outcome_cases.yml [...]

Prints precision and recall for each finding (the reader's labels are the truth),
and the cases where they differ. Used for docs/benchmarks.md.
"""

import pathlib
import sys

import yaml

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
from bot.outcome_analysis import FINDINGS, analyse  # noqa: E402


def main(paths):
    for path in paths:
        cases = yaml.safe_load(pathlib.Path(path).read_text())["cases"]
        counts = {f: [0, 0, 0] for f in FINDINGS}  # true positive, false positive, false negative
        differ = []
        for case in cases:
            got, want = set(analyse(case["text"]).findings), set(case["findings"])
            for f in FINDINGS:
                counts[f][0] += f in got and f in want
                counts[f][1] += f in got and f not in want
                counts[f][2] += f in want and f not in got
            if got != want:
                differ.append((case["text"], sorted(got - want), sorted(want - got)))
        exact = len(cases) - len(differ)
        print(f"\n{path}: {len(cases)} drafts, {exact} with exactly the reader's findings ({exact / len(cases):.0%})")
        print("| finding | in the table | precision | recall |\n| --- | --- | --- | --- |")
        for f, (tp, fp, fn) in counts.items():
            precision = f"{tp / (tp + fp):.2f}" if tp + fp else "n/a"
            recall = f"{tp / (tp + fn):.2f}" if tp + fn else "n/a"
            print(f"| {f} | {tp + fn} | {precision} | {recall} |")
        for text, extra, missed in differ:
            print(f"- {text!r}: rules also found {extra}, missed {missed}")


if __name__ == "__main__":
    main(sys.argv[1:] or ["tests/unit/data/outcome_cases.yml"])
