"""The one form that runs every guide, as Rasa actions: each makes a Turn of the tracker, asks the
guide engine (bot/guides/engine.py) and turns its Decision into events."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import apply, send, turn_from
from bot.guides import engine
from bot.guides.eligibility import ELIGIBILITY
from bot.guides.feedback import FEEDBACK
from bot.guides.guide import Guide
from bot.guides.intake import INTAKE
from bot.guides.money import MONEY_OPTIONS
from bot.guides.outcomes import OUTCOMES


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
        return apply(engine.start(self.guide, turn_from(tracker)), dispatcher)


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
        return apply(engine.ask(turn_from(tracker)), dispatcher)


class ValidateGuideForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_guide_form"

    async def extract_guide_answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return engine.extract(turn_from(tracker))

    async def validate_guide_answer(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        decision = engine.validate(turn_from(tracker), slot_value)
        send(dispatcher, decision.replies, with_progress=decision.progress)
        return decision.slots


class ActionGuideResult(Action):
    """Tell the person what their answers mean, and keep it for the intake record."""

    def name(self) -> Text:
        return "action_guide_result"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        return apply(engine.result(turn_from(tracker)), dispatcher)


class ActionGuideGoBack(Action):
    """Forget the last answer so the form asks that question again."""

    def name(self) -> Text:
        return "action_guide_go_back"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        return apply(engine.go_back(turn_from(tracker)), dispatcher)


class LeaveGuide(Action, ABC):
    """Leave the guide, keeping every answer so it can carry on later.

    Abstract, so the action server registers only the subclasses.
    """

    @property
    @abstractmethod
    def message(self) -> str: ...

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        return apply(engine.leave(turn_from(tracker), self.message), dispatcher)


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
