"""The eligibility check as a Rasa form. The questions and rules are in bot/eligibility.py."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import AREA_SLOT, send, stored_area, utc_now
from bot.eligibility import area_for, assess, next_question, start_mode, understand
from bot.eligibility_replies import ask, not_understood, result_replies, say

FORM = "eligibility_form"
ANSWER = "eligibility_answer"
ANSWERS = "eligibility_answers"
TRIES = "eligibility_failed_tries"
RESULT = "eligibility_result"
REASONS = "eligibility_reasons"


def answers_of(tracker: Tracker) -> dict:
    return dict(tracker.get_slot(ANSWERS) or {})


def faq_response(tracker: Tracker) -> str | None:
    """The FAQ response chosen for the latest message, if the NLU took it for an FAQ."""
    message = tracker.latest_message
    if (message.get("intent") or {}).get("name") != "faq":
        return None
    selected = ((message.get("response_selector") or {}).get("faq") or {}).get("response") or {}
    return selected.get("utter_action")


class ActionStartEligibility(Action):
    """Introduce the check, or pick up where the person left off."""

    def name(self) -> Text:
        return "action_start_eligibility"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        mode = start_mode(answers_of(tracker), bool(tracker.get_slot(RESULT)), tracker.active_loop.get("name") == FORM)
        if mode == "continue":
            return []  # the form asks the current question again
        if mode == "resume":
            send(dispatcher, [say("resume")])
            return [SlotSet(ANSWER, None), SlotSet(TRIES, 0)]
        send(dispatcher, [say("intro")])
        # A new check starts afresh: the answers and result of any earlier check are cleared.
        return [SlotSet(ANSWERS, {}), SlotSet(ANSWER, None), SlotSet(TRIES, 0), SlotSet(RESULT, None), SlotSet(REASONS, None)]


class ActionAskEligibilityAnswer(Action):
    """Ask the next question, numbered, with a button for each answer."""

    def name(self) -> Text:
        return "action_ask_eligibility_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        answers, area = answers_of(tracker), stored_area(tracker)
        question = next_question(answers, area_for(answers, area))
        if question is not None:
            send(dispatcher, [ask(question, answers, area_for(answers, area))])
        return []


class ValidateEligibilityForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_eligibility_form"

    async def validate_eligibility_answer(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if slot_value is None:
            return {}  # the slot was only cleared (start, go back): nothing to check
        answers, known = answers_of(tracker), stored_area(tracker)
        area = area_for(answers, known)
        question = next_question(answers, area)
        if question is None:
            return {ANSWER: "done"}
        faq_answer = faq_response(tracker)
        kind, value = understand(question, str(slot_value), area, nlu_says_faq=bool(faq_answer))
        if kind == "question":
            # A question in the middle of the check: answer it, then ask ours again.
            dispatcher.utter_message(response=faq_answer)
            return {ANSWER: None}
        if kind == "unclear":
            tries = int(tracker.get_slot(TRIES) or 0) + 1
            send(dispatcher, [not_understood(tries)])  # the form then asks the question again
            return {ANSWER: None, TRIES: tries}
        answers[question] = value
        update: Dict[Text, Any] = {ANSWERS: answers, TRIES: 0}
        if question == "area":
            update[AREA_SLOT] = value
        done = next_question(answers, area_for(answers, known)) is None
        update[ANSWER] = "done" if done else None
        return update


class ActionEligibilityResult(Action):
    """Tell the person what their answers suggest, and keep the result for the intake record."""

    def name(self) -> Text:
        return "action_eligibility_result"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        answers, known = answers_of(tracker), stored_area(tracker)
        area = area_for(answers, known)
        result = assess(answers, area)
        send(dispatcher, result_replies(answers, area, utc_now()))
        return [SlotSet(RESULT, result.outcome), SlotSet(REASONS, [*result.reasons, *result.to_settle])]


class ActionEligibilityGoBack(Action):
    """Forget the last answer so the form asks that question again."""

    def name(self) -> Text:
        return "action_eligibility_go_back"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        answers = answers_of(tracker)
        if not answers:
            send(dispatcher, [say("nothing_to_go_back_to")])
            events: List[EventType] = []
        else:
            last = list(answers)[-1]
            answers.pop(last)
            send(dispatcher, [say("went_back")])
            events = [SlotSet(ANSWERS, answers)]
            if last == "area":
                events.append(SlotSet(AREA_SLOT, None))
        events += [SlotSet(ANSWER, None), SlotSet(TRIES, 0), SlotSet(RESULT, None), SlotSet(REASONS, None)]
        if tracker.active_loop.get("name") != FORM:
            # After the result (or a pause) going back reopens the check.
            events.append(FollowupAction(FORM))
        return events


class LeaveEligibility(Action):
    """Leave the check, keeping every answer so it can carry on later."""

    action_name = ""
    message = ""

    def name(self) -> Text:
        return self.action_name

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        send(dispatcher, [say(self.message)])
        return [ActiveLoop(None), SlotSet("requested_slot", None)]


class ActionPauseEligibility(LeaveEligibility):
    """After a crisis message: the check waits until the person is ready."""

    action_name = "action_pause_eligibility"
    message = "paused"


class ActionStopEligibility(LeaveEligibility):
    """The person said stop."""

    action_name = "action_stop_eligibility"
    message = "stopped"
