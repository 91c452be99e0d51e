"""The outcomes coach over HTTP with the running servers."""

from tests.e2e.conftest import Chat, buttons_of, text_of


def test_a_session_with_feedback_changes_and_a_summary(servers):
    chat = Chat(servers["url"], area="kent-and-medway")
    replies = chat.say("Help with my outcomes")
    assert "outcomes for your care and support plan" in text_of(replies)
    assert "What matters most to you" in text_of(replies)
    assert "working well" in text_of(chat.say("my family, and getting out"))
    assert "like to be different" in text_of(chat.say("I can get about but I'm lonely"))
    # (The model shipped with the intake reads "I'd like to see people more" as a crisis, a
    # false alarm that gets the crisis numbers: counted in docs/benchmarks.md.)
    replies = chat.say("I'd like to get out and see my friends more")
    assert "don't include other people's names" in text_of(replies) and "first outcome" in text_of(replies)

    # Bad input: a clear reply each time, and the same question again.
    assert "500 characters" in text_of(chat.say("I want to go out " * 40))
    assert "only read words" in text_of(chat.say("😀😀"))
    assert "say a bit more" in text_of(chat.say("swimming"))
    assert "only read English" in text_of(chat.say("Quiero caminar cada día con mi perro"))

    replies = chat.say("I want to go swimming")
    text = text_of(replies)
    assert "Say when, or how often" in text and "so that" in text
    assert "By [when], I will go swimming [how often] so that [why it matters to me]." in text
    assert buttons_of(replies) == ["Change it", "Keep my words"]
    replies = chat.say("Keep my words")
    assert "1. I want to go swimming" in text_of(replies) and "Add another" in buttons_of(replies)

    chat.say("Add another")
    replies = chat.say("I'll walk to the shop every day, cook my tea and see my friends so that I stay independent")
    assert "more than one outcome" in text_of(replies) and "Use the suggestion" in buttons_of(replies)
    assert "2. I will walk to the shop, cook my tea" in text_of(chat.say("Use the suggestion"))

    chat.say("Add another")
    replies = chat.say("4 hours of care a week")
    assert "names the support" in text_of(replies)
    assert "new version" in text_of(chat.say("Change it"))
    replies = chat.say("By March I will go to the lunch club every Tuesday so that I see people")
    assert "clear outcome" in text_of(replies)
    chat.say("Keep it")

    replies = chat.say("Remove one")
    assert "Which number" in text_of(replies)
    assert "from 1 to 3" in text_of(chat.say("7"))
    replies = chat.say("1")
    assert "1. I will walk to the shop" in text_of(replies)

    summary = text_of(chat.say("Finish"))
    assert "You can copy them" in summary
    assert "1. I will walk to the shop" in summary and "2. By March I will go to the lunch club" in summary
    assert "agree your outcomes with your NHS team" in summary


def test_stop_and_a_crisis_keep_what_was_drafted(servers):
    chat = Chat(servers["url"], area="cornwall-and-isles-of-scilly")
    chat.say("help me write my outcomes")
    for answer in ("my grandchildren", "not sure", "to get out more"):
        chat.say(answer)
    chat.say("By June I will swim once a week so that my back hurts less")
    chat.say("Keep it")
    replies = chat.say("I want to kill myself")
    assert "999" in text_of(replies) and "116 123" in text_of(replies)
    assert "paused" in text_of(replies)
    replies = chat.say("help with my outcomes")
    assert "carry on where we left off" in text_of(replies) and "1. By June I will swim" in text_of(replies)
    assert "stopped" in text_of(chat.say("stop"))


def test_a_button_from_elsewhere_is_answered_and_never_kept_as_a_draft(servers):
    # "Something else" (under any "did you mean") and a request button ("/talk_to_person") pressed
    # while the coach waits for the person's own words: answered, then the same question again.
    chat = Chat(servers["url"], area="kent-and-medway")
    assert "What matters most to you" in text_of(chat.say("Help with my outcomes"))
    for payload, answered in (("/something_else", "The NHS team can help"), ("/talk_to_person", "01632 960000")):
        replies = chat.say(payload)
        assert answered in text_of(replies), payload
        assert "What matters most to you" in text_of(replies), payload
        assert "working well" not in text_of(replies), payload
    assert "working well" in text_of(chat.say("my family, and getting out"))
