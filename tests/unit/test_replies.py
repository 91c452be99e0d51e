import dataclasses
import datetime as dt

import pytest

from bot.areas import get_area
from bot.messages import all_messages, placeholders, render
from bot.replies import TOPICS, area_choice_buttons, area_only_replies, misunderstanding_replies, topic_replies

UTC = dt.timezone.utc
OPEN = dt.datetime(2026, 11, 25, 11, 0, tzinfo=UTC)  # a Wednesday morning
EVENING = dt.datetime(2026, 11, 27, 19, 0, tzinfo=UTC)  # a Friday evening


def texts(replies):
    return "\n".join(r.text or r.response for r in replies)


def test_cornwall_talk_to_person_never_says_open_or_closed_from_example_hours():
    for now in (OPEN, EVENING):
        said = texts(topic_replies("talk_to_person", get_area("cornwall-and-isles-of-scilly"), now))
        assert "01726 627659" in said
        assert "open now" not in said and "closed now" not in said  # made up from example hours
        assert "Opening hours: Monday to Friday" in said or "Opening hours:" in said
        assert "example only" in said  # the hours are examples, and it says so
        assert "(example only)" not in said.split("Opening hours")[0]  # the phone number is real


def real_hours(area):
    return dataclasses.replace(area, opening_hours=dataclasses.replace(area.opening_hours, example=False))


def test_real_hours_say_open_now():
    said = texts(topic_replies("talk_to_person", real_hours(get_area("cornwall-and-isles-of-scilly")), OPEN))
    assert "open now, until 5pm" in said


def test_out_of_hours_says_when_the_team_next_opens():
    said = texts(topic_replies("talk_to_person", real_hours(get_area("cornwall-and-isles-of-scilly")), EVENING))
    assert "closed now" in said and "on Monday at 9am" in said


def test_example_contacts_are_marked():
    said = texts(topic_replies("talk_to_person", get_area("kent-and-medway"), OPEN))
    assert "01632 960000 (example only)" in said
    assert "not real yet" in said


def test_unknown_area_gets_a_general_answer_and_is_asked():
    replies = topic_replies("how_to_start", None, OPEN)
    assert replies[0].text.startswith("The first step")
    assert "care manager" in texts(replies)
    assert replies[-1].buttons == area_choice_buttons()
    assert not any(ch.isdigit() for ch in texts(replies[1:-1])), "no phone numbers for an unknown area"


def test_area_buttons_are_built_from_config_with_somewhere_else_last():
    buttons = area_choice_buttons()
    assert [b["title"] for b in buttons] == ["Cornwall and the Isles of Scilly", "Kent and Medway", "Somewhere else"]
    assert buttons[1]["payload"] == '/inform_area{"area": "kent-and-medway"}'


@pytest.mark.parametrize("topic", sorted(TOPICS))
@pytest.mark.parametrize("area_id", ["default", "kent-and-medway", "cornwall-and-isles-of-scilly"])
@pytest.mark.parametrize("now", [OPEN, EVENING])
def test_every_topic_answers_for_every_area(topic, area_id, now):
    area = get_area(area_id)
    replies = topic_replies(topic, area, now)
    assert replies and all((r.text or r.response).strip() for r in replies)
    assert area_only_replies(topic, area, now)


def test_local_offer_lists_the_area_groups():
    said = texts(topic_replies("local_offer", get_area("cornwall-and-isles-of-scilly"), OPEN))
    assert "opiate" in said and "decides" in said


def test_misunderstanding_escalates_to_menu_and_contacts():
    first = misunderstanding_replies(False, False, get_area("default"), OPEN)
    assert first[0].text == render("not_understood") + "\n" + render("urgent_line")
    oos = misunderstanding_replies(False, True, get_area("default"), OPEN)
    assert oos[0].text == render("out_of_scope") + "\n" + render("urgent_line")
    second = misunderstanding_replies(True, False, get_area("cornwall-and-isles-of-scilly"), OPEN)
    assert second[1].response == "utter_menu"
    assert "01726 627659" in texts(second)


def test_messages_refuse_missing_or_extra_values():
    with pytest.raises(KeyError):
        render("area_set")
    with pytest.raises(KeyError):
        render("start_again", name="x")


def test_every_message_renders():
    for key, template in all_messages().items():
        if isinstance(template, str):
            assert render(key, **{p: "x" for p in placeholders(template)})


@pytest.mark.parametrize("topic", ["talk_to_person", "how_to_start"])
def test_a_known_team_is_offered_the_persons_details_and_an_unknown_one_is_not(topic):
    replies = topic_replies(topic, get_area("kent-and-medway"), OPEN)
    assert replies[-1].buttons == (
        {"title": "Leave my details for the team", "payload": "Leave my details for the team"},
    )
    unknown = topic_replies(topic, get_area("default"), OPEN)
    assert not any("Leave my details" in str(r.buttons) for r in unknown)


def test_the_widget_gives_the_same_urgent_help_as_the_assistant_when_it_cannot_reach_it():
    """The widget (when the chat page cannot be reached) and the page's script (when a post
    fails) cannot fetch content then, so each keeps its own copy of the urgent-help lines: they
    must be the same as content/messages.yml's."""
    import json
    import pathlib
    import re

    src = pathlib.Path(__file__).resolve().parents[2] / "widget" / "src"
    expected = render("urgent_help").splitlines()
    widget = (src / "phb-chat.js").read_text()
    heading = re.search(r'errorUrgent: "([^"]*)"', widget).group(1)
    block = re.search(r"errorUrgentLines: \[(.*?)\]", widget, re.DOTALL).group(1)
    in_widget = re.findall(r'"((?:[^"\\]|\\.)*)"', block)
    assert [heading] + [f"- {line}" for line in in_widget] == expected
    page = (src / "phb-page.js").read_text()
    heading = re.search(r'errorUrgent: "([^"]*)"', page).group(1)
    block = re.search(r"errorUrgentLines: (\[\s*\[.*?\]\s*\])", page, re.DOTALL).group(1)
    assert [heading] + [f"- {''.join(parts)}" for parts in json.loads(block)] == expected
