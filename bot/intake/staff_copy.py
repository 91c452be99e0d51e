"""The team's copy of a record: `phb-intake show` and the CSV, in the plain words the person saw.

Every part of the record is there; a question never asked says "Not asked", an "I don't know"
says "Not sure". Nothing needs our source code to read.
"""

from __future__ import annotations

import csv
import io

from bot.areas import get_area
from bot.eligibility import content as eligibility_content
from bot.intake.questions import content
from bot.eligibility_replies import question_text as eligibility_question
from bot.intake.readable import ABOUT_YOU, CONTACT, as_text, first_question, record_sections
from bot.intake.record import iso

# Characters that make a spreadsheet read a cell as a formula (OWASP's list for CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A cell a spreadsheet shows as text: anything typed by the public that starts like a formula
    (=HYPERLINK(...), +1+1, @SUM) gets a leading apostrophe, so it is never run."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _words() -> dict:
    return content()["record"]


def _area_name(area_id: str) -> str:
    area = get_area(area_id)
    return area.name if area else area_id


def _status(status: str) -> str:
    return _words()["statuses"].get(status, status)


HEADER = ("reference", "area", "created", "consent", "notice", "channel", "status")


def header(record, outbox) -> list[tuple[str, str]]:
    """What the team needs to know about the record itself: its reference, when and where from."""
    h = _words()["header"]
    values = {
        "reference": record.reference,
        "area": _area_name(record.area),
        "created": iso(record.created_at),
        "consent": iso(record.consent_at),
        "notice": record.notice_version,
        "channel": _words()["channels"].get(record.channel, record.channel),
        "status": _status(outbox.status),
    }
    return [(h[k], values[k]) for k in HEADER]


def show_text(record, outbox) -> str:
    h = _words()["header"]
    lines = [f"{label}: {value}" for label, value in header(record, outbox)]
    lines += [
        f"{h['attempts']}: {outbox.attempts}",
        f"{h['last_error']}: {outbox.last_error or h['none']}",
        f"{h['delivered']}: {iso(outbox.delivered_at) or h['none']}",
        f"{h['received']}: {iso(record.received_at) or h['none']}",
        "",
    ]
    return "\n".join(lines) + as_text(record_sections(record)) + "\n"


def columns() -> list[tuple[str, str]]:
    """(row key, column heading) for every part of any record, in the order the person saw them."""
    fields, w = content()["fields"], _words()
    cols = [(k, fields[k]["label"]) for k in (*ABOUT_YOU, *CONTACT) if k != "area"]
    # The check's questions, worded for someone asking for themselves.
    for q in eligibility_content()["questions"]:
        if q not in ("area", "local_group"):
            cols.append((f"check.{q}", first_question(eligibility_question(q, {}, None))))
    cols += [
        ("check.local_group", w["local_offer_questions"]),
        ("check.result", w["result"]),
        ("check.why", w["why"]),
        ("check.to_find_out", w["to_find_out"]),
        ("money.preferred", w["money_preferred"]),
        ("money.suggested", w["money_suggested"]),
        ("outcomes.outcome", w["sections"]["outcomes"]),
    ]
    return cols


def csv_row(record) -> dict[str, str]:
    """One record's cells by row key; several values (outcomes, local questions) share a cell."""
    found: dict[str, list[str]] = {}
    left_out = set()
    for section in record_sections(record):
        for row in section.rows:
            if row.key.endswith(".left_out"):
                left_out.add(section.key)
            value = f"{row.label}: {row.value}" if row.key == "check.local_group" else row.value
            found.setdefault(row.key, []).append(value)
    not_asked = _words()["not_asked"]
    return {
        key: " | ".join(found[key])
        if key in found
        else (_words()["left_out"] if key.split(".")[0] in left_out else not_asked)
        for key, _ in columns()
    }


def csv_text(rows) -> str:
    """(record, outbox) pairs as a CSV a spreadsheet opens safely, headed in plain words."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    cols = columns()
    h = _words()["header"]
    writer.writerow([safe_cell(c) for c in [*(h[k] for k in HEADER), *(label for _, label in cols)]])
    for record, outbox in rows:
        cells = csv_row(record)
        writer.writerow(
            [safe_cell(v) for v in [*(v for _, v in header(record, outbox)), *(cells[key] for key, _ in cols)]]
        )
    return buffer.getvalue()
