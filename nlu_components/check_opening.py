"""Start the eligibility check when a message ends by asking whether someone could have one.

"My son is 10 with complex health needs, can he have one?" is a request for the check, whose
result answers it for this child; the model, trained mostly on general questions, often reads it
as the general FAQ answer ("children's continuing care"). The rule is in bot/openings.py
(starts_the_check, words in content/openings.yml). Runs after the ResponseSelector, whose topic it
respects when confident, and before CrisisGuard, which always wins, and the FallbackClassifier.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.openings import starts_the_check

CHECK_INTENT = "check_eligibility"
OUTPUT = "check_opening"


def _topic(message: Message) -> tuple[str | None, float]:
    response = ((message.get("response_selector") or {}).get("faq") or {}).get("response") or {}
    key = response.get("intent_response_key") or ""
    return (key.split("/", 1)[1] if "/" in key else None), float(response.get("confidence") or 0.0)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class CheckOpening(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "CheckOpening":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not text or text.startswith("/"):
                continue
            model_intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            topic, confidence = _topic(message)
            if not starts_the_check(text, model_intent, topic, confidence):
                continue
            top = {INTENT_NAME_KEY: CHECK_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}
            message.set(INTENT, top, add_to_output=True)
            # The check alone, as CrisisGuard does: the model's own ranking beneath it would let the
            # FallbackClassifier's ambiguity check turn it into "did you mean".
            message.set("intent_ranking", [top], add_to_output=True)
            # The topic only where it counted (an FAQ reading; bot/openings.py starts_the_check).
            message.set(
                OUTPUT,
                {"model_intent": model_intent, "topic": topic if model_intent == "faq" else None},
                add_to_output=True,
            )
        return messages
