import pytest

from bot.safety import crisis_category

URGENT = [
    ("I want to kill myself", "self_harm"),
    ("i feel suicidal tonight", "self_harm"),
    ("Suicide", "self_harm"),
    ("ive been self-harming again", "self_harm"),
    ("i keep cutting myself", "self_harm"),
    ("I just want to end it all", "self_harm"),
    ("thinking of ending my life", "self_harm"),
    ("i dont want to be alive anymore", "self_harm"),
    ("I can\u2019t go on", "self_harm"),
    ("my son took an overdose", "self_harm"),
    ("she took all her tablets", "self_harm"),
    ("he has swallowed all of his pills", "self_harm"),
    ("he took too many pills", "self_harm"),
    ("better off dead", "self_harm"),
    ("my dad can't breathe", "medical_emergency"),
    ("mum has collapsed", "medical_emergency"),
    ("he's not breathing", "medical_emergency"),
    ("I have crushing chest pain", "medical_emergency"),
    ("please call an ambulance", "medical_emergency"),
    ("this is an emergency", "medical_emergency"),
    ("i think im having a heart attack", "medical_emergency"),
    ("someone is hurting me", "danger"),
    ("I'm not safe at home", "danger"),
    ("i am in danger", "danger"),
]

ORDINARY = [
    "what is a personal health budget",
    "my dad had a stroke last year, can he get a phb",
    "can the budget pay for emergency care",
    "my mum is in hospital",
    "can i employ someone to help me",
    "how do I end my direct payment",
    "i want to stop my direct payments",
    "",
    "   ",
]


@pytest.mark.parametrize("text, category", URGENT)
def test_urgent_messages(text, category):
    assert crisis_category(text) == category


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_messages_are_not_crisis(text):
    assert crisis_category(text) is None


def test_none_is_safe():
    assert crisis_category(None) is None
