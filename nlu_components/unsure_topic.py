"""Say "not sure" when the FAQ answer is unclear, not only when the intent is.

Rasa's FallbackClassifier (just before this) turns a low or ambiguous *intent* into
`nlu_fallback`. But most questions are FAQs, and for them the real choice is which answer
(ResponseSelector): an FAQ intent at 0.99 with two answers at 0.41 and 0.38 is a guess. This
does for the answer what the FallbackClassifier does for the intent, with thresholds calibrated
on the development set (config.yml, docs/benchmarks.md). The fallback action then offers the
likeliest answers as buttons (bot/understanding.py).

It also weighs the second opinion (ExampleNeighbours, earlier in the pipeline) for every topic and
guide, and for "go back": one the nearest training examples do not back is not sure either. Never for a crisis, nor for
the eligibility check started by CheckOpening's rule, nor for the guides' own answers (yes, no, stop).
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message

from bot.understanding import FALLBACK, FAQ, Thresholds, is_weighed, judge


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class UnsureTopic(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"threshold": 0.5, "ambiguity_threshold": 0.1, "neighbours_agree": 0, "neighbours_floor": 0.0}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.thresholds = Thresholds(
            answer=config["threshold"],
            answer_gap=config["ambiguity_threshold"],
            agree=config["neighbours_agree"],
            neighbour_floor=config["neighbours_floor"],
        )

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "UnsureTopic":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if intent != FAQ and not (self.thresholds.agree and is_weighed(intent or "")):
                continue
            parse = {
                "intent": message.get(INTENT),
                "intent_ranking": message.get("intent_ranking"),
                "response_selector": message.get("response_selector"),
                "neighbours": message.get("neighbours"),
                "check_opening": message.get("check_opening"),
            }
            if judge(parse, self.thresholds).sure:
                continue
            # As the FallbackClassifier marks an unsure intent: nlu_fallback on top, the ranking kept.
            top = {INTENT_NAME_KEY: FALLBACK, PREDICTED_CONFIDENCE_KEY: self.thresholds.answer}
            message.set(INTENT, top, add_to_output=True)
            message.set("intent_ranking", [top, *(message.get("intent_ranking") or [])], add_to_output=True)
        return messages
