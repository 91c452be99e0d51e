"""Ways to manage the money over HTTP with the running servers."""

from tests.e2e.conftest import Chat, buttons_of, text_of


def test_from_the_menu_to_a_direct_payment_choice_with_a_question_on_the_way(servers):
    chat = Chat(servers["url"], area="kent-and-medway")
    replies = chat.say("Ways to manage the money")
    text = text_of(replies)
    assert "Notional budget" in text and "Third party budget" in text and "Direct payment" in text
    assert "Who holds the money" in text and "mix" in text
    assert buttons_of(replies)[:2] == ["Help me choose", "More about direct payments"]

    replies = chat.say("Help me choose")
    assert "few short questions" in text_of(replies) and "Question 1 of 6" in text_of(replies)
    assert "Would you like to arrange and pay" in text_of(chat.say("Care and support"))
    assert "personal assistant" in text_of(chat.say("yes i would"))

    # A question in the middle is answered, then the same question comes again.
    replies = chat.say("what is a nominee?")
    assert "nominee is someone you choose" in text_of(replies)
    assert "Question 3 of 6" in text_of(replies)

    assert "organisation or a person you trust" in text_of(chat.say("yes"))
    replies = chat.say("banana")
    assert "didn't catch that" in text_of(replies) and "organisation or a person" in text_of(replies)
    # "Yes" does not say which; it is re-asked, and never starts the eligibility check.
    replies = chat.say("yes i think so")
    assert "organisation or a person" in text_of(replies) and "Who are you asking for" not in text_of(replies)
    assert "keeping records" in text_of(chat.say("no one"))

    replies = chat.say("I'm fine with that")
    text = text_of(replies)
    assert "these may suit you" in text and "- Direct payment" in text and "personal assistant" in text
    assert "Question 6 of 6" in text and "Not decided yet" in buttons_of(replies)

    text = text_of(chat.say("Direct payment"))
    assert "your choice: Direct payment" in text
    assert "NHS team" in text and "change it later" in text


def test_the_wheelchair_variant_after_an_eligibility_check(servers):
    chat = Chat(servers["url"], area="kent-and-medway")
    assert "Question 1 of" in text_of(chat.say("Could I get one?"))
    for answer in ("for me", "yes", "no", "no", "yes"):
        chat.say(answer)
    result = text_of(chat.say("yes i need a new one"))
    assert "personal wheelchair budget" in result

    # The right is to a wheelchair budget, so its options come first; then the other ways.
    text = text_of(chat.say("Ways to manage the money"))
    assert "Who owns the chair" in text and "NHS chair with a top-up" in text
    text = text_of(chat.say("Other ways to manage the money"))
    assert "Third party budget" in text and "Who owns the chair" not in text

    chat.say("Help me choose")
    assert "own range" in text_of(chat.say("A wheelchair or buggy"))
    assert "pay extra" in text_of(chat.say("no"))
    assert "own the chair" in text_of(chat.say("yes a charity could"))
    replies = chat.say("no")
    assert "NHS chair with a top-up" in text_of(replies) and "wheelchair service will tell you" in text_of(replies)
    assert "your choice: NHS chair with a top-up" in text_of(chat.say("NHS chair with a top-up"))


def test_stop_and_crisis_keep_the_answers(servers):
    chat = Chat(servers["url"], area="cornwall-and-isles-of-scilly")
    chat.say("which way would suit me")
    chat.say("Care and support")
    replies = chat.say("stop")
    assert "stopped the questions" in text_of(replies)
    replies = chat.say("help me choose")
    assert "carry on where we left off" in text_of(replies) and "Question 2 of" in text_of(replies)

    replies = chat.say("I want to kill myself")
    assert "999" in text_of(replies) and "116 123" in text_of(replies)
    assert "paused the questions" in text_of(replies)


def test_the_direct_payment_guide_and_switching_between_guides(servers):
    chat = Chat(servers["url"], area="kent-and-medway")
    text = text_of(chat.say("tell me more about direct payments"))
    for part in ("What you must do", "Someone to help", "Money you don't spend", "When payments can stop"):
        assert part in text

    chat.say("help me choose")
    chat.say("care and support")
    # Switching to the eligibility check keeps the money answers for later.
    assert "Who are you asking for?" in text_of(chat.say("Could I get one?"))
    replies = chat.say("help me choose")
    assert "carry on where we left off" in text_of(replies) and "Question 2 of" in text_of(replies)
