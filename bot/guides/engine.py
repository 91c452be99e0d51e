"""The one engine that runs every guide: start, ask, take answers, result, go back, pause and stop.

Each function takes a `Turn` and returns a `Decision`; nothing here knows Rasa. Rasa's form calls
these through actions/guide_form.py: `start` when a guide is asked for, `ask` for the next
question, `extract` and `validate` when a message may be an answer, `result` once every question
is answered, `go_back` and `leave` when the person asks.
"""

from __future__ import annotations

import re

from bot import corrections
from bot.corrections import Mode
from bot.answers import (
    ASKED_WHY,
    Reading,
    looks_like_question,
    reads_as_a_question_in_own_words,
    says_go_back,
    start_mode,
)
from bot.dialogue import should_switch_guide
from bot.guides.decision import Decision
from bot.guides.guide import ANSWER, COMMANDS, FORM, GUIDE, TRIES, Guide
from bot.guides.registry import GUIDES
from bot.guides.turn import Turn
from bot.messages import all_messages, render
from bot.money_options_replies import comparison, direct_payment_guide, wheelchair_options
from bot.areas import DEFAULT_AREA_ID, get_area
from bot.replies import Reply, did_you_mean, topic_answer, topic_replies, with_urgent_line
from bot.replies import say as say_message
from bot.understanding import FALLBACK, judge

# Requests that are never taken as an answer, even when they match a button; only a
# strictly checked detail (an email address the NLU read as "stop") is. A crisis never is.
NEVER_AN_ANSWER = {"crisis", *COMMANDS}
# A button's payload that names an intent ("/talk_to_person", '/choose_topic{"topic": ...}', the
# "Something else" of a "did you mean"): what the button asks for, never words to keep as an answer.
INTENT_PAYLOAD = re.compile(r"/[a-z_]{1,64}(\{.*\})?", re.S)


def is_intent_payload(text: str) -> bool:
    return bool(INTENT_PAYLOAD.fullmatch((text or "").strip()))


# Small talk that its rules answer usefully ("hello", "bye for now"), even in a guide that owns the turn.
SMALL_TALK = {"greet", "goodbye", "thank", "bot_challenge"}

# Information a person may ask for in the middle of a guide. Their words may
# also be an answer ("a wheelchair"), so the guide tries them as one first.
INFORMATION = {
    "ask_money_options": lambda: comparison(with_next=False),
    "ask_wheelchair_budget": lambda: wheelchair_options(with_next=False),
    "ask_direct_payment_details": lambda: direct_payment_guide(with_next=False),
}


def model_only_crisis(message) -> bool:
    """Only the NLU model, not the safety net, read this as a crisis (nlu_components/crisis_guard.py).
    The model does so for some ordinary outcome drafts ("I want to stop feeling so low")."""
    return (message.get("intent") or {}).get("name") == "crisis" and (message.get("crisis_guard") or {}).get(
        "kind"
    ) == "general"


def owns_this_turn(guide: Guide, text: str) -> bool:
    """A guide that takes people's own words keeps any message that does not read as a question."""
    return guide.owns_turn and not reads_as_a_question_in_own_words(text)


# The "did you mean" label that starts each guide: never offered inside that guide ("goals" in a
# question to the outcomes coach would offer the coach itself).
STARTED_BY = {
    "eligibility": "check_eligibility",
    "money_check": "choose_money_option",
    "outcomes": "start_outcomes",
    "intake": "start_intake",
}


def did_you_mean_offers(message, guide_id: str | None) -> tuple[str, ...]:
    """The "did you mean" labels for an unsure message, leaving out the guide it is in."""
    running = STARTED_BY.get(guide_id or "")
    return tuple(label for label in judge(message).offers if label != running)


def current_guide(turn: Turn) -> Guide | None:
    return GUIDES.get(turn.slot(GUIDE) or "")


def running_guide(turn: Turn) -> Guide | None:
    return current_guide(turn) if turn.active_form == FORM else None


def question_replies(turn: Turn) -> list[Reply] | None:
    """The answer to the latest message if the NLU took it for a question we can answer, else None."""
    message = turn.message
    intent = turn.intent
    if intent in INFORMATION:
        return INFORMATION[intent]()
    if intent == "something_else" and is_intent_payload(turn.text):
        # "Something else" under a "did you mean": the team's contacts and the offer to leave
        # details, as outside a guide (the slot mapping takes it, so no rule would say it).
        return topic_replies("something_else", turn.area or get_area(DEFAULT_AREA_ID), turn.now)
    if intent == "choose_topic":  # a "did you mean" button pressed from earlier in the chat
        topic = next((e.get("value") for e in message.get("entities") or [] if e.get("entity") == "topic"), None)
        return topic_answer(topic)
    if intent == FALLBACK and looks_like_question(turn.text):
        # A question whose answer the assistant is not sure of: the likeliest answers to choose
        # from, as outside a guide, never a confident wrong one (a button brings the answer here).
        guide = current_guide(turn)
        offers = did_you_mean_offers(message, guide.id if guide else None)
        return [did_you_mean(offers)] if offers else None
    if intent != "faq":
        return None
    selected = ((message.get("response_selector") or {}).get("faq") or {}).get("response") or {}
    response = selected.get("utter_action")
    return [Reply(response=response)] if response else None


def take_answer(guide: Guide, answers: dict, question: str, value: str, turn: Turn) -> dict:
    """The slots to set for an answer: the answers so far, and "done" after the last one."""
    answers = guide.carry(question, guide.store(answers, question, value, turn), turn)
    update = {guide.answers_slot: answers, TRIES: 0, **guide.answer_slots(question, value)}
    update[ANSWER] = "done" if guide.next_question(answers, turn) is None else None
    return update


def not_understood(guide: Guide, turn: Turn, reading: Reading, answers: dict) -> Decision:
    """Why the message was not used (the form then asks again), with the failed tries so far. It
    always ends with 999 and NHS 111: the message it could not read may have been a crisis."""
    tries = int(turn.slot(TRIES) or 0) + 1
    return Decision([with_urgent_line(guide.not_understood(tries, reading, answers))], {TRIES: tries})


def stays_with(running: Guide, turn: Turn, same: bool = False) -> Decision | None:
    """In the middle of a guide, a message the NLU took for a request to start a guide
    (this one or another).

    When the NLU is sure ("help me choose", "could I get one?"), it is a request: switch
    (returns None). When it is not ("yes I think so" looked like "check if I could get
    one"), the message stays with the running guide: an answer if it answers the question
    asked, else an unclear answer and the question is asked again.

    A request for the guide that is already running (`same`) is an answer whenever it
    answers the question ("Send my details" looks like "leave my details"); else the
    question is simply asked again.
    """
    answers = running.answers(turn)
    question = running.next_question(answers, turn)
    if question is None:
        return None
    sure = should_switch_guide(turn.confidence)
    if sure and not same and not owns_this_turn(running, turn.text):
        return None
    reading = running.understand(question, turn.text, answers, turn, False)
    if reading.is_answer:
        return Decision(slots=take_answer(running, answers, question, reading.value, turn))
    if same and sure:
        return Decision()  # "carry on with the check": the form asks the current question again
    return not_understood(running, turn, reading, answers)


def start(guide: Guide, turn: Turn) -> Decision:
    """Introduce a guide, or pick up where the person left off."""
    running = running_guide(turn)
    if running is not None:
        stay = stays_with(running, turn, same=running is guide)
        if stay is not None:
            return stay
    answers = guide.answers(turn)
    has_result = any(turn.slot(s) is not None for s in guide.result_slots)
    if has_result and guide.finished is not None and running is not guide:
        replies = guide.finished(turn)
        if replies:
            # Nothing to ask: listen, rather than let the rule start the form on the old answers
            # (it would ask the first question again).
            return Decision(replies, followup="action_listen")
    mode = start_mode(answers, has_result, running is guide)
    if mode == "continue":
        return Decision()  # the form asks the current question again
    slots: dict = {GUIDE: guide.id, ANSWER: None, TRIES: 0}
    if mode == "fresh" and has_result and guide.reopen is not None:
        slots[guide.answers_slot] = guide.reopen(answers)
        slots.update({s: None for s in guide.result_slots})
        mode = "resume"
    if mode == "resume":
        return Decision([guide.say("resume")], slots)
    replies = [guide.say("intro")]
    # A new run starts afresh: the answers and result of any earlier run are cleared, apart
    # from what the opening message said plainly ("my mum gets CHC, could she have one?").
    known = guide.from_opening(turn.text)
    if known:
        replies.append(say_message("opening_noted"))
    slots[guide.answers_slot] = known
    slots.update({s: None for s in guide.result_slots})
    return Decision(replies, slots)


def ask(turn: Turn) -> Decision:
    """The running guide's next question."""
    guide = current_guide(turn)
    if guide is None:
        return Decision()
    answers = guide.answers(turn)
    question = guide.next_question(answers, turn)
    if question is None:
        return Decision()
    return Decision(guide.ask(question, answers, turn), progress=turn.from_widget)


def offered_payloads(guide: Guide, question: str, answers: dict, turn: Turn) -> set:
    """The payloads of the buttons the guide offers for `question`: always answers to it."""
    return {b.get("payload") for reply in guide.ask(question, answers, turn) for b in reply.buttons}


def extract(turn: Turn) -> dict:
    """Take a message the domain's mapping left out when it answers the question asked.

    The mapping leaves out messages with some intents (greet, stop, talk to a
    person…) so that rules can answer them. But a button the guide offered for
    this question is an answer whatever the NLU made of it ("Send my details"
    looks like "leave my details"). And a guide may list small-talk intents whose
    look-alike answers it still takes when it understands them ("Morning" for when
    to call, "Why do you ask?"). A crisis message is never taken.
    """
    guide = running_guide(turn)
    intent = turn.intent
    if guide is None or turn.slot(ANSWER) is not None:
        return {}
    text = turn.text
    # A crisis the safety net found is never an answer. One only the model saw, in a guide that
    # takes people's own words, is tried as an answer (with 999 and 111 said: `validate`).
    if intent == "crisis" and not (model_only_crisis(turn.message) and owns_this_turn(guide, text)):
        return {}
    if turn.requested_slot != ANSWER or not turn.new_message:
        return {}
    answers = guide.answers(turn)
    question = guide.next_question(answers, turn)
    if question is None:
        return {}
    strict = guide.strict(question, answers)
    if intent in NEVER_AN_ANSWER - {"crisis"} and not strict:
        return {}
    offered = offered_payloads(guide, question, answers, turn)
    if text in offered:
        return {ANSWER: text}
    if is_intent_payload(text):
        return {}  # a button from elsewhere (the menu, "did you mean"): its rule answers it
    if corrected(guide, answers, question, turn) is not None:
        return {ANSWER: text}  # "oops", "no wait": whatever the NLU made of it (validate says what it does)
    if intent not in guide.answers_despite and not strict and not owns_this_turn(guide, text):
        return {}
    reading = guide.understand(question, text, answers, turn, False)
    if strict and intent not in guide.answers_despite:
        return {ANSWER: text} if reading.is_answer else {}
    # In a guide that owns the turn, an unclear answer is the guide's too: it says what was wrong
    # ("I can only read English") and asks again, rather than a rule answering something else.
    # Not small talk the rules answer ("hello", "bye for now"), nor anything that reads as a question.
    unclear_but_ours = owns_this_turn(guide, text) and not looks_like_question(text) and intent not in SMALL_TALK
    if reading.is_answer or (reading.is_unclear and (reading.problem == ASKED_WHY or unclear_but_ours)):
        return {ANSWER: text}
    return {}


def validate(turn: Turn, value) -> Decision:
    """Check a message taken as the answer: keep it, answer a question asked instead, or say what
    was wrong (the form then asks again). The Decision's slots are the form's slot updates."""
    guide = current_guide(turn)
    if value is None or guide is None:
        return Decision()  # the slot was only cleared (start, go back): nothing to check
    answers = guide.answers(turn)
    question = guide.next_question(answers, turn)
    if question is None:
        return Decision(slots={ANSWER: "done"})
    correction = corrected(guide, answers, question, turn, str(value))
    if correction is not None:
        return correction
    replies = question_replies(turn)
    if is_intent_payload(str(value)) and str(value) not in offered_payloads(guide, question, answers, turn):
        # A button from elsewhere ("did you mean", "Something else"): what it asks for is answered
        # here (question_replies) or by its rule, never kept or checked as an answer to our question
        # (an NHS number's check would say "only digits"; an outcome would keep "/something_else").
        return Decision(replies or [], {ANSWER: None})
    reading = guide.understand(question, str(value), answers, turn, replies is not None)
    if reading.is_question:
        # A question in the middle of a guide: answer it, then ask ours again.
        return Decision(replies or [], {ANSWER: None})
    if reading.is_unclear:
        decision = not_understood(guide, turn, reading, answers)
        return Decision(decision.replies, {ANSWER: None, **decision.slots})
    said = [Reply(text=render("urgent_line"))] if model_only_crisis(turn.message) else []
    return Decision(said, take_answer(guide, answers, question, reading.value, turn))


def result(turn: Turn) -> Decision:
    """What the answers mean, and the slots that keep it for the intake record."""
    guide = current_guide(turn)
    if guide is None:
        return Decision()
    replies, slots = guide.result(guide.answers(turn), turn)
    return Decision(replies, dict(slots), progress=turn.from_widget)


def go_back(turn: Turn) -> Decision:
    """Forget the last answer so the form asks that question again."""
    guide = current_guide(turn)
    if guide is None:
        # Nothing has been asked yet in this conversation.
        return Decision([say_message("nothing_to_go_back_to")])
    answers = guide.answers(turn)
    taken = _taken_despite_go_back(guide, answers, turn)
    if taken is not None:
        return taken
    if turn.active_form == FORM:
        # "sorry, I meant for me", read as "go back": the answer it gives is taken at once.
        return corrected(guide, answers, guide.next_question(answers, turn), turn) or _forget_last(guide, answers)
    decision = _forget_last(guide, answers)
    decision.followup = FORM  # after the result (or a pause) going back reopens the guide
    return decision


def _forget_last(guide: Guide, answers: dict) -> Decision:
    """The last answer forgotten, so the form asks that question again."""
    decision = Decision()
    if not answers:
        decision.replies.append(guide.say("nothing_to_go_back_to"))
    else:
        last = list(answers)[-1]
        answers = {k: v for k, v in answers.items() if k != last}
        decision.replies.append(guide.say("went_back"))
        decision.slots[guide.answers_slot] = answers
        decision.slots.update(guide.answer_slots(last, None))
    decision.slots.update({ANSWER: None, TRIES: 0, **{s: None for s in guide.result_slots}})
    return decision


# What the NLU often makes of a correction ("oops" is bot_challenge, "no wait" deny). A crisis, stop,
# start again, a request for a person or for another guide keeps its own rule.
CORRECTABLE = frozenset(
    {FALLBACK, "faq", "affirm", "deny", "dont_know", "answer", "bot_challenge", "greet", "goodbye", "thank"}
    | {"out_of_scope", "something_else", "go_back", "inform_area", None}
)
# Requests with a fixed reply that the NLU also makes of a correction ("sorry, I meant for me" as a
# medical question): a correction only when it says outright what it meant, that is not a question,
# and it answers one of ours. "Oops, my leg hurts" and "sorry I meant can I take ibuprofen with my
# tablets" still get their own reply.
CORRECTABLE_IF_MEANT = frozenset({"medical_question", "what_can_you_do"})


def corrected(
    guide: Guide, answers: dict, question: str | None, turn: Turn, text: str | None = None
) -> Decision | None:
    """A message that takes back the last answer instead of answering `question` (bot/corrections.py):
    "no wait" asks again; "sorry, I meant for me" changes the last answer to what it says; "oops"
    goes back to it. After a failed try at `question`, what it says is tried there first."""
    mode = guide.corrections(question, answers) if question is not None else None
    asks = turn.intent in CORRECTABLE_IF_MEANT
    if mode is None or not (asks or turn.intent in CORRECTABLE) or model_only_crisis(turn.message):
        return None  # a crisis only the model saw is tried as the answer, with 999 and 111 (validate)
    if turn.intent == "something_else" and turn.after_did_you_mean:
        return None  # "not what I meant" answers the "did you mean" offer
    text = turn.text if text is None else text
    correction = corrections.read(text, mode)
    if correction is None:
        return None
    # "Oops, what is a direct payment?" is a question: answered as one, not a step back. Where any
    # words are an answer, only an open question counts ("sorry I meant will walk…" is a draft).
    question_like = looks_like_question if asks or mode is Mode.CHOICE else reads_as_a_question_in_own_words
    if correction.rest and question_like(correction.rest):
        return None
    if asks and not correction.meant:
        return None
    if correction.kind is corrections.Kind.MAYBE_CHANGE or correction.inside:
        if guide.understand(question, text, answers, turn, False).is_answer:
            return None  # "actually, yes", "wait, yes": an answer to the question asked
    if correction.kind is corrections.Kind.WAIT:
        return Decision([say_message("take_your_time")], {ANSWER: None})
    last = list(answers)[-1] if answers else None
    before = {k: v for k, v in answers.items() if k != last}
    earlier = guide.next_question(before, turn) if last is not None else None
    places = [(earlier, before), (question, answers)]
    if correction.kind is corrections.Kind.MAYBE_CHANGE:
        places = places[:1]
    elif correction.asked_first or int(turn.slot(TRIES) or 0):
        places.reverse()
    already_kept = False
    for place, known in places:
        if place is None or not correction.rest:
            continue
        if known is before and not correction.meant and guide.corrections(place, known) is not Mode.CHOICE:
            continue  # "oops, she's his wife" is not a name: only "I meant…" changes one
        reading = guide.understand(place, correction.rest, known, turn, False)
        if not reading.is_answer:
            continue
        changed = known is before
        if changed and place == last and answers[last] == reading.value:
            # "Sorry, I meant for me" when that is the answer kept: where answers are chosen it may
            # answer the question asked instead ("oops, yes"); where any words are an answer it
            # would always seem to, so it does not. Either way, say nothing changed rather than
            # ask again in silence.
            already_kept = True
            if mode is Mode.CHOICE:
                continue
            break
        slots = {**(guide.answer_slots(last, None) if changed else {}), **{s: None for s in guide.result_slots}}
        slots.update(take_answer(guide, known, place, reading.value, turn))
        # Only an answer the person gave is "changed"; a question the opening left out ("sorry I
        # meant yes" to the one asked after it) is simply answered.
        return Decision([say_message("answer_changed")] if changed and place == last else [], slots)
    if already_kept:
        return Decision([say_message("answer_kept")], {ANSWER: None, TRIES: 0})
    if asks:
        return None  # what it meant answers nothing here: the request keeps its own reply
    if correction.kind is corrections.Kind.MAYBE_CHANGE or (correction.asked_first and correction.rest):
        return None  # "wrong, I'm her son": not clearly about the last answer, so tried as this one's
    return _forget_last(guide, answers)


def _taken_despite_go_back(guide: Guide, answers: dict, turn: Turn) -> Decision | None:
    """In a guide that owns the turn, a message the model alone read as "go back" ("Wei Zhang" at
    the name question) is the answer when it answers the question and says nothing of going back:
    a detail or a draft is never lost to a misreading. The form then asks the next question."""
    text = turn.text
    if (
        turn.active_form != FORM
        or not owns_this_turn(guide, text)
        or says_go_back(text, all_messages()["go_back_words"])
    ):
        return None
    question = guide.next_question(answers, turn)
    if question is None:
        return None
    reading = guide.understand(question, text, answers, turn, False)
    if not reading.is_answer:
        return None
    return Decision(slots=take_answer(guide, answers, question, reading.value, turn))


def leave(turn: Turn, message: str) -> Decision:
    """Leave the guide, keeping every answer so it can carry on later ("paused" after a crisis
    message, "stopped" when the person says stop)."""
    guide = current_guide(turn)
    return Decision([guide.say(message)] if guide is not None else [], leave_form=True)
