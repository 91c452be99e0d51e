"""Understanding people as they write, over HTTP with the running servers (issue 21): "did you mean"
buttons that answer, "Something else", openings that start a guide with what they already said, and a
guide that keeps the person's own words as answers."""

from bot.replies import topic_titles
from tests.e2e.conftest import Chat, buttons_of, payload_of, text_of

URGENT = "Call 999 in an emergency, or NHS 111"


def test_a_did_you_mean_button_for_an_faq_gives_that_answer(servers):
    chat = Chat(servers["url"], area="kent-and-medway")
    replies = chat.say('/choose_topic{"topic": "faq/pay_family"}')
    assert "lives with you" in text_of(replies) and "NHS team agrees" in text_of(replies)


def test_a_hand_made_topic_payload_is_not_understood_and_says_where_urgent_help_is(servers):
    chat = Chat(servers["url"], area="kent-and-medway")
    replies = chat.say('/choose_topic{"topic": "utter_greet"}')
    assert "didn't understand" in text_of(replies) and URGENT in text_of(replies)


def test_something_else_gives_the_teams_contacts_and_offers_to_leave_details(servers):
    chat = Chat(servers["url"], area="kent-and-medway")
    replies = chat.say("/something_else")
    text = text_of(replies)
    assert "The NHS team can help with your question" in text and URGENT in text
    assert "01632 960000" in text  # Kent's (example) phone number, from its area file
    assert "Leave my details for the team" in buttons_of(replies)


def test_an_unsure_question_offers_likely_answers_and_each_button_works(servers):
    """A message between two answers ("benefits and savings": the model is unsure between the effect
    on benefits and means-testing) gets "did you mean" with buttons, "Something else" last and the
    urgent line; pressing an offered answer gives it."""
    chat = Chat(servers["url"], area="kent-and-medway")
    replies = chat.say("phb money benefits savings")
    titles = buttons_of(replies)
    assert "not sure what you're asking" in text_of(replies) and URGENT in text_of(replies)
    assert titles[-1] == "Something else" and 2 <= len(titles) <= 4
    known = set(topic_titles()["titles"].values())
    assert set(titles[:-1]) <= known
    answer = chat.say(payload_of(replies, titles[0]))
    assert text_of(answer).strip() and "not sure what you're asking" not in text_of(answer)
    assert "benefits" in text_of(answer) or "means-tested" in text_of(answer)


def test_an_opening_about_a_relative_starts_the_check_without_asking_what_it_said(servers):
    chat = Chat(servers["url"])
    replies = chat.say("my mum is 87 and gets continuing healthcare at home, could she have a personal health budget?")
    text = text_of(replies)
    assert "I'll ask a few short questions" in text and "I won't ask that again" in text
    assert "Which area do you live in?" in text
    replies = chat.say("Kent and Medway")
    text = text_of(replies)
    assert "likely to have a legal right" in text and "Who are you asking for?" not in text
    assert "they" in text  # about her, not "you"


def test_who_the_check_was_for_carries_into_leaving_details(servers):
    chat = Chat(servers["url"], area="kent-and-medway")
    chat.say("Could I get one?")
    for answer in ["For someone I care for", "Yes, 18 or over", "Yes"]:
        replies = chat.say(answer)
    chat.say("Leave my details for the team")
    replies = chat.say("Yes, I agree")
    assert "relationship" in text_of(replies) and "Who is filling this in?" not in text_of(replies)


def intake_to_contact_question(chat):
    chat.say("Leave my details for the team")
    for message in ["Yes, I agree", "Me, for myself", "Sam Testperson", "12/03/1950", "I don't know", "I don't know"]:
        replies = chat.say(message)
    assert "How would you like the team to contact you?" in text_of(replies), text_of(replies)


def test_please_ring_me_answers_the_contact_question_not_a_request_for_a_person(servers):
    chat = Chat(servers["url"], area="kent-and-medway")
    intake_to_contact_question(chat)
    replies = chat.say("please ring me")
    assert "What phone number should they call?" in text_of(replies), text_of(replies)


def test_a_number_typed_at_the_contact_question_is_taken_and_the_review_confirms_in_plain_words(servers):
    chat = Chat(servers["url"], area="kent-and-medway")
    intake_to_contact_question(chat)
    replies = chat.say("07700 900123")
    assert "best time" in text_of(replies), text_of(replies)
    chat.say("Afternoon")
    chat.say("No")
    replies = chat.say("No, nothing else")
    assert "check your answers" in text_of(replies) and "07700900123" in text_of(replies).replace(" ", "")
    replies = chat.say("yes that's correct, send it")
    assert "Your details are saved" in text_of(replies), text_of(replies)


def test_a_date_that_does_not_exist_says_so(servers):
    chat = Chat(servers["url"], area="kent-and-medway")
    chat.say("Leave my details for the team")
    for message in ["Yes, I agree", "Me, for myself", "Sam Testperson"]:
        chat.say(message)
    assert "That date doesn't exist" in text_of(chat.say("31/02/1950"))


def _typed_payloads():
    """Every button the assistant offers whose payload is words (sent through the NLU as typed)."""
    import pathlib

    import yaml

    found = []

    def walk(node):
        if isinstance(node, dict):
            payload = node.get("payload")
            if isinstance(payload, str) and not payload.startswith("/"):
                found.append(payload)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    domain = yaml.safe_load((pathlib.Path(__file__).resolve().parents[2] / "domain.yml").read_text())
    walk(domain["responses"])
    return sorted(set(found))


def test_the_assistants_own_word_buttons_are_understood_at_once(servers):
    """A button the assistant offers must never get "not sure" or "didn't understand" when pressed."""
    payloads = _typed_payloads()
    assert len(payloads) >= 10  # the menu, the check, the money guide, the coach
    for payload in payloads:
        text = text_of(Chat(servers["url"], area="kent-and-medway").say(payload))
        assert "not sure what you're asking" not in text and "didn't understand" not in text, payload
