"""Adds a second opinion to each parse: the labels whose training examples are nearest in words.

Trains bot.neighbours.ExampleIndex on the training examples (an FAQ example is labelled with its
answer, "faq/pay_family"; any other with its intent) and writes `neighbours`, best first, to the
parse. It changes no intent: UnsureTopic (later in the pipeline) and bot/understanding.py weigh it
against the classifiers. The examples are stored in the model as JSON and indexed as it loads
(a second or less), so nothing is pickled. Everything that shapes what is stored is inside the
class: Rasa's training cache knows a component by its class's source.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.neighbours import Example, ExampleIndex
from bot.understanding import FALLBACK, FAQ, is_weighed

OUTPUT = "neighbours"
FILE = "examples.json"
logger = logging.getLogger(__name__)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class ExampleNeighbours(GraphComponent):
    # What is stored: one row per example with these keys. Change it and the version together.
    FORMAT = {"version": 1, "keys": ["words", "text", "label"]}

    @staticmethod
    def words(message: Message) -> str:
        """The message's lemmas, as the tokenizer made them (the same in training and in use)."""
        tokens = message.get(TOKENS_NAMES[TEXT]) or []
        if not tokens:
            return (message.get(TEXT) or "").lower()
        return " ".join((getattr(t, "lemma", None) or t.text).lower() for t in tokens)

    @staticmethod
    def used_for(message: Message) -> bool:
        """Only where UnsureTopic or "did you mean" can use it: about 2 ms of CPU a message saved on
        a crisis or a guide's own answers (yes, no, a date), which it never weighs."""
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY) or ""
        return intent in (FAQ, FALLBACK) or is_weighed(intent)

    @classmethod
    def required_components(cls) -> List[type]:
        return [Tokenizer]

    def __init__(
        self, model_storage: ModelStorage, resource: Resource, examples: Optional[List[Example]] = None
    ) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self._index = ExampleIndex(examples) if examples else None

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "ExampleNeighbours":
        return cls(model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        rows = [
            [self.words(m), (m.get(TEXT) or "").lower(), m.get(INTENT_RESPONSE_KEY) or m.get(INTENT)]
            for m in training_data.intent_examples
            if m.get(TEXT) and m.get(INTENT)
        ]
        with self._model_storage.write_to(self._resource) as directory:
            (directory / FILE).write_text(json.dumps({**self.FORMAT, "rows": rows}), encoding="utf-8")
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "ExampleNeighbours":
        try:
            with model_storage.read_from(resource) as directory:
                stored = json.loads((directory / FILE).read_text(encoding="utf-8"))
        except (ValueError, FileNotFoundError):
            # Not trained (`rasa train core` only). Said, because without it answers are surer.
            logger.warning("ExampleNeighbours: the model has no examples; no second opinion is given.")
            return cls(model_storage, resource)
        if {k: stored.get(k) for k in cls.FORMAT} != cls.FORMAT:
            raise ValueError("ExampleNeighbours: the model's examples are in another format; train again.")
        rows = [Example(**dict(zip(cls.FORMAT["keys"], row))) for row in stored["rows"]]
        return cls(model_storage, resource, rows)

    def process(self, messages: List[Message]) -> List[Message]:
        if self._index is None:
            return messages
        for message in messages:
            text = message.get(TEXT) or ""
            if not text or text.startswith("/") or not self.used_for(message):
                continue
            ranked = self._index.rank(self.words(message), text.lower())
            message.set(OUTPUT, [{"name": name, "score": score} for name, score in ranked], add_to_output=True)
        return messages
