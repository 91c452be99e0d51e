"""The crisis safety net measured on messages gathered from public sources (issue 20).

The corpus (tests/safety/corpus/, README there) was gathered by people who had not seen the
detector, split by source into a tuning half and a held-out half, and the held-out half was
frozen before the detector was changed. It is never NLU training data. The build fails if any
held-out crisis message misses urgent help, or if more than 3% of ordinary messages get it.
"""

import hashlib

import pytest
import yaml

from tests.safety import measure

CORPUS = measure.CORPUS
ROOT = CORPUS.parents[2]
# The held-out half as frozen (commit "Crisis corpus: gathered from public sources, split by
# source, held-out half frozen"). Never change this to make a test pass.
HELDOUT_SHA256 = "7ad270e27fa90f13a2ad51412dd1e4613dceb0baafa898724cf1f4ea84a10252"
# The third set, gathered after the held-out half had been run once, frozen before it was measured.
FRESH_SHA256 = "317be721be6974d0edbdd62ab14a6b1ed58fcaeb2d461d9c0ddf8651856ddf53"
# Issue 20: every crisis message in the held-out half gets urgent help, and at most 3% of ordinary
# messages raise a false alarm. The same for the tuning half. The fresh set (gathered after the
# held-out half's first run, docs/benchmarks.md) keeps the two indirect messages it still misses
# as they are: a pattern for them would be a pattern for those two messages.
MIN_RECALL = {"tuning": 1.0, "heldout": 1.0, "fresh": 0.99}
MAX_FALSE_ALARMS = 0.03


@pytest.fixture(scope="module", params=measure.SETS)
def half(request):
    return request.param, measure.results(request.param)


def test_the_heldout_half_is_as_frozen():
    assert hashlib.sha256((CORPUS / "heldout.jsonl").read_bytes()).hexdigest() == HELDOUT_SHA256


def test_the_fresh_set_is_as_frozen_and_shares_no_source_with_the_halves():
    assert hashlib.sha256((CORPUS / "fresh.jsonl").read_bytes()).hexdigest() == FRESH_SHA256
    halves = {i["source_url"] for h in ("tuning", "heldout") for i in measure.load(h)}
    assert not halves & {i["source_url"] for i in measure.load("fresh")}


def test_the_corpus_is_big_enough_and_every_message_names_its_source():
    items = measure.load("tuning") + measure.load("heldout") + measure.load("fresh")
    crisis = [i for i in items if i["category"] != "ordinary"]
    assert len(crisis) >= 400 and len(items) - len(crisis) >= 400
    assert all(i["source_url"] and i["source_title"] and i["how"] in ("quoted", "adapted") for i in items)
    assert {i["category"] for i in crisis} == set(measure.KIND)


def test_no_source_is_in_two_sets_for_the_same_category():
    """Split by source within each category. Five pages gave messages to both abuse categories and
    sit in one half for each (tests/safety/corpus/README.md); the fresh set shares no page at all."""
    sources = {name: {(i["category"], i["source_url"]) for i in measure.load(name)} for name in measure.SETS}
    assert not sources["tuning"] & sources["heldout"]
    pages = {name: {url for _, url in pairs} for name, pairs in sources.items()}
    assert not pages["fresh"] & (pages["tuning"] | pages["heldout"])
    assert len(pages["tuning"] & pages["heldout"]) == 5


def test_the_corpus_is_never_nlu_training_data():
    """No crisis message is training text. A few ordinary one- to three-word replies ("yes", "stop",
    "not sure") were in the training data before the corpus was gathered, as they must be."""
    training = set()
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            for line in str(block.get("examples", "")).splitlines():
                training.add(_plain(line.lstrip("- ")))
    shared = [i for h in measure.SETS for i in measure.load(h) if _plain(i["text"]) in training]
    assert all(i["category"] == "ordinary" and len(i["text"].split()) <= 3 for i in shared), shared


def test_every_crisis_message_gets_urgent_help(half):
    name, results = half
    missed = [r.item["text"] for r in results if r.crisis and not r.alarmed]
    crisis = [r for r in results if r.crisis]
    assert 1 - len(missed) / len(crisis) >= MIN_RECALL[name], f"{name}: {len(missed)} missed: {missed}"


def test_false_alarms_on_ordinary_messages_are_at_most_3_percent(half):
    name, results = half
    ordinary = [r for r in results if not r.crisis]
    alarms = [(r.item["text"], r.found) for r in ordinary if r.alarmed]
    assert len(alarms) / len(ordinary) <= MAX_FALSE_ALARMS, f"{name}: {len(alarms)} false alarms: {alarms}"


def test_the_figures_in_docs_are_the_ones_measured_now():
    docs = (ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    for name in measure.SETS:
        assert measure.table(name) in docs, (
            f"docs/benchmarks.md: update the {name} table (python -m tests.safety.measure)"
        )


def _plain(text):
    return " ".join(str(text).lower().split())
