"""The ICB's report: counts, rates and suppression of small numbers, and its files."""

import csv
import datetime as dt

from bot.insight import report
from bot.insight.derive import Fact

MON = dt.date(2026, 11, 2)  # a Monday
KENT, CORNWALL = "kent-and-medway", "cornwall-and-isles-of-scilly"


def conversation(n, area=KENT, day=MON, *extra):
    c = f"k{n}" if area == KENT else f"c{n}"
    facts = [Fact(day, c, area, "message"), Fact(day, c, None, "message")]
    return facts + [Fact(day, c, None, kind, detail, value) for kind, detail, value in extra]


def sample():
    facts = []
    # 7 Kent conversations in the first week: all ask what a PHB is; 6 check, 5 with a legal right (CHC).
    for n in range(7):
        extra = [("topic", "faq/what_is_phb", None)]
        if n < 6:
            extra += [("started", "eligibility", None), ("finished", "eligibility", None)]
            extra += [("result", "right_to_have" if n < 5 else "local_offer", None)]
            extra += [("cohort", "chc" if n < 5 else "local_offer", None)]
        if n < 5:
            extra += [("started", "intake", None), ("finished", "intake", None), ("feedback", "helped", None)]
        if n == 5:
            extra += [("started", "intake", None), ("fallback", None, None), ("handoff", None, None)]
        extra += [("outcomes_drafted", None, 2), ("outcomes_drafted", None, 3)] if n == 0 else []
        facts += conversation(n, KENT, MON, *extra)
    # 2 more in the second week; their area is known only from a later fact.
    for n in range(7, 9):
        facts += [
            Fact(MON + dt.timedelta(days=8), f"k{n}", None, "message"),
            Fact(MON + dt.timedelta(days=8), f"k{n}", KENT, "topic", "ask_local_offer"),
        ]
    facts += [Fact(MON, "k0", None, "comment", comment="b [phone]"), Fact(MON, "k1", None, "comment", comment="a")]
    # Cornwall's conversations never show in Kent's report.
    facts += conversation(1, CORNWALL, MON, ("topic", "faq/what_is_phb", None))
    return facts


def test_counts_for_one_area():
    r = report.build(sample(), KENT, MON, MON + dt.timedelta(days=13))
    assert r.conversations == 9
    assert r.weekly == [(MON, 7), (MON + dt.timedelta(days=7), 2)]
    assert r.topics == [("faq/what_is_phb", 7), ("ask_local_offer", 2)]
    assert ("eligibility", 6, 6) in r.checks and ("intake", 6, 5) in r.checks and ("feedback", 0, 5) in r.checks
    assert r.results == [("right_to_have", 5), ("local_offer", 1), ("not_in_known_groups", 0)]
    assert r.outcomes_drafted == 3
    assert (r.messages, r.fallbacks, r.handoffs) == (16, 1, 1)
    assert r.feedback == [("helped", 5), ("helped_a_bit", 0), ("not_helped", 0)]
    assert r.comments == ["a", "b [phone]"]  # sorted, not in time order
    assert ("2026-27 Q3", "chc", 5, 5) in r.quarterly and ("2026-27 Q3", "local_offer", 1, 0) in r.quarterly


def test_small_numbers_are_suppressed_and_zero_is_shown():
    r = report.build(sample(), KENT, MON, MON + dt.timedelta(days=13))
    values = {(section, period, label): value for section, period, label, value in report.rows(r)}
    period = f"{MON.isoformat()} to {(MON + dt.timedelta(days=13)).isoformat()}"
    assert values[("conversations per week", "week starting 2026-11-09", "conversations")] == "<5"
    assert values[("top topics", period, "ask_local_offer")] == "<5"
    assert values[("eligibility results", period, "May fit the local offer")] == "<5"
    assert values[("eligibility results", period, "In neither group")] == "0"
    assert values[("eligibility results", period, "Likely legal right")] == "5"
    assert values[("intake", period, "conversion")] == "83%"
    # A rate built on a small count is not shown.
    assert values[("understanding", period, "fallback rate")] == "<5"
    assert values[("feedback", period, "comments")] == "<5"
    assert values[("quarterly by cohort", "2026-27 Q3", "NHS Continuing Healthcare: enquiries")] == "5"
    assert all(v not in {"1", "2", "3", "4"} for v in values.values())


def test_all_areas_and_dates_outside_the_period():
    assert report.build(sample(), None, MON, MON + dt.timedelta(days=13)).conversations == 10
    assert report.build(sample(), KENT, MON + dt.timedelta(days=7), MON + dt.timedelta(days=13)).conversations == 2
    assert report.build([], KENT, MON, MON).conversations == 0


def test_financial_year_quarters():
    assert report.quarter_of(dt.date(2026, 4, 1)) == "2026-27 Q1"
    assert report.quarter_of(dt.date(2026, 12, 31)) == "2026-27 Q3"
    assert report.quarter_of(dt.date(2027, 3, 31)) == "2026-27 Q4"


def test_files(tmp_path):
    r = report.build(sample(), KENT, MON, MON + dt.timedelta(days=13))
    report.write_csv(r, tmp_path / "r.csv")
    report.write_chart(r, tmp_path / "r.png")
    report.write_comments(r, tmp_path / "c.csv")
    rows = list(csv.reader((tmp_path / "r.csv").open()))
    assert rows[0] == ["section", "period", "measure", "value"] and len(rows) == len(report.rows(r)) + 1
    assert (tmp_path / "r.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert list(csv.reader((tmp_path / "c.csv").open()))[1:] == [["a"], ["b [phone]"]]
    text = report.as_text(r)
    assert "CONVERSATIONS PER WEEK" in text and "<5" in text
