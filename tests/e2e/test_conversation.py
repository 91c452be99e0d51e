"""Real conversations over HTTP with the running servers."""

from tests.e2e.conftest import Chat, answered_or_offered_first, buttons_of, text_of


def test_a_conversation_on_cornwalls_website(servers):
    chat = Chat(servers["url"], area="cornwall-and-isles-of-scilly")
    hello = chat.say("hi")
    assert "personal health budgets" in text_of(hello)
    assert "Talk to a person" in buttons_of(hello)

    replies = chat.say("what actually is a personal health budget")
    replies = answered_or_offered_first(
        chat, replies, "What a personal health budget is", lambda text: "amount of NHS money" in text
    )
    assert "not new money" in text_of(replies)

    # About a relative's situation: the check starts with what they said (issue 21), asks only what
    # it still needs, and its result answers the question: section 2 alone brings no after-care.
    answer = text_of(chat.say("my son was detained under section 2 does he get aftercare"))
    assert "who are you asking for" not in answer.lower() and "Which section" not in answer
    while "Question" in answer and "section 2" not in answer:
        answer = text_of(chat.say("No" if "Continuing" in answer or "treatment order" in answer else "Yes, 18 or over"))
    assert "A stay under section 2, 4 or 5(2) on its own does not lead to Section 117" in answer
    assert "moved from section 2 to section 3" in answer

    # The area came from the website's metadata: Cornwall's real number, from its config.
    answer = text_of(chat.say("can i speak to someone"))
    assert "01726 627659" in answer

    answer = text_of(chat.say("whats the local offer"))
    assert "opiate" in answer

    crisis = text_of(chat.say("i can't cope any more and i want to end my life"))
    for number in ("999", "NHS 111", "option 2", "116 123"):
        assert number in crisis

    # The conversation carries on after the crisis message. "What is a notional budget?" is in the
    # frozen real-world set, never trained on: the assistant answers it, or says it is not sure and
    # offers that answer first (which of the two depends on the trained model; both are right).
    replies = chat.say("what is a notional budget")
    answered_or_offered_first(chat, replies, "Notional budgets", lambda text: "no money changes hands" in text)


def test_the_assistant_asks_for_the_area_when_it_needs_it(servers):
    chat = Chat(servers["url"])
    replies = chat.say("how do i apply for a phb")
    assert "Which area do you live in?" in text_of(replies)
    assert buttons_of(replies) == ["Cornwall and the Isles of Scilly", "Kent and Medway", "Somewhere else"]
    assert "01726" not in text_of(replies)

    answer = text_of(chat.say('/inform_area{"area": "kent-and-medway"}'))
    assert "Kent and Medway" in answer
    assert "(example only)" in answer  # Kent's source page gives no contact details


def test_conversations_are_kept_apart(servers):
    cornwall = Chat(servers["url"], area="cornwall-and-isles-of-scilly")
    cornwall.say("hello")
    stranger = Chat(servers["url"])
    answer = text_of(stranger.say("can i talk to a person"))
    assert "01726" not in answer and "care manager" in answer


def test_not_understood_twice_offers_the_menu_and_a_person(servers):
    chat = Chat(servers["url"], area="cornwall-and-isles-of-scilly")
    first = chat.say("what's the weather like tomorrow")
    assert "only help with questions about personal health budgets" in text_of(first)
    second = chat.say("tell me a joke")
    assert "still not getting it" in text_of(second)
    assert "Talk to a person" in buttons_of(second)
    assert "01726 627659" in text_of(second)


def test_start_again_keeps_the_area(servers):
    chat = Chat(servers["url"], area="cornwall-and-isles-of-scilly")
    chat.say("hi")
    replies = chat.say("start again")
    assert "start again" in text_of(replies)
    assert "01726 627659" in text_of(chat.say("phone number for the team"))
