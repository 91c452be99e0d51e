"""Every part of an intake record in the plain words the person saw.

"Check your answers", `phb-intake show`, the CSV and the FHIR answers all read a record
through `sections`, so the team sees the same labels as the person, never our codes.
Each row has a stable key (the FHIR linkId and the CSV column's id).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.answers import DONT_KNOW
from bot.areas import all_areas, get_area
from bot.eligibility import LOCAL_PREFIX
from bot.eligibility import content as eligibility_content
from bot.eligibility import options as eligibility_options
from bot.eligibility_replies import explained
from bot.eligibility_replies import question_text as eligibility_question
from bot.intake.questions import LEFT_OUT, content, show
from bot.intake.record import PARTS, Parts
from bot.money_options import content as money_content
from bot.money_options import options as money_options

ABOUT_YOU = ("area", "filled_by", "relationship", "name", "date_of_birth", "nhs_number", "postcode")
CONTACT = ("contact_method", "contact_detail", "best_time", "communication_needs", "language", "anything_else")


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    value: str


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    rows: tuple[Row, ...]


def _words() -> dict:
    return content()["record"]


def part_name(part: str) -> str:
    return _words()["parts"][part]["name"]


def detail_rows(keys: tuple[str, ...], answers: dict, every: bool) -> tuple[Row, ...]:
    """The person's answers among `keys`; with `every`, "Not asked" for the ones never asked."""
    labels = content()["fields"]
    rows = []
    for key in keys:
        if key in answers:
            rows.append(Row(key, labels[key]["label"], show(key, answers[key], answers)))
        elif every:
            rows.append(Row(key, labels[key]["label"], _words()["not_asked"]))
    return tuple(rows)


def check_rows(answers: dict | None, area_id: str | None, result: str | None = None) -> tuple[Row, ...]:
    """Each question of the finished eligibility check with its answer, then the result and why.
    A check with no result (not finished) has nothing to show, and is not sent."""
    if not answers or not result:
        return ()
    # The area the check was done for: it may differ from the one known when details were left.
    area = get_area(answers.get("area") or "") or (get_area(area_id) if area_id else None)
    rows = []
    # In the order the check asks them: stored answers come back with their keys sorted.
    order = list(eligibility_content()["questions"])
    for question in sorted(
        answers, key=lambda q: (order.index(_check_key(q)) if _check_key(q) in order else len(order), q)
    ):
        value = answers[question]
        if question == "area":
            continue
        rows.append(
            Row(
                f"check.{_check_key(question)}",
                first_question(_question(question, answers, area)),
                _check_value(question, value, area),
            )
        )
    headline, why, settle = explained(answers, area, result)
    w = _words()
    rows.append(Row("check.result", w["result"], headline))
    if why:
        rows.append(Row("check.why", w["why"], " ".join(line.lstrip("- ") for line in why)))
    if settle:
        rows.append(Row("check.to_find_out", w["to_find_out"], " ".join(settle)))
    return tuple(rows)


def _question(question: str, answers: dict, area) -> str:
    """The question as asked; a local offer question from the area that has it (an area file may
    have changed since), or plain words when no area has it any more."""
    if question.startswith(LOCAL_PREFIX):
        group = question[len(LOCAL_PREFIX) :]
        owners = [
            a
            for a in (area, *all_areas().values())
            if a is not None and any(g.id == group and g.question for g in a.local_offer_groups)
        ]
        if not owners:
            return _words()["local_offer_question"]
        area = owners[0]
    return eligibility_question(question, answers, area)


def first_question(text: str) -> str:
    # The question without the sentence that explains it.
    return text.split("?")[0] + "?" if "?" in text else text


def _check_key(question: str) -> str:
    # A local group's question: one key for all areas, so a CSV column means one thing.
    return "local_group" if question.startswith(LOCAL_PREFIX) else question


def _check_value(question: str, value: str, area) -> str:
    if value == DONT_KNOW:
        return content()["not_given"]
    labels = {o["value"]: o["label"] for o in eligibility_options(question, area)}
    return labels.get(value, value)


def money_rows(preferred: str | None, suggested: list) -> tuple[Row, ...]:
    w, names = _words(), _way_names()
    rows = []
    if preferred:
        rows.append(Row("money.preferred", w["money_preferred"], names.get(preferred, preferred)))
    if suggested:
        rows.append(Row("money.suggested", w["money_suggested"], ", ".join(names.get(s, s) for s in suggested)))
    return tuple(rows)


def _way_names() -> dict:
    c = money_content()
    names = {k: v["name"] for k, v in {**c["ways"], **c["wheelchair_ways"]}.items()}
    for question in ("preferred", "wc_preferred"):
        names.update({o["value"]: o["label"] for o in money_options(question)})
    return names


def outcome_rows(outcomes: list) -> tuple[Row, ...]:
    return tuple(
        Row("outcomes.outcome", _words()["outcome"].format(n=n), text) for n, text in enumerate(outcomes or [], start=1)
    )


def sections(answers: dict, parts: Parts, area_id: str | None, *, every: bool = False, left_out=()) -> list[Section]:
    """The record in plain words, grouped as the person saw it at "check your answers".

    `every` (the team's copy) shows every row, "Not asked" where a question was never asked;
    the person's copy shows only what will be sent, and says which parts they left out."""
    w = _words()
    titles = w["sections"]
    if "area" not in answers and area_id:
        # The area decides which team gets the record: always shown, however it became known.
        answers = {"area": area_id, **answers}
    about = "about_them" if answers.get("filled_by") in ("family", "professional") else "about_you"
    out = [
        Section("about_you", titles[about], detail_rows(ABOUT_YOU, answers, every)),
        Section("contact", titles["contact"], detail_rows(CONTACT, answers, every)),
    ]
    found = {
        "check": check_rows(parts.eligibility_answers, area_id, parts.eligibility_result),
        "money": money_rows(parts.money_preferred, parts.money_suggested),
        "outcomes": outcome_rows(parts.outcomes),
    }
    for part in PARTS:
        rows = found[part]
        if part in set(left_out or ()):
            rows = (Row(f"{part}.left_out", w["left_out_label"], w["left_out"]),)
        elif not rows:
            if not every:
                continue
            rows = (Row(f"{part}.not_asked", titles[part], w["not_asked"]),)
        out.append(Section(part, titles[part], rows))
    return [s for s in out if s.rows]


def record_sections(row) -> list[Section]:
    """A stored record (or a Record) as the team reads it: every part, nothing in code."""
    details = dict(row.details or {})
    details["area"] = row.area
    parts = Parts(
        row.eligibility_answers,
        row.eligibility_result,
        list(row.eligibility_reasons or []),
        row.money_preferred,
        list(row.money_suggested or []),
        list(row.outcomes or []),
    )
    return sections(details, parts, row.area, every=True, left_out=details.get(LEFT_OUT, ()))


def as_text(secs: list[Section]) -> str:
    lines = []
    for s in secs:
        lines.append(s.title)
        lines += [f"- {r.label}: {r.value}" for r in s.rows]
    return "\n".join(lines)
