"""Understanding fewer messages: button labels reuse their NLU result, and the ResponseSelector runs
only for FAQ messages (applied by rasa_plugins/speedups.py).

Understanding each message was 44% of the server's CPU at 20 conversations, and most messages
in a guide are button presses that send the same labels again and again. A button the
assistant just offered, or a bare intent payload, reuses the earlier result of the same model
(bot/parse_cache.py says which texts, and why no typed personal detail is ever kept). Each
processor (one per loaded model) has its own cache, so a new model starts empty.
tests/e2e/test_parse_cache.py checks every guide button against the model's own answer.

The ResponseSelector (which FAQ answer) was 9% of the server's CPU at 20 conversations, and it
ran for every typed message, though its answer is read only when an FAQ (`faq`) is among the
likely intents: by Rasa's retrieval action, our guides' digressions, the insight facts and the
"did you mean" offers (bot/understanding.py). It now runs only when `faq` is among the top
three intents; others leave the ResponseSelector's part of the result out.
tests/e2e/test_fast_model_load.py checks every held-out message against Rasa's way.
"""

from __future__ import annotations

from rasa.core.processor import MessageProcessor
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY

from bot.parse_cache import ParseCache, cache_key

_rasa_parse_message_with_graph = MessageProcessor._parse_message_with_graph
# Fields that belong to one message, not to its text: never carried over from another message.
_PER_MESSAGE = ("message_id", "metadata")


def offered_payloads(tracker) -> list[str]:
    """The payloads of the buttons in the assistant's messages since the person last spoke."""
    payloads = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered):
            payloads.extend(b.get("payload") for b in (event.data or {}).get("buttons") or [] if isinstance(b, dict))
    return payloads


def _parse_message_with_graph(self, message, tracker, only_output_properties=True):
    key = cache_key(message.text, offered_payloads(tracker)) if only_output_properties else None
    if key is None:
        return _rasa_parse_message_with_graph(self, message, tracker, only_output_properties)
    cache = self.__dict__.get("_phb_parse_cache")
    if cache is None:
        cache = self.__dict__.setdefault("_phb_parse_cache", ParseCache())
    kept = cache.get(key)
    if kept is None:
        parse_data = _rasa_parse_message_with_graph(self, message, tracker, only_output_properties)
        # The message's own fields are left out, and only the names of those Rasa gave are kept.
        cache.put(
            key,
            {
                "result": {k: v for k, v in parse_data.items() if k not in _PER_MESSAGE},
                "fields": [k for k in _PER_MESSAGE if k in parse_data],
            },
        )
        return parse_data
    parse_data = kept["result"]
    for field in kept["fields"]:
        parse_data[field] = getattr(message, field, None)
    return parse_data


_rasa_response_selector_process = ResponseSelector.process
# An FAQ this far down the intents can still be offered as "did you mean".
LIKELY_INTENTS = 3


def _likely_intents(message) -> set:
    ranking = message.get("intent_ranking") or [message.get(INTENT) or {}]
    return {r.get(INTENT_NAME_KEY) for r in ranking[:LIKELY_INTENTS]}


def _select_for_retrieval_intents_only(self, messages):
    wanted = set(self.all_retrieval_intents or []) | ({self.retrieval_intent} if self.retrieval_intent else set())
    if not wanted:  # nothing to tell them apart by: as Rasa does
        return _rasa_response_selector_process(self, messages)
    asked = [m for m in messages if wanted & _likely_intents(m)]
    if asked:
        _rasa_response_selector_process(self, asked)
    return messages


def apply() -> None:
    """Put these in Rasa's place (rasa_plugins/speedups.py calls this)."""
    MessageProcessor._parse_message_with_graph = _parse_message_with_graph
    ResponseSelector.process = _select_for_retrieval_intents_only
