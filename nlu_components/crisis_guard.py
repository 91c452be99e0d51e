"""Make sure a message asking for urgent help is always treated as `crisis`.

Runs after the intent classifier and before the FallbackClassifier, so an
urgent message is never lost to low confidence or to another intent.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.safety import crisis_category

CRISIS_INTENT = "crisis"


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class CrisisGuard(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "CrisisGuard":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not text or text.startswith("/") or not crisis_category(text):
                continue
            top = {INTENT_NAME_KEY: CRISIS_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}
            ranking = [
                r for r in message.get("intent_ranking") or [] if r.get(INTENT_NAME_KEY) != CRISIS_INTENT
            ]
            message.set(INTENT, top, add_to_output=True)
            message.set("intent_ranking", [top, *ranking], add_to_output=True)
        return messages
