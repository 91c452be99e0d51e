"""Make sure a message asking for urgent help is always treated as `crisis`.

Runs after the intent classifier and before the FallbackClassifier, so an
urgent message is never lost to low confidence or to another intent. It also
says which kind of help to give, as the `crisis_kind` entity (the slot of the
same name picks the variant of utter_crisis): the kind the safety net found,
or "general" when only the model thought it was a crisis.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.safety import crisis_category, detector

CRISIS_INTENT = "crisis"
KIND_ENTITY = "crisis_kind"
GENERAL = "general"
GUARD_OUTPUT = "crisis_guard"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class CrisisGuard(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "CrisisGuard":
        # Built as the model loads, not on the first person's message (spaCy, word lists, patterns).
        detector()
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not text or text.startswith("/"):
                continue
            kind = crisis_category(text)
            model_intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if kind:
                top = {INTENT_NAME_KEY: CRISIS_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}
                message.set(INTENT, top, add_to_output=True)
                # Crisis alone: with the model's own ranking kept beneath it, a model sure of another
                # intent (an FAQ at 0.92) made the FallbackClassifier's ambiguity check (top two within
                # 0.1) turn the crisis into nlu_fallback, and the person got "I didn't understand".
                message.set("intent_ranking", [top], add_to_output=True)
            elif model_intent == CRISIS_INTENT:
                kind = GENERAL
            else:
                continue
            entity = {
                ENTITY_ATTRIBUTE_TYPE: KIND_ENTITY,
                ENTITY_ATTRIBUTE_VALUE: kind,
                ENTITY_ATTRIBUTE_START: 0,
                ENTITY_ATTRIBUTE_END: len(text),
                EXTRACTOR: type(self).__name__,
            }
            others = [e for e in message.get(ENTITIES) or [] if e.get(ENTITY_ATTRIBUTE_TYPE) != KIND_ENTITY]
            message.set(ENTITIES, [*others, entity], add_to_output=True)
            # What the model alone made of it: tests/e2e/test_crisis_guard.py counts the crises it missed.
            message.set(GUARD_OUTPUT, {"kind": kind, "model_intent": model_intent}, add_to_output=True)
        return messages
