"""Fail the build when NLU quality on the held-out test set drops below its thresholds.

Reads the reports written by `rasa test nlu --out DIR`.
"""

import json
import pathlib
import sys

MIN_INTENT_MACRO_F1 = 0.95
MIN_RESPONSE_SELECTOR_ACCURACY = 0.95


def main(out_dir: str) -> int:
    out = pathlib.Path(out_dir)
    intents = json.loads((out / "intent_report.json").read_text())
    selector = json.loads((out / "response_selection_report.json").read_text())
    f1 = intents["macro avg"]["f1-score"]
    accuracy = selector["accuracy"]
    weak = sorted(
        (v["f1-score"], k)
        for k, v in intents.items()
        if isinstance(v, dict)
        and "support" in v
        and k not in ("macro avg", "weighted avg", "micro avg")
        and v["f1-score"] < 0.9
    )
    print(f"intent macro F1: {f1:.4f} (at least {MIN_INTENT_MACRO_F1})")
    print(f"response selector accuracy: {accuracy:.4f} (at least {MIN_RESPONSE_SELECTOR_ACCURACY})")
    for score, name in weak:
        print(f"  weak intent: {name} F1 {score:.3f}")
    errors = json.loads((out / "intent_errors.json").read_text()) if (out / "intent_errors.json").exists() else []
    for e in errors:
        print(f"  missed: {e['text']!r}: expected {e['intent']}, got {e['intent_prediction']['name']}")
    rs_errors = out / "response_selection_errors.json"
    for e in json.loads(rs_errors.read_text()) if rs_errors.exists() else []:
        print(
            f"  wrong answer: {e['text']!r}: expected {e['intent_response_key_target']}, got {e['intent_response_key_prediction']['name']}"
        )
    ok = f1 >= MIN_INTENT_MACRO_F1 and accuracy >= MIN_RESPONSE_SELECTOR_ACCURACY
    print("NLU thresholds: " + ("met" if ok else "NOT MET"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "results/nlu"))
