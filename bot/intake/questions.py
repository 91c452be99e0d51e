"""Leaving details for the NHS team: which question comes next, and what an answer means.

Pure functions over a dict of answers ({question id: value}) kept in the order
given, like the other guides. Nothing personal is asked until `consent` is
"agree". At "Check your answers" (`review`) an answer can be changed: it is
removed, with any answers that depend on it, so the guide asks it again and
then comes back to the review.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets


from bot import wording
from bot.answers import (
    ASKED_WHY,
    DONT_KNOW,
    MAX_ANSWER_CHARS,
    Reading,
    choose,
    has,
    looks_like_question,
    norm,
    says_dont_know,
)
from bot.areas import DEFAULT_AREA_ID, areas_for_choice, resolve_area
from bot.intake import validate


AGREE, DECLINE, CONFIRM = "agree", "decline", "confirm"
CHANGE_PREFIX = "change:"
# At the review: parts found by other guides (check, money, outcomes) left out of what is sent, or put back.
LEAVE_OUT_PREFIX, PUT_BACK_PREFIX = "leave_out:", "put_back:"
LEFT_OUT = "left_out"
# Kept with the answers (first, so "go back" never removes it): when consent was given, to what.
CONSENT_RECORD = "consent_record"

# Answers that only make sense with another answer: changing the first asks them again.
DEPENDS_ON = {"relationship": "filled_by", "contact_detail": "contact_method", "language": "communication_needs"}
# Questions where "I don't know" is a fine answer; the others explain why they are needed.
OPTIONAL = {"date_of_birth", "nhs_number", "postcode", "best_time", "communication_needs", "anything_else"}
# Why a message is not an answer, beside ASKED_WHY and the error codes of content/intake.yml: the
# person said "I don't know" to a question the team needs (each question says why it is needed).
REQUIRED = "required"


def content() -> dict:
    return wording.content("intake")


def spec(question: str) -> dict:
    return content()["questions"][question]


def questions(answers: dict, area_known: bool) -> list[str]:
    """Every question this person will be asked, given the answers so far."""
    qs = [] if area_known and "area" not in answers else ["area"]
    qs.append("consent")
    if answers.get("consent") != AGREE:
        return qs
    qs.append("filled_by")
    if answers.get("filled_by") in ("family", "professional"):
        qs.append("relationship")
    qs += [
        "name",
        "date_of_birth",
        "nhs_number",
        "postcode",
        "contact_method",
        "contact_detail",
        "best_time",
        "communication_needs",
    ]
    if "interpreter" in (answers.get("communication_needs") or "").split(","):
        qs.append("language")
    qs += ["anything_else", "review"]
    return qs


def next_question(answers: dict, area_known: bool) -> str | None:
    """The next question, or None when the person declined consent or confirmed their answers."""
    if answers.get("consent") == DECLINE or answers.get("area") == DEFAULT_AREA_ID:
        return None
    for q in questions(answers, area_known):
        if q not in answers or (q == "review" and answers[q] != CONFIRM):
            return q
    return None


def ending(answers: dict, area_is_default: bool) -> str:
    """How a finished intake ends: 'no_team' (an area we have no team for), 'declined'
    (no consent: nothing is kept) or 'send'."""
    if area_is_default:
        return "no_team"
    return "send" if answers.get("consent") == AGREE else "declined"


def progress(answers: dict, area_known: bool) -> tuple[int, int]:
    """(this question's number, how many there are) for the questions after consent."""
    qs = [q for q in questions(answers, area_known) if q not in ("area", "consent", "review")]
    done = sum(1 for q in qs if q in answers)
    return min(done + 1, len(qs)), len(qs)


def options(question: str) -> list[dict]:
    if question == "area":
        return [{"value": a.id, "label": a.choice_label, "words": list(a.aliases)} for a in areas_for_choice()]
    return list(spec(question).get("options", []))


def says_why(clean: str) -> bool:
    return any(has(clean, w) for w in content()["why_words"])


def _change_request(clean: str, answers: dict, area_known: bool) -> str | None:
    """'change:<question>' for "change my postcode", 'change:' when the answer to change is unclear."""
    review = spec("review")
    if not any(has(clean, w) for w in review["change_words"]):
        return None
    asked = [q for q in questions(answers, area_known) if q in answers and q not in ("consent", "review")]
    fields = content()["fields"]
    found = choose(clean, [{"value": q, "label": fields[q]["label"], "words": fields[q]["words"]} for q in asked])
    return CHANGE_PREFIX + (found or "")


def _part_request(clean: str) -> str | None:
    """'leave_out:<part>' for "leave out my outcomes" or "send everything except my outcomes",
    'put_back:<part>' for "put back the money" or "don't leave out my outcomes"; the prefix alone
    when a part is asked about but not named; None when no part is asked about."""
    review = spec("review")
    parts = content()["record"]["parts"]
    found = choose(
        clean,
        [
            {"value": p, "label": review["leave_out"]["label"].format(part=s["name"]), "words": s["words"]}
            for p, s in parts.items()
        ],
    )
    leave = any(has(clean, w) for w in review["leave_out"]["words"])
    put_back = any(has(clean, w) for w in review["put_back"]["words"])
    negative = any(has(clean, w) for w in review["negative_words"])
    if not found:
        # "remove my phone number" is a change; "include everything" a confirmation.
        return LEAVE_OUT_PREFIX if leave and not _names_a_field(clean) and not negative else None
    if put_back:
        return (LEAVE_OUT_PREFIX if negative else PUT_BACK_PREFIX) + found
    if leave:
        return (PUT_BACK_PREFIX if negative else LEAVE_OUT_PREFIX) + found
    # A part named with a "not" beside it is never a confirmation: "send it all but not the money".
    return LEAVE_OUT_PREFIX + found if negative else None


def _names_a_field(clean: str) -> bool:
    return any(has(clean, w) for f in content()["fields"].values() for w in [f["label"], *f["words"]])


def _says_dont_send(clean: str) -> bool:
    return any(has(clean, w) for w in spec("review")["dont_send_words"])


def is_strict(question: str, answers: dict) -> bool:
    """Whether an answer that passes this question's check cannot be anything else
    (a date, an NHS number, a postcode, a phone number or an email address)."""
    if question == "contact_detail":
        return answers.get("contact_method") in ("phone", "text", "email")
    return question in ("date_of_birth", "nhs_number", "postcode")


def parse(question: str, text: str, answers: dict, area_known: bool, today: dt.date) -> validate.Checked:
    """Check one answer. A valid value, or an error code naming what to tell the person."""
    clean = norm(text)
    if question == "review":
        part = _part_request(clean)
        if part in (LEAVE_OUT_PREFIX, PUT_BACK_PREFIX):
            return validate.invalid("which_part")
        if part:
            return validate.valid(part)
        if _says_dont_send(clean):  # "please don't send it": never a confirmation
            return validate.invalid("dont_send")
        change = _change_request(clean, answers, area_known)
        confirmed = choose(clean, [{"value": CONFIRM, **spec("review")["confirm"]}])
        # "Yes that's correct, send it": "correct" is a change word only with an answer named
        # ("correct my postcode") or a "no" beside it ("no, that's not right").
        names_a_field = _names_a_field(clean)
        if (
            change == CHANGE_PREFIX
            and confirmed
            and not names_a_field
            and not any(has(clean, w) for w in spec("review")["not_words"])
        ):
            return validate.valid(CONFIRM)
        if change == CHANGE_PREFIX:
            return validate.invalid("change_which")
        if change:
            return validate.valid(change)
        if choose(clean, [{"value": CONFIRM, **spec("review")["confirm"]}]):
            return validate.valid(CONFIRM)
        return validate.invalid("choose")
    if question in OPTIONAL and says_dont_know(clean, content()["dont_know_words"]):
        return validate.valid(DONT_KNOW)
    if question == "area":
        area = resolve_area(text)
        found = choose(clean, options("area"))
        return validate.valid(area.id if area else found) if (area or found) else validate.invalid("choose")
    if question == "communication_needs":
        return _communication_needs(clean, text)
    if question == "best_time":
        found = choose(clean, options(question))
        if found:
            return validate.valid(found)
        # In their own words, a time: "after 3pm", "weekdays before 10", "Tuesdays".
        if not _TIME_WORDS.search(clean):
            return validate.invalid("best_time")
        return validate.short_text(text, spec(question)["max_chars"])
    if question == "anything_else":
        # "No, nothing else", or their own words.
        if choose(clean, options(question)) is not None:
            return validate.valid("")
        return validate.short_text(text, spec(question)["max_chars"])
    if question == "contact_method":
        typed = _typed_contact(text)
        if typed:
            return validate.valid(typed)
    if options(question):
        found = choose(clean, options(question))
        return validate.valid(found) if found is not None else validate.invalid("choose")
    return _free_text(question, text, answers, today)


# A phone number or email address typed at "how would you like the team to contact you?" answers
# that question and the next: stored as "<method>=<detail>" and split by store().
DETAIL_MARK = "="


def _typed_contact(text: str) -> str | None:
    found = _WITHIN["contact_detail"].findall(text or "")
    if len(found) != 1:
        return None
    for method, check in (("email", validate.email), ("phone", validate.phone)):
        checked = check(found[0])
        if checked.ok:
            return f"{method}{DETAIL_MARK}{checked.value}"
    return None


_TIME_WORDS = re.compile(
    r"\d|\b(am|pm|noon|midday|lunch|lunchtime|morning|mornings|afternoon|afternoons|evening|"
    r"evenings|night|weekday|weekdays|weekend|weekends|monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday|mondays|tuesdays|wednesdays|thursdays|fridays|saturdays|sundays|"
    r"before|after|between|early|late|o'clock|oclock|today|tomorrow)\b"
)


# Where a detail sits inside a sentence ("it's ME14 1XX", "call me on 07700 900123").
_WITHIN = {
    "postcode": re.compile(r"\b[A-Za-z]{1,2}[0-9][A-Za-z0-9]?\s*[0-9][A-Za-z]{2}\b"),
    "nhs_number": re.compile(r"(?<!\d)\d{3}[\s-]?\d{3}[\s-]?\d{4}(?!\d)"),
    "contact_detail": re.compile(r"\S+@\S+\.[^\s.,;]+|(?:\+44|0)[\d\s()-]{9,16}\d"),
    "date_of_birth": re.compile(r"\d{1,2}(?:st|nd|rd|th)?[\s/.-]+(?:\d{1,2}|[A-Za-z]{3,9})[\s/.,-]+\d{2,4}"),
}


def _free_text(question: str, text: str, answers: dict, today: dt.date) -> validate.Checked:
    checked = _check(question, text, answers, today)
    if checked.ok or question not in _WITHIN:
        return checked
    found = _WITHIN[question].findall(text or "")
    if len(found) == 1:
        inner = _check(question, found[0], answers, today)
        if inner.ok:
            return inner
    return checked


def _check(question: str, text: str, answers: dict, today: dt.date) -> validate.Checked:
    if question == "name":
        return validate.name(text)
    if question == "date_of_birth":
        return validate.date_of_birth(text, today)
    if question == "nhs_number":
        return validate.nhs_number(text)
    if question == "postcode":
        return validate.postcode(text)
    if question == "contact_detail":
        method = answers.get("contact_method")
        if method == "phone":
            return validate.phone(text)
        if method == "text":
            return validate.phone(text, mobile_only=True)
        if method == "email":
            return validate.email(text)
    return validate.short_text(text, spec(question)["max_chars"])


def _communication_needs(clean: str, text: str) -> validate.Checked:
    """One or more needs ("large print and BSL"), "none", or the person's own words."""
    needs = [
        o["value"]
        for o in options("communication_needs")
        if o["value"] != "none" and any(has(clean, w) for w in [o["label"], *o["words"]])
    ]
    if needs:
        return validate.valid(",".join(needs))
    if choose(clean, options("communication_needs")) == "none":
        return validate.valid("none")
    checked = validate.short_text(text, spec("communication_needs")["max_chars"])
    return validate.valid("other:" + checked.value) if checked.ok else checked


def understand(
    question: str, text: str, answers: dict, area_known: bool, nlu_says_question: bool, today: dt.date
) -> Reading:
    """An answer, a question to answer as an FAQ first, or unclear with its problem: ASKED_WHY
    (the person asked why we need it), REQUIRED ("I don't know" to a question the team needs),
    or an error code from content/intake.yml `errors`.
    """
    clean = norm(text)
    if says_why(clean) and len(clean) < 60:
        return Reading.unclear(ASKED_WHY, about=question)
    if len(text or "") > max(MAX_ANSWER_CHARS, spec(question).get("max_chars", 0) + 20):
        return Reading.unclear("too_long")
    needed = question not in OPTIONAL and "required" in spec(question)
    dont_know = needed and says_dont_know(clean, content()["dont_know_words"])
    if dont_know and not options(question):
        # Before the check: "I don't know" would otherwise pass as a name or a relationship.
        return Reading.unclear(REQUIRED, about=question)
    checked = parse(question, text, answers, area_known, today)
    # Only a message that reads as a question is answered as one: "1/1/2031" (a date in
    # the future) may look like an FAQ to the NLU, but it needs "that date is in the future".
    if nlu_says_question and looks_like_question(text):
        return Reading.question()
    if checked.ok:
        return Reading.answer(checked.value)
    return Reading.unclear(REQUIRED, about=question) if dont_know else Reading.unclear(checked.error)


def store(answers: dict, question: str, value: str, now: dt.datetime) -> dict:
    """The answers after this one: consent notes when and to which notice; a change at the
    review removes that answer (and those that depend on it) so it is asked again."""
    if question == "consent":
        answers = {k: v for k, v in answers.items() if k != CONSENT_RECORD}
        if value == AGREE:
            record = {
                "at": now.isoformat(timespec="seconds"),
                "notice": content()["privacy_notice_version"],
                # The record's id, fixed now so that sending twice makes one record.
                "id": secrets.token_hex(16),
            }
            return {CONSENT_RECORD: record, **answers, question: value}
        return {**answers, question: value}
    if question == "contact_method" and DETAIL_MARK in value:
        method, detail = value.split(DETAIL_MARK, 1)
        return {**answers, "contact_method": method, "contact_detail": detail}
    if question == "review" and value.startswith((LEAVE_OUT_PREFIX, PUT_BACK_PREFIX)):
        prefix, part = value.split(":", 1)
        left = set(answers.get(LEFT_OUT, []))
        left = left | {part} if prefix + ":" == LEAVE_OUT_PREFIX else left - {part}
        kept = {k: v for k, v in answers.items() if k not in ("review", LEFT_OUT)}
        # First, so "go back" (which takes the last answer away) never puts a part back unseen.
        return {LEFT_OUT: sorted(left), **kept} if left else kept
    if question == "review" and value.startswith(CHANGE_PREFIX):
        field = value[len(CHANGE_PREFIX) :]
        dropped = {field, "review"} | {q for q, parent in DEPENDS_ON.items() if parent == field}
        return {k: v for k, v in answers.items() if k not in dropped}
    return {**answers, question: value}


# Who the eligibility check was for -> who is filling in the details.
WHO_FOR_TO_FILLED_BY = {"self": "self", "carer": "family", "professional": "professional"}


def carry_who_for(question: str, answers: dict, who_for: str | None) -> dict:
    """As the person agrees to give details, who the eligibility check was for answers "who is
    filling this in?" (shown at "check your answers", where it can be changed)."""
    filled_by = WHO_FOR_TO_FILLED_BY.get(who_for or "")
    if question != "consent" or answers.get("consent") != AGREE or "filled_by" in answers or filled_by is None:
        return answers
    return {**answers, "filled_by": filled_by}


def summary(answers: dict) -> list[tuple[str, str, str]]:
    """(question, label, answer as shown) for every answer, in the order asked."""
    fields = content()["fields"]
    rows = []
    for q in fields:
        if q in answers:
            rows.append((q, fields[q]["label"], show(q, answers[q], answers)))
    return rows


def show(question: str, value: str, answers: dict) -> str:
    """An answer as the person would write it."""
    if value == DONT_KNOW:
        return content()["not_given"]
    if question == "area":
        area = resolve_area(value)
        return area.name if area else value
    if question == "date_of_birth":
        return validate.show_date(value)
    if question == "nhs_number":
        return validate.show_nhs_number(value)
    if question == "contact_detail" and answers.get("contact_method") in ("phone", "text"):
        return validate.show_phone(value)
    if question == "communication_needs":
        labels = {o["value"]: o["label"] for o in options(question)}
        return ", ".join(labels.get(v, v[len("other:") :] if v.startswith("other:") else v) for v in value.split(","))
    if question == "anything_else" and not value:
        return content()["none_given"]
    labels = {o["value"]: o["label"] for o in options(question)}
    return labels.get(value, value)
