"""Urgent help over HTTP with the running servers (issue 20): each kind of crisis gets its own help,
a crisis in any state is answered at once and the guide waits, and every reply that says the
assistant did not understand still gives 999 and NHS 111.

The crisis messages are from the held-out corpus (tests/safety/corpus/), words nobody here wrote.
"""

import pytest

from bot.safety import crisis_category
from tests.e2e.conftest import Chat, text_of
from tests.safety import measure

# What only that kind's help says (domain.yml utter_crisis), besides 999 and NHS 111.
OWN_HELP = {
    "suicide_self_harm": ["116 123", "SHOUT to 85258", "option 2"],
    "medical_emergency": ["call 999 straight away"],
    "domestic_abuse": ["0808 2000 247", "press 55"],
    "danger_to_others": ["If someone is in danger now, call 999", "0808 800 5000"],
}


def heldout(category, count=1):
    """The first held-out messages of a category, in the file's order (no choosing)."""
    return [i["text"] for i in measure.load("heldout") if i["category"] == category][:count]


def assert_urgent(text):
    assert "999" in text and "111" in text, text


@pytest.mark.parametrize("category", sorted(OWN_HELP))
def test_each_kind_of_crisis_gets_its_own_help_in_a_fresh_conversation(servers, category):
    # The first three held-out messages of the kind for which the safety net finds that kind first.
    messages = [m for m in heldout(category, 40) if crisis_category(m) == measure.KIND[category]][:3]
    assert len(messages) == 3
    for message in messages:
        text = text_of(Chat(servers["url"], area="kent-and-medway").say(message))
        assert_urgent(text)
        assert all(words in text for words in OWN_HELP[category]), (message, text)


def _eligibility_answer(chat):
    chat.say("am i eligible")
    chat.say("for me")


def _intake_name(chat):
    chat.say("Leave my details for the team")
    chat.say("Yes, I agree")
    chat.say("Myself")


def _outcome_draft(chat):
    chat.say("help me write my outcomes")
    for answer in ("my grandchildren", "not sure"):
        chat.say(answer)


def _feedback_comment(chat):
    chat.say("bye")
    chat.say("Yes, it helped")


# Each state, and what the guide says it does next: a guide waits to be carried on; feedback, which
# nobody needs, simply stops asking.
STATES = {
    "an eligibility answer": (_eligibility_answer, "paused"),
    "an intake field (a name)": (_intake_name, "paused"),
    "an outcome draft": (_outcome_draft, "paused"),
    "a feedback comment": (_feedback_comment, "stopped asking"),
}


@pytest.mark.parametrize("state", sorted(STATES))
def test_a_crisis_in_any_state_is_answered_at_once_and_the_guide_waits(servers, state):
    chat = Chat(servers["url"], area="kent-and-medway")
    reach, waits = STATES[state]
    reach(chat)
    text = text_of(chat.say(heldout("suicide_self_harm")[0]))
    assert_urgent(text)
    assert "116 123" in text and waits in text, text
    assert text.index("116 123") < text.index(waits)  # the help comes first


def test_after_a_crisis_the_check_carries_on_where_it_was(servers):
    chat = Chat(servers["url"], area="kent-and-medway")
    _eligibility_answer(chat)
    assert "paused" in text_of(chat.say(heldout("domestic_abuse")[0]))
    replies = chat.say("carry on with the check")
    assert "carry on where we left off" in text_of(replies) and "Question 2 of" in text_of(replies)


def test_every_reply_that_did_not_understand_gives_999_and_111(servers):
    chat = Chat(servers["url"], area="kent-and-medway")
    for message in ("blorp flib", "zzqx wibble", ""):
        assert_urgent(text_of(chat.say(message)))
    # Inside a guide, an answer it cannot use.
    _eligibility_answer(chat)
    text = text_of(chat.say("purple elephant"))
    assert "didn't catch that" in text
    assert_urgent(text)
