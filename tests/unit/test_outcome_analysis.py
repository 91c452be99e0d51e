"""The outcomes coach's analysis, against a table of drafts written for the test."""

import pathlib

import pytest
import yaml

from bot.outcome_analysis import FINDINGS, analyse, nlp, rewrite

DATA = pathlib.Path(__file__).parent / "data"
CASES = yaml.safe_load((DATA / "outcome_cases.yml").read_text())["cases"]


def test_the_table_is_big_enough_and_covers_every_finding():
    assert len(CASES) >= 60
    for finding in FINDINGS:
        assert any(finding in c["findings"] for c in CASES), finding
    assert sum(1 for c in CASES if not c["findings"]) >= 10  # good outcomes too


def expected_from_rules(case):
    """The reader's findings, adjusted by any disagreement the table records openly."""
    differ = case.get("rules_disagree", {})
    found = (set(case["findings"]) | set(differ.get("extra", []))) - set(differ.get("missed", []))
    return [f for f in FINDINGS if f in found]


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:50] for c in CASES])
def test_findings(case):
    assert list(analyse(case["text"]).findings) == expected_from_rules(case)


def test_disagreements_are_few():
    assert sum(1 for c in CASES if c.get("rules_disagree")) <= len(CASES) // 20


@pytest.mark.parametrize(
    "text, suggestion",
    [
        ("I want to go swimming", "By [when], I will go swimming [how often] so that [why it matters to me]."),
        (
            "I'd like a PA three mornings a week so that I can go to the shops",
            "I will go to the shops three mornings a week so that [why it matters to me].",
        ),
        (
            "I will see my friends every week so I am less lonely",
            "I will see my friends every week so that I am less lonely.",
        ),  # how often: no need for "by when"
        (
            "Within six months I will be able to get dressed on my own",
            "Within six months, I will get dressed on my own [how often] so that [why it matters to me].",
        ),
        ("I want to be better", "By [when], I will [do what] [how often] so that [why it matters to me]."),
        (
            "Mum will go to the day centre twice a week",
            "I will go to the day centre twice a week so that [why it matters to me].",
        ),
        (
            "I'll walk to the shop every day, cook my tea and see my friends so that I stay independent",
            "I will walk to the shop, cook my tea and see my friends every day so that I stay independent.",
        ),
    ],
)
def test_rewrite_uses_only_the_drafts_words(text, suggestion):
    assert rewrite(analyse(text)) == suggestion


def test_the_pipeline_is_built_once_and_has_no_downloaded_parts():
    assert nlp() is nlp()
    assert nlp().pipe_names == ["lemmatizer"]
    assert not nlp().vocab.vectors.shape[0]


def test_the_held_out_table_is_well_formed():
    """Its findings are measured (scripts/outcome_agreement.py), not asserted: it is not tuned on."""
    held_out = yaml.safe_load((DATA / "outcome_cases_held_out.yml").read_text())["cases"]
    assert len(held_out) >= 20
    assert all(set(c["findings"]) <= set(FINDINGS) for c in held_out)
    texts = {c["text"] for c in CASES}
    assert not any(c["text"] in texts for c in held_out)


@pytest.mark.parametrize("text", ["", "😀", "x" * 10000, "\x00\x07", "مرحبا بالعالم", "I" * 3])
def test_odd_text_does_not_break_the_analysis(text):
    a = analyse(text)
    assert set(a.findings) <= set(FINDINGS)
    assert rewrite(a).endswith(".")
