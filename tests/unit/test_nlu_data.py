"""The NLU development set (tests/nlu/test_nlu.yml) is big enough and never used for training.

It was written alongside the training data and used to steer it, so it is a development set, not a
measure of how people really write: that is tests/understanding/ (real-world questions, frozen).
"Never used for training" means no near-duplicate either: the same words after case, punctuation,
apostrophes, plural "s" and word order are set aside (tests/understanding/near_duplicates.py)."""

import collections
import pathlib
import re

import pytest
import yaml

from tests.understanding.near_duplicates import near_key

ROOT = pathlib.Path(__file__).resolve().parents[2]
MIN_PER_INTENT = 8


def examples(path):
    out = collections.defaultdict(list)
    for block in yaml.safe_load(path.read_text()).get("nlu", []):
        if "intent" in block:
            for line in block["examples"].splitlines():
                line = line.strip()
                if line.startswith("- "):
                    out[block["intent"]].append(line[2:])
    return out


def plain(text):
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)  # drop entity annotations
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


TEST = examples(ROOT / "tests" / "nlu" / "test_nlu.yml")
TRAIN = collections.defaultdict(list)
for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
    for intent, texts in examples(path).items():
        TRAIN[intent] += texts


def test_every_trained_intent_is_tested_enough():
    for intent in TRAIN:
        assert len(TEST.get(intent, [])) >= MIN_PER_INTENT, intent


def test_test_intents_exist_in_training():
    assert set(TEST) <= set(TRAIN)


def test_no_test_message_is_in_the_training_data():
    trained = {near_key(t) for texts in TRAIN.values() for t in texts}
    overlap = [t for texts in TEST.values() for t in texts if near_key(t) in trained]
    assert overlap == []


@pytest.mark.parametrize(
    "test, trained",
    [
        ("What's a PHB?", "whats a phb"),
        ("Who can have budgets?", "who can have budget"),
        ("for my mum can i have budget", "can i have budget for my mum"),
    ],
)
def test_near_duplicates_are_caught(test, trained):
    assert near_key(test) == near_key(trained)


def test_no_drafted_outcome_from_the_coach_tables_is_in_the_training_data():
    """tests/e2e/test_answers_reach_the_guide.py checks those drafts reach the coach;
    that check only means something if the model never saw them."""
    trained = {plain(t) for texts in TRAIN.values() for t in texts}
    drafts = []
    for table in ("outcome_cases.yml", "outcome_cases_held_out.yml"):
        cases = yaml.safe_load((ROOT / "tests" / "unit" / "data" / table).read_text())["cases"]
        drafts += [c["text"] for c in cases]
    assert [d for d in drafts if plain(d) in trained] == []
