"""From Rasa's events to anonymous facts."""

import datetime as dt

from bot.insight.derive import Deriver, conversation_key
from bot.storage.crypto import conversation_hash

SENDER = "0123456789abcdef0123456789abcdef"
STAMP = dt.datetime(2026, 11, 25, 21, 30, tzinfo=dt.timezone.utc).timestamp()


def user(intent, text="some words", metadata=None, faq=None):
    parse = {"intent": {"name": intent}, "text": text}
    if faq:
        parse["response_selector"] = {"faq": {"response": {"intent_response_key": faq}}}
    return {
        "sender_id": SENDER,
        "event": "user",
        "text": text,
        "timestamp": STAMP,
        "parse_data": parse,
        "metadata": metadata or {},
    }


def slot(name, value):
    return {"sender_id": SENDER, "event": "slot", "name": name, "value": value, "timestamp": STAMP}


def action(name):
    return {"sender_id": SENDER, "event": "action", "name": name, "timestamp": STAMP}


def kinds(facts):
    return [(f.kind, f.detail) for f in facts]


def test_a_message_gives_codes_never_its_text_or_the_conversation_id():
    deriver = Deriver()
    facts = deriver.facts(
        user("faq", "my name is Quillon, what is a PHB?", {"area": "kent-and-medway"}, faq="faq/what_is_phb")
    )
    assert kinds(facts) == [("message", None), ("topic", "faq/what_is_phb")]
    fact = facts[0]
    assert fact.day == dt.date(2026, 11, 25) and fact.area == "kent-and-medway"
    assert fact.conversation == conversation_key(SENDER)
    assert SENDER not in repr(facts) and "Quillon" not in repr(facts)
    # Not the intake record's hash: the two tables cannot be joined.
    assert conversation_key(SENDER) != conversation_hash(SENDER)


def test_the_area_comes_from_the_website_or_the_persons_choice_and_is_remembered():
    deriver = Deriver()
    assert deriver.facts(user("greet"))[0].area is None
    deriver.facts(slot("area", "cornwall-and-isles-of-scilly"))
    assert deriver.facts(user("greet"))[0].area == "cornwall-and-isles-of-scilly"
    # An unknown or default area from outside is not taken.
    other = Deriver()
    assert other.facts(user("greet", metadata={"area": "atlantis"}))[0].area is None
    assert other.facts(user("greet", metadata={"area": "default"}))[0].area is None


def test_guides_requests_and_results():
    deriver = Deriver()
    assert kinds(deriver.facts(user("talk_to_person"))) == [
        ("message", None),
        ("topic", "talk_to_person"),
        ("handoff", None),
    ]
    assert kinds(deriver.facts(action("action_start_eligibility"))) == [("started", "eligibility")]
    assert kinds(deriver.facts(action("action_handle_misunderstanding"))) == [("fallback", None)]
    assert kinds(deriver.facts(slot("eligibility_result", "right_to_have"))) == [
        ("finished", "eligibility"),
        ("result", "right_to_have"),
    ]
    assert kinds(deriver.facts(slot("eligibility_reasons", ["chc", "s117_cto", "local:wheelchair", "note:x"]))) == [
        ("cohort", "chc"),
        ("cohort", "local_offer"),
        ("cohort", "section_117"),
    ]
    assert kinds(deriver.facts(slot("money_suggested", []))) == [("finished", "money")]
    assert kinds(deriver.facts(slot("money_suggested", ["direct_payment"]))) == [
        ("finished", "money"),
        ("suggested", "direct_payment"),
    ]
    assert [f.value for f in deriver.facts(slot("outcomes", ["a", "b", "c"]))] == [3]
    assert kinds(deriver.facts(slot("intake_reference", "PHB-AAAA-AAAA"))) == [("finished", "intake")]
    assert kinds(deriver.facts(slot("feedback_score", "helped"))) == [("feedback", "helped")]
    comment = deriver.facts(slot("feedback_comment", "great, ring 07700 900123"))
    assert comment[0].comment == "great, ring [phone]"


def test_cleared_slots_bot_messages_and_strange_events_give_nothing():
    deriver = Deriver()
    assert deriver.facts(slot("eligibility_result", None)) == []
    assert deriver.facts({"sender_id": SENDER, "event": "bot", "text": "my name is Quillon"}) == []
    assert deriver.facts({"event": "user"}) == []
    assert deriver.facts({"sender_id": SENDER, "event": "user", "parse_data": None}) != []


def test_the_area_memory_is_bounded():
    deriver = Deriver(max_conversations=2)
    for i in range(5):
        deriver.facts({**user("greet", metadata={"area": "kent-and-medway"}), "sender_id": f"s{i}"})
    assert len(deriver._areas) == 2


def test_questions_it_could_not_answer_are_counted_as_codes_never_text():
    deriver = Deriver()
    assert kinds(deriver.facts(user("nlu_fallback", "can my neighbour Quillon pay for my bins"))) == [
        ("message", None),
        ("unsure", None),
    ]
    assert kinds(deriver.facts(user("something_else", "/something_else"))) == [("message", None), ("unanswered", None)]
    chosen = user("choose_topic", '/choose_topic{"topic": "faq/respite"}')
    chosen["parse_data"]["entities"] = [{"entity": "topic", "value": "faq/respite"}]
    assert kinds(deriver.facts(chosen)) == [("message", None), ("topic", "faq/respite")]
    assert "Quillon" not in repr(deriver.facts(user("nlu_fallback", "Quillon")))
