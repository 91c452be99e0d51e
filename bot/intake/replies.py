"""What the assistant says while a person leaves their details (words from content/intake.yml)."""

from __future__ import annotations

import datetime as dt

from bot.areas import Area
from bot.answers import ASKED_WHY, Reading
from bot.intake.questions import LEFT_OUT, OPTIONAL, REQUIRED, content, next_question, options, progress, spec, summary
from bot import wording
from bot.intake.readable import Parts, part_name, sections
from bot.messages import render
from bot.replies import Reply, fill, team_contacts


def _fill(template: str, answers: dict, **extra) -> str:
    # Questions about the person use "you" when they fill it in themselves, else "they".
    return fill(template, answers.get("filled_by") in ("family", "professional"), **extra)


def question_text(question: str, answers: dict) -> str:
    s = spec(question)
    if "text" in s:
        return _fill(s["text"], answers)
    if question == "contact_detail":
        return _fill(s["text_" + answers.get("contact_method", "phone")], answers)
    key = "text_other" if answers.get("filled_by") in ("family", "professional") else "text_self"
    return _fill(s[key], answers)


def _button(label: str) -> dict:
    return wording.buttons([label])[0]


def ask(question: str, answers: dict, area: Area, area_known: bool, parts: Parts | None = None) -> list[Reply]:
    """The question, with a button for each option, "I don't know" where that is fine, and "Why do you ask?"."""
    c = content()
    if question == "consent":
        notice = c["privacy_notice"].format(
            team_name=area.team_name, retention_days=_retention(area), chat_hours=c["conversation_retention_hours"]
        )
        return [
            Reply(
                text=notice, buttons=tuple(_button(o["label"]) for o in options("consent")) + (_button(c["why_label"]),)
            )
        ]
    if question == "review":
        return review(answers, parts or Parts(), area.id)
    buttons = [_button(o["label"]) for o in options(question)]
    if question in OPTIONAL and question not in ("communication_needs", "anything_else", "best_time"):
        buttons.append(_button(c["dont_know_label"]))
    if question != "area":
        buttons.append(_button(c["why_label"]))
    text = question_text(question, answers)
    if question == "area":
        return [Reply(text=text, buttons=tuple(buttons))]
    n, total = progress(answers, area_known)
    text = c["progress"].format(n=n, total=total) + "\n" + text
    return [Reply(text=text, buttons=tuple(buttons), progress=(n, total))]


def review(answers: dict, parts: Parts = Parts(), area_id: str | None = None) -> list[Reply]:
    """'Check your answers': everything that will be sent, grouped as the team will read it; a
    button to change each answer, to leave out (or put back) each part other guides found, then send."""
    r = spec("review")
    left_out = answers.get(LEFT_OUT, [])
    lines = [r["text"]]
    for section in sections(answers, parts, area_id, left_out=left_out):
        lines += ["", section.title] + [f"- {row.label}: {row.value}" for row in section.rows]
    buttons = [_button(r["confirm"]["label"])]
    buttons += [_button(change_label(label)) for _, label, _ in summary(answers)]
    for part in parts.present():
        key = "put_back" if part in left_out else "leave_out"
        buttons.append(_button(r[key]["label"].format(part=part_name(part))))
    return [Reply(text="\n".join(lines), buttons=tuple(buttons))]


def change_label(field_label: str) -> str:
    return spec("review")["change_label"].format(
        field=field_label[0].lower() + field_label[1:] if not field_label.startswith("NHS") else field_label
    )


def not_understood(tries: int, reading: Reading, answers: dict) -> Reply:
    """Why the message was not used, and what to do instead (the question is then asked again)."""
    c = content()
    why = reading.problem
    if why == ASKED_WHY:
        return Reply(text=" ".join(spec(reading.about)["why"].split()))
    if why == REQUIRED:
        return Reply(text=" ".join(spec(reading.about)["required"].split()))
    if why in c["errors"]:
        question = _current(answers)
        limit = spec(question).get("max_chars", 0) if question else 0
        text = c["errors"][why].format(max_chars=limit)
        if tries >= 3:
            text += " " + " ".join(c["still_not_understood"].split())
        return Reply(text=" ".join(text.split()))
    return Reply(text=" ".join(c["still_not_understood" if tries >= 2 else "not_understood"].split()))


def _current(answers: dict) -> str | None:
    # Only for a free-text question's length limit; the area question has none.
    return next_question(answers, area_known=True)


def say(key: str) -> Reply:
    return wording.say(content(), key)


def _retention(area: Area) -> int:
    return area.retention_days or int(content()["retention_days"])


def declined(area: Area, now: dt.datetime) -> list[Reply]:
    return [Reply(text=_fill(content()["declined"], {}, team_name=area.team_name)), *team_contacts(area, now)]


def sent(area: Area, reference: str, now: dt.datetime) -> list[Reply]:
    text = content()["sent"].format(
        team_name=area.team_name,
        reference=reference,
        response_time=area.response_time or content()["response_time_unknown"],
    )
    replies = [Reply(text=text)]
    if area.response_time_example:
        replies.append(Reply(text=content()["response_time_example"]))
    c = content()
    # The details have gone to the team: what follows starts afresh, under a new conversation id, so
    # an id seen earlier cannot reach this conversation.
    return replies + [
        Reply(text=c["next"], buttons=tuple(_button(b) for b in c["next_buttons"]), new_conversation=True)
    ]


def already_sent(area: Area, reference: str, now: dt.datetime) -> list[Reply]:
    return [Reply(text=_fill(content()["already_sent"], {}, reference=reference)), *team_contacts(area, now)]


def not_saved(area: Area, now: dt.datetime) -> list[Reply]:
    c = content()
    # The urgent numbers after the team's: a failure must never leave someone without them (H1).
    return [
        Reply(text=_fill(c["not_saved"], {}, team_name=area.team_name)),
        *team_contacts(area, now),
        Reply(text=render("urgent_help")),
        Reply(text=c["try_again_prompt"], buttons=({"title": c["try_again"], "payload": "/start_intake"},)),
    ]


def no_team(area: Area) -> list[Reply]:
    return [say("no_team"), Reply(text=area.first_contact)]
