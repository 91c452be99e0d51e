"""Speed-ups for Rasa 3.6, found by profiling under load (docs/benchmarks.md, `make bench --profile`).

Imported by rasa_plugins/rest_channel.py, so they apply in every Rasa server that uses our channel.

- Rasa checks every action server answer against a JSON schema with `jsonschema.validate`, which
  first checks the schema itself, every time: 14% of the Rasa server's CPU at 20 conversations.
  The schema never changes, so it is checked once here and the same validator is reused. Answers
  are still validated exactly as before.
"""
from __future__ import annotations

import asyncio
import functools

import aiohttp
import tensorflow as tf
import ujson
from jsonschema import ValidationError, validators
from rasa.core.actions.action import RemoteAction
from rasa.core.processor import MessageProcessor
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import BotUttered, Event, UserUttered
from rasa.shared.utils.common import all_subclasses
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig
from rasa.utils.tensorflow.constants import LEARNING_RATE, RUN_EAGERLY
from rasa.utils.tensorflow.models import RasaModel

from bot.parse_cache import ParseCache, cache_key


@functools.lru_cache(maxsize=1)
def action_result_validator():
    spec = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(spec)
    validator_class.check_schema(spec)
    return validator_class(spec)


def _validate_action_result(self, result) -> bool:
    try:
        action_result_validator().validate(result)
        return True
    except ValidationError as error:
        # As Rasa words it.
        error.message += (". Failed to validate Action server response from API, make sure your response from the "
                          f"Action endpoint is valid. For more information about the format visit "
                          f"{DOCS_BASE_URL}/custom-actions")
        raise error


RemoteAction._validate_action_result = _validate_action_result


# - Every stored event is turned back into an object by its type name, and Rasa finds the class by
#   walking all subclasses of Event each time: 7% of the server's CPU at 20 conversations (the
#   in-memory tracker store rebuilds the whole conversation for each message). The classes do not
#   change once loaded, so the walk is done once per name; an unknown name still gets Rasa's own answer.
_rasa_resolve_by_type = Event.resolve_by_type


@functools.lru_cache(maxsize=None)
def _event_class(type_name: str):
    return next((cls for cls in all_subclasses(Event) if cls.type_name == type_name), None)


def _resolve_by_type(type_name, default=None):
    return _event_class(type_name) or _rasa_resolve_by_type(type_name, default)


Event.resolve_by_type = staticmethod(_resolve_by_type)


# - Understanding each message was 44% of the server's CPU at 20 conversations, and most messages
#   in a guide are button presses that send the same labels again and again. A button the
#   assistant just offered, or a bare intent payload, reuses the earlier result of the same model
#   (bot/parse_cache.py says which texts, and why no typed personal detail is ever kept). Each
#   processor (one per loaded model) has its own cache, so a new model starts empty.
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
        cache.put(key, {"result": {k: v for k, v in parse_data.items() if k not in _PER_MESSAGE},
                        "fields": [k for k in _PER_MESSAGE if k in parse_data]})
        return parse_data
    parse_data = kept["result"]
    for field in kept["fields"]:
        parse_data[field] = getattr(message, field, None)
    return parse_data


MessageProcessor._parse_message_with_graph = _parse_message_with_graph


# - Calling the action server was 11% of the server's CPU at 20 conversations: Rasa opens a new
#   HTTP session and TCP connection for every call, and encodes the whole conversation with the
#   standard `json` module. Each endpoint now keeps one session (per event loop) whose connections
#   stay open between calls, and encodes with ujson (already installed with Rasa; it takes all that
#   `json` takes, and gives the same JSON without the spaces). Idle connections are closed after 2 s, before the
#   action server's own 5 s keep-alive limit (Sanic's default), so a call never races a closing socket.
KEEP_ALIVE_SECONDS = 2.0


def _encode(body) -> str:
    return ujson.dumps(body, escape_forward_slashes=False)


class _KeptSession:
    """Stands in for `aiohttp.ClientSession()` in `async with`, without closing the shared one."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self.session

    async def __aexit__(self, *exc) -> bool:
        return False


def _session(self) -> _KeptSession:
    loop = asyncio.get_running_loop()
    kept = self.__dict__.get("_phb_session")
    if kept is None or kept[0] is not loop or kept[1].closed:
        auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) \
            if self.basic_auth else None
        session = aiohttp.ClientSession(
            headers=self.headers, auth=auth, timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            json_serialize=_encode, connector=aiohttp.TCPConnector(keepalive_timeout=KEEP_ALIVE_SECONDS))
        kept = self.__dict__["_phb_session"] = (loop, session)
    return _KeptSession(kept[1])


EndpointConfig.session = _session


# - Loading the model took 37 of the 47 s before the server answered, 83% of it in DIET and the
#   ResponseSelector: Rasa builds each network by training it for one step on one example (tracing
#   the whole training graph, with gradients) only so that the saved weights have somewhere to go.
#   For serving, the weights are read first and restored as the prediction graph creates each
#   variable (TensorFlow's deferred restoration), then one prediction is made, as Rasa does to warm
#   up. tests/e2e/test_fast_model_load.py checks that every prediction is the same as Rasa's way.
#   Fine-tuning (training on) still loads Rasa's way: it needs the optimiser built.
_rasa_model_load = RasaModel.load.__func__


def _load(cls, model_file_name, model_data_example, predict_data_example=None, finetune_mode=False, *args, **kwargs):
    if finetune_mode or not predict_data_example:
        return _rasa_model_load(cls, model_file_name, model_data_example, predict_data_example, finetune_mode,
                                *args, **kwargs)
    model = cls(*args, **kwargs)
    config = kwargs.get("config", {})
    model.compile(optimizer=tf.keras.optimizers.Adam(config.get(LEARNING_RATE, 0.001)),
                  run_eagerly=config.get(RUN_EAGERLY))
    status = model.load_weights(model_file_name)
    model.run_inference(predict_data_example)
    # The optimiser's state is in the file too; it is not needed to predict.
    status.expect_partial()
    return model


RasaModel.load = classmethod(_load)
