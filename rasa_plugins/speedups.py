"""Speed-ups for Rasa 3.6, found by profiling under load (docs/benchmarks.md, `make bench --profile`).

Imported by rasa_plugins/rest_channel.py, so they apply in every Rasa server that uses our channel.
Each says what it cost, what changed, and which test shows Rasa's behaviour is kept. Here: the
action answers' schema checked once, and event classes found once. In their own modules:
button labels' NLU results reused and the ResponseSelector run only for FAQ messages
(nlu_reuse.py), action-server connections kept open (action_connection.py), and the model loaded
without a training step (model_loading.py).

- Rasa checks every action server answer against a JSON schema with `jsonschema.validate`, which
  first checks the schema itself, every time: 14% of the Rasa server's CPU at 20 conversations.
  The schema never changes, so it is checked once here and the same validator is reused. Answers
  are still validated exactly as before.
"""
from __future__ import annotations

import functools

from jsonschema import ValidationError, validators
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

# The others, each in its own module.
from rasa_plugins import action_connection, model_loading, nlu_reuse  # noqa: F401,E402 - patches on import


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


