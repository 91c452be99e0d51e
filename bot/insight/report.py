"""Figures for an ICB from the anonymous facts, with small numbers suppressed.

Every count is of conversations (told apart by a hash), except messages and
fallbacks. A count from 1 to 4 is shown as "<5", and a rate built on one is not
shown, so that no one can be singled out. Zero is shown: it singles out no one.
"""

from __future__ import annotations

import csv
import datetime as dt
import pathlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from bot.insight.derive import Fact

SMALL = 5
SUPPRESSED = "<5"
CHECKS = ("eligibility", "money", "outcomes", "intake", "feedback")
COHORTS = {
    "chc": "NHS Continuing Healthcare",
    "childrens_continuing_care": "Children's continuing care",
    "section_117": "Section 117 after-care",
    "wheelchair": "Wheelchair",
    "local_offer": "Local offer",
}
RESULT_GROUPS = {
    "right_to_have": "Likely legal right",
    "local_offer": "May fit the local offer",
    "not_in_known_groups": "In neither group",
}
FEEDBACK_SCORES = {"helped": "Yes, it helped", "helped_a_bit": "It helped a bit", "not_helped": "No, it didn't help"}
TOP_TOPICS = 10


def shown(count: int) -> str:
    return SUPPRESSED if 0 < count < SMALL else str(count)


def rate(part: int, whole: int) -> str:
    if whole == 0 or 0 < part < SMALL or whole < SMALL:
        return "-" if whole == 0 else SUPPRESSED
    return f"{100 * part / whole:.0f}%"


def week_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def quarter_of(day: dt.date) -> str:
    """The NHS financial-year quarter: Q1 is April to June; 2026-27 Q3 is October to December 2026."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{str(start + 1)[2:]} Q{(day.month - 4) % 12 // 3 + 1}"


@dataclass
class Report:
    area: str
    start: dt.date
    end: dt.date
    conversations: int = 0
    weekly: list = field(default_factory=list)  # (week starting, conversations)
    topics: list = field(default_factory=list)  # (topic, conversations)
    checks: list = field(default_factory=list)  # (check, started, finished)
    results: list = field(default_factory=list)  # (group, conversations)
    suggested: list = field(default_factory=list)  # (way, conversations)
    outcomes_drafted: int = 0
    messages: int = 0
    fallbacks: int = 0
    unsure: int = 0  # "did you mean" offered
    unanswered: int = 0  # "Something else": none of the offers was the question
    handoffs: int = 0
    feedback: list = field(default_factory=list)  # (score, conversations)
    comments: list = field(default_factory=list)  # masked, sorted (not in time order)
    quarterly: list = field(default_factory=list)  # (quarter, cohort, enquiries, intakes submitted)

    def intake_conversion(self) -> tuple[int, int]:
        row = next(r for r in self.checks if r[0] == "intake")
        return row[2], row[1]


def conversation_areas(facts: list[Fact]) -> dict[str, str | None]:
    """Each conversation's area: the first one known (a server may not have known it at first)."""
    areas: dict[str, str | None] = {}
    for f in facts:
        if areas.get(f.conversation) is None:
            areas[f.conversation] = f.area
    return areas


def _last_per_conversation(facts: list[Fact], kind: str) -> Counter:
    """How many conversations ended on each detail of this kind (a check done twice counts once)."""
    last = {f.conversation: f.detail for f in facts if f.kind == kind}
    return Counter(last.values())


def build(facts: list[Fact], area: str | None, start: dt.date, end: dt.date) -> Report:
    """The report for one area (None: every area) from start to end, both days included."""
    areas = conversation_areas(facts)
    mine = [f for f in facts if start <= f.day <= end and (area is None or areas.get(f.conversation) == area)]
    report = Report(area or "all areas", start, end)

    def by(kind: str) -> dict:
        """detail -> conversations with a fact of this kind and detail."""
        found = defaultdict(set)
        for f in mine:
            if f.kind == kind:
                found[f.detail].add(f.conversation)
        return found

    talked = {f.conversation for f in mine if f.kind == "message"}
    report.conversations = len(talked)
    weeks = defaultdict(set)
    for f in mine:
        if f.kind == "message":
            weeks[week_of(f.day)].add(f.conversation)
    week = week_of(start)
    while week <= end:
        report.weekly.append((week, len(weeks.get(week, ()))))
        week += dt.timedelta(days=7)

    topics = by("topic")
    report.topics = sorted(((t, len(c)) for t, c in topics.items()), key=lambda r: (-r[1], r[0]))[:TOP_TOPICS]
    started, finished = by("started"), by("finished")
    report.checks = [(c, len(started.get(c, ())), len(finished.get(c, ()))) for c in CHECKS]
    feedback_given = {f.conversation for f in mine if f.kind == "feedback"}
    report.checks[-1] = ("feedback", report.checks[-1][1], len(feedback_given))

    counts = _last_per_conversation(mine, "result")
    report.results = [(g, counts.get(g, 0)) for g in RESULT_GROUPS]
    report.suggested = sorted(((w, len(c)) for w, c in by("suggested").items()), key=lambda r: (-r[1], r[0]))

    drafted: dict[str, int] = {}
    for f in mine:
        if f.kind == "outcomes_drafted":
            drafted[f.conversation] = max(drafted.get(f.conversation, 0), f.value or 0)
    report.outcomes_drafted = sum(drafted.values())
    report.messages = sum(1 for f in mine if f.kind == "message")
    report.fallbacks = sum(1 for f in mine if f.kind == "fallback")
    report.unsure = sum(1 for f in mine if f.kind == "unsure")
    report.unanswered = sum(1 for f in mine if f.kind == "unanswered")
    report.handoffs = len({f.conversation for f in mine if f.kind == "handoff"})

    scores = _last_per_conversation(mine, "feedback")
    report.feedback = [(s, scores.get(s, 0)) for s in FEEDBACK_SCORES]
    report.comments = sorted(f.comment for f in mine if f.kind == "comment" and f.comment)

    submitted = finished.get("intake", set())
    cohorts = defaultdict(set)
    for f in mine:
        if f.kind == "cohort":
            cohorts[(quarter_of(f.day), f.detail)].add(f.conversation)
    for quarter in sorted({q for q, _ in cohorts} | {quarter_of(start), quarter_of(end)}):
        for cohort in COHORTS:
            people = cohorts.get((quarter, cohort), set())
            report.quarterly.append((quarter, cohort, len(people), len(people & submitted)))
    return report


def rows(report: Report) -> list[tuple[str, str, str, str]]:
    """(section, period, label, value) with small numbers suppressed: the CSV, and the printed table."""
    period = f"{report.start.isoformat()} to {report.end.isoformat()}"
    out = [("summary", period, "conversations", shown(report.conversations))]
    out += [
        ("conversations per week", f"week starting {w.isoformat()}", "conversations", shown(n))
        for w, n in report.weekly
    ]
    out += [("top topics", period, t, shown(n)) for t, n in report.topics]
    for check, started, finished in report.checks:
        out += [
            ("guides", period, f"{check} started", shown(started)),
            ("guides", period, f"{check} finished", shown(finished)),
        ]
    out += [("eligibility results", period, RESULT_GROUPS[g], shown(n)) for g, n in report.results]
    out += [("ways to manage the money suggested", period, w, shown(n)) for w, n in report.suggested]
    out += [("outcomes", period, "outcomes drafted", shown(report.outcomes_drafted))]
    submitted, started = report.intake_conversion()
    out += [
        ("intake", period, "started", shown(started)),
        ("intake", period, "submitted", shown(submitted)),
        ("intake", period, "conversion", rate(submitted, started)),
    ]
    out += [
        ("understanding", period, "messages", shown(report.messages)),
        ("understanding", period, "not understood", shown(report.fallbacks)),
        ("understanding", period, "fallback rate", rate(report.fallbacks, report.messages)),
        ("understanding", period, "not sure, did you mean offered", shown(report.unsure)),
        ("understanding", period, "could not answer (something else)", shown(report.unanswered)),
        ("understanding", period, "asked for a person", shown(report.handoffs)),
    ]
    out += [("feedback", period, FEEDBACK_SCORES[s], shown(n)) for s, n in report.feedback]
    out += [("feedback", period, "comments", shown(len(report.comments)))]
    out += [("quarterly by cohort", q, f"{COHORTS[c]}: enquiries", shown(e)) for q, c, e, _ in report.quarterly]
    out += [("quarterly by cohort", q, f"{COHORTS[c]}: intake records", shown(i)) for q, c, _, i in report.quarterly]
    return out


def as_text(report: Report) -> str:
    lines = [
        f"Personal health budget assistant: {report.area}, {report.start.isoformat()} to {report.end.isoformat()}",
        "Counts are of conversations; 1 to 4 are shown as <5.",
        "",
    ]
    section = None
    for sec, period, label, value in rows(report):
        if sec != section:
            lines += ["", sec.upper()] if section else [sec.upper()]
            section = sec
        left = label if period.startswith(report.start.isoformat()) else f"{period}: {label}"
        lines.append(f"  {left:<60} {value:>6}")
    return "\n".join(lines) + "\n"


def write_csv(report: Report, path: pathlib.Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["section", "period", "measure", "value"])
        writer.writerows(rows(report))


def write_comments(report: Report, path: pathlib.Path) -> None:
    """The masked comments only: no date or conversation, sorted so their order says nothing."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["comment (personal details masked)"])
        writer.writerows([c] for c in report.comments)


def _bars(ax, labels, counts, title, horizontal=False):
    heights = [0 if 0 < n < SMALL else n for n in counts]
    bars = (ax.barh if horizontal else ax.bar)(range(len(labels)), heights, color="#005eb8")
    for bar, n in zip(bars, counts):
        text = shown(n)
        if horizontal:
            ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {text}", va="center", fontsize=8)
        else:
            ax.text(bar.get_x() + bar.get_width() / 2, bar.get_height(), text, ha="center", va="bottom", fontsize=8)
    (ax.set_yticks if horizontal else ax.set_xticks)(range(len(labels)))
    (ax.set_yticklabels if horizontal else ax.set_xticklabels)(
        labels, fontsize=8, **({} if horizontal else {"rotation": 30, "ha": "right"})
    )
    if horizontal:
        ax.invert_yaxis()
    ax.set_title(title, fontsize=10)


def write_chart(report: Report, path: pathlib.Path) -> None:
    """Four panels in one PNG; suppressed counts are drawn as empty bars labelled <5."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(12, 8))
    _bars(
        axes[0][0],
        [w.strftime("%d %b") for w, _ in report.weekly],
        [n for _, n in report.weekly],
        "Conversations per week",
    )
    _bars(
        axes[0][1],
        [t for t, _ in report.topics] or ["(none)"],
        [n for _, n in report.topics] or [0],
        "Top topics (conversations)",
        horizontal=True,
    )
    _bars(
        axes[1][0],
        [RESULT_GROUPS[g] for g, _ in report.results],
        [n for _, n in report.results],
        "Eligibility check results",
    )
    _bars(
        axes[1][1],
        [FEEDBACK_SCORES[s] for s, _ in report.feedback],
        [n for _, n in report.feedback],
        "Did it help? (feedback)",
    )
    fig.suptitle(f"{report.area}: {report.start.isoformat()} to {report.end.isoformat()} (counts 1 to 4 shown as <5)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
