"""The one form that runs every guide: ask, validate, result, go back, pause and stop."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import from_widget, send
from actions.eligibility import ELIGIBILITY
from actions.feedback import FEEDBACK
from actions.guide_base import ANSWER, FORM, GUIDE, TRIES, Guide
from actions.guides import GUIDES, question_replies
from actions.intake import INTAKE
from actions.money_options import MONEY_OPTIONS
from actions.outcomes import OUTCOMES
from bot.answers import (
    ASKED_WHY,
    Reading,
    looks_like_question,
    reads_as_a_question_in_own_words,
    says_go_back,
    start_mode,
)
from bot.dialogue import should_switch_guide
from bot.messages import all_messages, render
from bot.replies import Reply, say as say_message, with_urgent_line


# Requests that are never taken as an answer, even when they match a button; only a
# strictly checked detail (an email address the NLU read as "stop") is. A crisis never is.
NEVER_AN_ANSWER = {"crisis", "stop", "start_again", "go_back"}
# Small talk that its rules answer usefully ("hello", "bye for now"), even in a guide that owns the turn.
SMALL_TALK = {"greet", "goodbye", "thank", "bot_challenge"}


def model_only_crisis(message: dict) -> bool:
    """Only the NLU model, not the safety net, read this as a crisis (nlu_components/crisis_guard.py).
    The model does so for some ordinary outcome drafts ("I want to stop feeling so low")."""
    return (message.get("intent") or {}).get("name") == "crisis" and (message.get("crisis_guard") or {}).get(
        "kind"
    ) == "general"


def owns_this_turn(guide: Guide, text: str) -> bool:
    """A guide that takes people's own words keeps any message that does not read as a question."""
    return guide.owns_turn and not reads_as_a_question_in_own_words(text)


def _new_message(tracker: Tracker) -> bool:
    """Whether the form runs straight after the person's message (not on coming back
    to the form after a rule answered that message)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return True
        # The form's own step is in the tracker it sends; any other action means a rule answered.
        if event.get("event") == "action" and event.get("name") not in ("action_listen", "action_extract_slots", FORM):
            return False
    return False


def current_guide(tracker: Tracker) -> Guide | None:
    return GUIDES.get(tracker.get_slot(GUIDE) or "")


def running_guide(tracker: Tracker) -> Guide | None:
    return current_guide(tracker) if tracker.active_loop.get("name") == FORM else None


def take_answer(guide: Guide, answers: dict, question: str, value: str, tracker: Tracker) -> Dict[Text, Any]:
    """The slots to set for an answer: the answers so far, and "done" after the last one."""
    answers = guide.carry(question, guide.store(answers, question, value), tracker)
    update: Dict[Text, Any] = {guide.answers_slot: answers, TRIES: 0, **guide.answer_slots(question, value)}
    update[ANSWER] = "done" if guide.next_question(answers, tracker) is None else None
    return update


def say_not_understood(
    guide: Guide, dispatcher: CollectingDispatcher, tracker: Tracker, reading: Reading, answers: dict
) -> int:
    """Say why the message was not used (the form then asks again); returns the failed tries so far."""
    tries = int(tracker.get_slot(TRIES) or 0) + 1
    send(dispatcher, [with_urgent_line(guide.not_understood(tries, reading, answers))])
    return tries


def stays_with(
    running: Guide, dispatcher: CollectingDispatcher, tracker: Tracker, same: bool = False
) -> List[EventType] | None:
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
    answers = running.answers(tracker)
    question = running.next_question(answers, tracker)
    if question is None:
        return None
    text = tracker.latest_message.get("text") or ""
    sure = should_switch_guide((tracker.latest_message.get("intent") or {}).get("confidence"))
    if sure and not same and not owns_this_turn(running, text):
        return None
    reading = running.understand(question, text, answers, tracker, False)
    if reading.is_answer:
        return [SlotSet(k, v) for k, v in take_answer(running, answers, question, reading.value, tracker).items()]
    if same and sure:
        return []  # "carry on with the check": the form asks the current question again
    return [SlotSet(TRIES, say_not_understood(running, dispatcher, tracker, reading, answers))]


class StartGuide(Action, ABC):
    """Introduce a guide, or pick up where the person left off.

    Abstract, so the action server registers only the subclasses, which set `guide`.
    """

    @property
    @abstractmethod
    def guide(self) -> Guide: ...

    def name(self) -> Text:
        return f"action_start_{self.guide.id}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        running = running_guide(tracker)
        if running is not None:
            stay = stays_with(running, dispatcher, tracker, same=running is self.guide)
            if stay is not None:
                return stay
        answers = self.guide.answers(tracker)
        has_result = any(tracker.get_slot(s) is not None for s in self.guide.result_slots)
        if has_result and self.guide.finished is not None and running is not self.guide:
            replies = self.guide.finished(tracker)
            if replies:
                send(dispatcher, replies)
                # Nothing to ask: listen, rather than let the rule start the form on the old answers
                # (it would ask the first question again).
                return [FollowupAction("action_listen")]
        mode = start_mode(answers, has_result, running is self.guide)
        if mode == "continue":
            return []  # the form asks the current question again
        events: List[EventType] = [SlotSet(GUIDE, self.guide.id), SlotSet(ANSWER, None), SlotSet(TRIES, 0)]
        if mode == "fresh" and has_result and self.guide.reopen is not None:
            events += [SlotSet(self.guide.answers_slot, self.guide.reopen(answers))]
            events += [SlotSet(s, None) for s in self.guide.result_slots]
            mode = "resume"
        if mode == "resume":
            send(dispatcher, [self.guide.say("resume")])
            return events
        send(dispatcher, [self.guide.say("intro")])
        # A new run starts afresh: the answers and result of any earlier run are cleared, apart
        # from what the opening message said plainly ("my mum gets CHC, could she have one?").
        known = self.guide.from_opening(tracker.latest_message.get("text") or "")
        if known:
            send(dispatcher, [say_message("opening_noted")])
        return events + [SlotSet(self.guide.answers_slot, known)] + [SlotSet(s, None) for s in self.guide.result_slots]


class ActionStartEligibility(StartGuide):
    guide = ELIGIBILITY


class ActionStartMoneyCheck(StartGuide):
    guide = MONEY_OPTIONS


class ActionStartOutcomes(StartGuide):
    guide = OUTCOMES


class ActionStartIntake(StartGuide):
    guide = INTAKE


class ActionStartFeedback(StartGuide):
    guide = FEEDBACK


class ActionAskGuideAnswer(Action):
    """Ask the running guide's next question."""

    def name(self) -> Text:
        return "action_ask_guide_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        guide = current_guide(tracker)
        if guide is None:
            return []
        answers = guide.answers(tracker)
        question = guide.next_question(answers, tracker)
        if question is not None:
            send(dispatcher, guide.ask(question, answers, tracker), with_progress=from_widget(tracker))
        return []


class ValidateGuideForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_guide_form"

    async def extract_guide_answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Take a message the domain's mapping left out when it answers the question asked.

        The mapping leaves out messages with some intents (greet, stop, talk to a
        person…) so that rules can answer them. But a button the guide offered for
        this question is an answer whatever the NLU made of it ("Send my details"
        looks like "leave my details"). And a guide may list small-talk intents whose
        look-alike answers it still takes when it understands them ("Morning" for when
        to call, "Why do you ask?"). A crisis message is never taken.
        """
        guide = running_guide(tracker)
        message = tracker.latest_message or {}
        intent = (message.get("intent") or {}).get("name")
        if guide is None or tracker.get_slot(ANSWER) is not None:
            return {}
        text = message.get("text") or ""
        # A crisis the safety net found is never an answer. One only the model saw, in a guide that
        # takes people's own words, is tried as an answer (with 999 and 111 said: validate_guide_answer).
        if intent == "crisis" and not (model_only_crisis(message) and owns_this_turn(guide, text)):
            return {}
        if tracker.get_slot("requested_slot") != ANSWER or not _new_message(tracker):
            return {}
        answers = guide.answers(tracker)
        question = guide.next_question(answers, tracker)
        if question is None:
            return {}
        strict = guide.strict(question, answers)
        if intent in NEVER_AN_ANSWER - {"crisis"} and not strict:
            return {}
        offered = {b.get("payload") for reply in guide.ask(question, answers, tracker) for b in reply.buttons}
        if text in offered:
            return {ANSWER: text}
        if intent not in guide.answers_despite and not strict and not owns_this_turn(guide, text):
            return {}
        reading = guide.understand(question, text, answers, tracker, False)
        if strict and intent not in guide.answers_despite:
            return {ANSWER: text} if reading.is_answer else {}
        # In a guide that owns the turn, an unclear answer is the guide's too: it says what was wrong
        # ("I can only read English") and asks again, rather than a rule answering something else.
        # Not small talk the rules answer ("hello", "bye for now"), nor anything that reads as a question.
        unclear_but_ours = owns_this_turn(guide, text) and not looks_like_question(text) and intent not in SMALL_TALK
        if reading.is_answer or (reading.is_unclear and (reading.problem == ASKED_WHY or unclear_but_ours)):
            return {ANSWER: text}
        return {}

    async def validate_guide_answer(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        guide = current_guide(tracker)
        if slot_value is None or guide is None:
            return {}  # the slot was only cleared (start, go back): nothing to check
        answers = guide.answers(tracker)
        question = guide.next_question(answers, tracker)
        if question is None:
            return {ANSWER: "done"}
        replies = question_replies(tracker)
        reading = guide.understand(question, str(slot_value), answers, tracker, replies is not None)
        if reading.is_question:
            # A question in the middle of a guide: answer it, then ask ours again.
            send(dispatcher, replies or [])
            return {ANSWER: None}
        if reading.is_unclear:
            return {ANSWER: None, TRIES: say_not_understood(guide, dispatcher, tracker, reading, answers)}
        if model_only_crisis(tracker.latest_message or {}):
            send(dispatcher, [Reply(text=render("urgent_line"))])
        return take_answer(guide, answers, question, reading.value, tracker)


class ActionGuideResult(Action):
    """Tell the person what their answers mean, and keep it for the intake record."""

    def name(self) -> Text:
        return "action_guide_result"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        guide = current_guide(tracker)
        if guide is None:
            return []
        replies, slots = guide.result(guide.answers(tracker), tracker)
        send(dispatcher, replies, with_progress=from_widget(tracker))
        return [SlotSet(name, value) for name, value in slots.items()]


class ActionGuideGoBack(Action):
    """Forget the last answer so the form asks that question again."""

    def name(self) -> Text:
        return "action_guide_go_back"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        guide = current_guide(tracker)
        if guide is None:
            # Nothing has been asked yet in this conversation.
            send(dispatcher, [say_message("nothing_to_go_back_to")])
            return []
        answers = guide.answers(tracker)
        taken = _taken_despite_go_back(guide, answers, tracker)
        if taken is not None:
            return taken
        events: List[EventType] = []
        if not answers:
            send(dispatcher, [guide.say("nothing_to_go_back_to")])
        else:
            last = list(answers)[-1]
            answers.pop(last)
            send(dispatcher, [guide.say("went_back")])
            events.append(SlotSet(guide.answers_slot, answers))
            events += [SlotSet(k, v) for k, v in guide.answer_slots(last, None).items()]
        events += [SlotSet(ANSWER, None), SlotSet(TRIES, 0)] + [SlotSet(s, None) for s in guide.result_slots]
        if tracker.active_loop.get("name") != FORM:
            # After the result (or a pause) going back reopens the guide.
            events.append(FollowupAction(FORM))
        return events


def _taken_despite_go_back(guide: Guide, answers: dict, tracker: Tracker) -> List[EventType] | None:
    """In a guide that owns the turn, a message the model alone read as "go back" ("Wei Zhang" at
    the name question) is the answer when it answers the question and says nothing of going back:
    a detail or a draft is never lost to a misreading. The form then asks the next question."""
    text = (tracker.latest_message or {}).get("text") or ""
    if (
        tracker.active_loop.get("name") != FORM
        or not owns_this_turn(guide, text)
        or says_go_back(text, all_messages()["go_back_words"])
    ):
        return None
    question = guide.next_question(answers, tracker)
    if question is None:
        return None
    reading = guide.understand(question, text, answers, tracker, False)
    if not reading.is_answer:
        return None
    return [SlotSet(k, v) for k, v in take_answer(guide, answers, question, reading.value, tracker).items()]


class LeaveGuide(Action, ABC):
    """Leave the guide, keeping every answer so it can carry on later.

    Abstract, so the action server registers only the subclasses.
    """

    @property
    @abstractmethod
    def message(self) -> str: ...

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        guide = current_guide(tracker)
        if guide is not None:
            send(dispatcher, [guide.say(self.message)])
        return [ActiveLoop(None), SlotSet("requested_slot", None)]


class ActionPauseGuide(LeaveGuide):
    """After a crisis message: the guide waits until the person is ready."""

    message = "paused"

    def name(self) -> Text:
        return "action_pause_guide"


class ActionStopGuide(LeaveGuide):
    """The person said stop."""

    message = "stopped"

    def name(self) -> Text:
        return "action_stop_guide"
