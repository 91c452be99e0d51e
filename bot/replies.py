"""What to say for answers that depend on the person's area.

Words live in content/messages.yml and domain.yml, facts in content/areas/.
This module only decides what to say, so it is tested without Rasa.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import pathlib
import re
from dataclasses import dataclass, replace

import yaml

from bot.areas import DEFAULT_AREA_ID, Area, all_areas, areas_for_choice
from bot.hours import availability, say_time, say_weekly, say_when
from bot.messages import all_messages, render


def pronouns(someone_else: bool) -> dict:
    """'you' for a person asking for themselves, 'they' for someone asking for another person."""
    if someone_else:
        return {"you": "they", "your": "their", "them": "them", "You": "They", "Your": "Their"}
    return {"you": "you", "your": "your", "them": "you", "You": "You", "Your": "Your"}


def fill(template: str, someone_else: bool, **extra) -> str:
    """A content template with its pronouns and `extra` filled in, on one line."""
    return " ".join(template.format(**pronouns(someone_else), **extra).split())


@dataclass(frozen=True)
class Reply:
    """One message: plain text, or the name of a domain response; optional buttons."""

    text: str | None = None
    response: str | None = None
    buttons: tuple = ()
    progress: tuple[int, int] | None = None  # (question number, how many): the widget draws a bar
    # The conversation is done with (an intake was sent): the widget goes on under a new id.
    new_conversation: bool = False


def say(key: str, **values: str) -> Reply:
    return Reply(text=render(key, **values))


def with_urgent_line(reply: Reply) -> Reply:
    """A reply that says we did not understand, with 999 and NHS 111 on its last line: the
    message we could not read may have been a crisis the safety net missed."""
    line = render("urgent_line")
    if reply.text is None or line in reply.text:
        return reply
    return replace(reply, text=f"{reply.text}\n{line}")


def with_urgent_help(text: str) -> str:
    """A message that reports a failure, with 999, NHS 111, 111 option 2 and Samaritans after it:
    whoever meets a failure may have come for urgent help."""
    return f"{text}\n{render('urgent_help')}"


def contact_lines(area: Area) -> str:
    labels, mark = all_messages()["contact_labels"], all_messages()["example_mark"]
    return "\n".join(f"{labels[c.kind]}: {c.value}{mark if c.example else ''}" for c in area.contacts)


def team_contacts(area: Area, now: dt.datetime) -> list[Reply]:
    """How to reach the area's team, and whether it is open now."""
    if not area.contacts:
        return [Reply(text=area.first_contact)]
    replies = [Reply(text=contact_lines(area))]
    if any(c.example for c in area.contacts):
        replies.append(say("example_contacts_note"))
    hours = area.opening_hours
    if hours and hours.weekly:
        # Open or closed "now" only from real hours: from example hours it would be made up.
        status = None if hours.example else availability(hours, now)
        if status and status.open_now:
            replies.append(say("team_open_now", closes_at=say_time(status.closes_at)))
        elif status and status.next_open:
            replies.append(say("team_closed", next_open=say_when(status.next_open, now)))
        replies.append(say("team_hours", weekly=say_weekly(hours)))
        if hours.example:
            replies.append(say("example_hours_note"))
    return replies


def offer_intake() -> Reply:
    """The offer to leave details for the team (only where we know the team)."""
    label = render("offer_intake_button")
    return Reply(text=render("offer_intake"), buttons=({"title": label, "payload": label},))


def _talk_to_person(area: Area, now: dt.datetime) -> list[Reply]:
    if area.is_default:
        return [Reply(text=area.first_contact)]
    return [say("talk_to_person", team_name=area.team_name), *team_contacts(area, now), offer_intake()]


def _how_to_start(area: Area, now: dt.datetime) -> list[Reply]:
    replies = [Reply(text=area.first_contact)]
    if not area.is_default:
        replies += [*team_contacts(area, now), offer_intake()]
    return replies


def _local_offer(area: Area, now: dt.datetime) -> list[Reply]:
    replies = [Reply(text=area.local_offer_summary)]
    if area.local_offer_groups:
        groups = "\n".join(f"- {g.label}" for g in area.local_offer_groups)
        replies.append(say("local_offer_groups", area_name=area.name, groups=groups))
    return replies


def _armed_forces(area: Area, now: dt.datetime) -> list[Reply]:
    return [Reply(text=area.armed_forces)]


def _something_else(area: Area, now: dt.datetime) -> list[Reply]:
    """After "did you mean" missed: the team can answer, and how to reach it."""
    return _how_to_start(area, now)


# Topics whose first words say the assistant could not answer: they carry 999 and NHS 111 too.
COULD_NOT_ANSWER = frozenset({"something_else"})

# topic -> (message key said once whatever the area, or None; area-specific replies)
TOPICS = {
    "talk_to_person": (None, _talk_to_person),
    "something_else": ("something_else", _something_else),
    "how_to_start": ("how_to_start", _how_to_start),
    "local_offer": (None, _local_offer),
    "armed_forces": ("armed_forces", _armed_forces),
}


def area_choice_buttons() -> tuple[dict, ...]:
    """One button per shipped area, the generic default ('Somewhere else') last."""
    return tuple(
        {"title": a.choice_label, "payload": "/inform_area" + json.dumps({"area": a.id})} for a in areas_for_choice()
    )


def topic_replies(topic: str, area: Area | None, now: dt.datetime) -> list[Reply]:
    """The full answer on `topic`. With no known area: a general answer, then ask for it."""
    national, for_area = TOPICS[topic]
    replies = [say(national)] if national else []
    if topic in COULD_NOT_ANSWER:
        replies = [with_urgent_line(r) for r in replies]
    if area is None:
        replies += for_area(all_areas()[DEFAULT_AREA_ID], now)
        replies.append(Reply(text=render("ask_area"), buttons=area_choice_buttons()))
        return replies
    return replies + for_area(area, now)


def area_only_replies(topic: str, area: Area, now: dt.datetime) -> list[Reply]:
    """The area-specific part of `topic`, once the person has told us their area."""
    return TOPICS[topic][1](area, now)


TOPICS_FILE = pathlib.Path(__file__).resolve().parent.parent / "content" / "topics.yml"
CHOOSE_TOPIC = "/choose_topic"
SOMETHING_ELSE = "/something_else"


@functools.lru_cache(maxsize=1)
def topic_titles() -> dict:
    with TOPICS_FILE.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def topic_payload(label: str) -> str:
    """An FAQ answer is chosen by name (Rasa's retrieval action needs the selector's result, which a
    pressed button does not have); a guide or area answer by its intent."""
    if label.startswith("faq/"):
        return CHOOSE_TOPIC + json.dumps({"topic": label})
    return "/" + label


def did_you_mean(offers: tuple[str, ...]) -> Reply:
    """Not sure: the likeliest answers as buttons, then "Something else"."""
    titles = topic_titles()
    buttons = [{"title": titles["titles"][label], "payload": topic_payload(label)} for label in offers]
    buttons.append({"title": titles["something_else"], "payload": SOMETHING_ELSE})
    return with_urgent_line(Reply(text=render("not_sure"), buttons=tuple(buttons)))


def topic_answer(label: str | None) -> list[Reply]:
    """The FAQ answer a button named; anything else (a hand-typed payload) is not understood."""
    if label and label.startswith("faq/") and label in topic_titles()["titles"]:
        return [Reply(response=f"utter_{label}")]
    return [with_urgent_line(say("not_understood"))]


_PLACES = {"first": 0, "1": 0, "top": 0, "second": 1, "2": 1, "middle": 1, "third": 2, "3": 2}


def chosen_by_place(text: str, offered: list[dict]) -> str | None:
    """ "The second one" after "did you mean": the label of that offered button, if it names an answer."""
    words = re.findall(r"[a-z0-9]+", (text or "").lower())
    answers = [b for b in offered if b.get("payload", "").startswith(CHOOSE_TOPIC + "{")]
    places = {_PLACES[w] for w in words if w in _PLACES} | ({len(offered) - 2} if "last" in words else set())
    if len(places) != 1:
        return None
    place = places.pop()
    if not 0 <= place < len(offered) or offered[place] not in answers:
        return None
    return json.loads(offered[place]["payload"][len(CHOOSE_TOPIC) :]).get("topic")


def misunderstanding_replies(
    escalate: bool, out_of_scope: bool, area: Area, now: dt.datetime, offers: tuple[str, ...] = ()
) -> list[Reply]:
    """Unsure between answers: did you mean. First miss: ask again. A second in a row: the menu and
    how to reach a person."""
    if offers and not out_of_scope:
        return [did_you_mean(offers)]
    if escalate:
        return [with_urgent_line(say("still_not_understood")), Reply(response="utter_menu"), *team_contacts(area, now)]
    return [with_urgent_line(say("out_of_scope" if out_of_scope else "not_understood"))]
