"""Speed-ups for Rasa 3.6, found by profiling under load (docs/benchmarks.md, `make bench --profile`).

Applied by one explicit call, `apply_if_switched_on()`, which our REST channel makes as the server
starts (before the model is loaded), unless PHB_RASA_SPEEDUPS=off (rasa_plugins/switch.py): then the
server is stock Rasa. `apply()` refuses to touch any Rasa but the one every part was checked
against (3.6.21). Each says what it cost, what changed, and which test shows Rasa's behaviour is kept. Here: action
answers checked by compiled code, event classes found once, slots copied directly, the empty
domain built once, and nothing deep-copied for debug logs that are off. In their own modules:
button labels' NLU results reused and the ResponseSelector run only for FAQ messages
(nlu_reuse.py), action-server connections kept open (action_connection.py), and the model loaded
without a training step (model_loading.py), dialogue states worked out once per event
(state_history.py), rules matched without checks that cannot fail (rule_matching.py), and the
model's graphs run in a fixed order without dask (graph_runner.py).

- Rasa checks every action server answer against a JSON schema with `jsonschema.validate`, which
  first checks the schema itself, every time: 14% of the Rasa server's CPU at 20 conversations.
  The schema never changes, so it is checked once here and the same validator is reused. Even
  so, jsonschema's checking took 8% (profile H): each event is tried against all 23 event kinds'
  schemas (`oneOf`), and must match exactly one. Each kind's schema fixes the `event` name to a
  different constant, so only the schema named by the event can match. Here each kind's schema is
  compiled to Python code once (fastjsonschema), and each event is checked against its own kind's.
  An answer that passes is accepted. One that does not goes to jsonschema as before, which decides
  and words the error as Rasa did. `tests/unit/test_speedups.py` shows that nothing the compiled
  checks accept is refused by jsonschema.
"""

from __future__ import annotations

import copy
import functools
import logging

import fastjsonschema
import rasa.core.actions.forms
import rasa.core.policies.memoization
import rasa.core.policies.rule_policy
import rasa.core.processor
import structlog
from jsonschema import ValidationError, validators
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.slots import Slot
from rasa.shared.utils.common import all_subclasses

from bot import frozen_heap

# The others, each in its own module.
from rasa_plugins import action_connection, graph_runner, model_loading, nlu_reuse, rule_matching, state_history
from rasa_plugins.switch import require_checked_rasa, speedups_on

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1)
def action_result_validator():
    spec = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(spec)
    validator_class.check_schema(spec)
    return validator_class(spec)


@functools.lru_cache(maxsize=1)
def compiled_action_result_checks():
    """The answer without its events' kinds, and each event kind's schema with the common part."""
    spec = RemoteAction.action_response_format_spec()
    events = spec["properties"]["events"]
    kinds = events["items"]["oneOf"]
    names = [kind["properties"]["event"].get("const") for kind in kinds]
    # What makes checking only the named kind the same as `oneOf`; if Rasa changes it, check all.
    if (
        set(events["items"]) != {"type", "properties", "required", "oneOf"}
        or None in names
        or len(set(names)) != len(names)
        or "event" not in events["items"]["required"]
    ):
        whole = fastjsonschema.compile(spec)
        return whole, None
    common = {key: value for key, value in events["items"].items() if key != "oneOf"}
    shell = fastjsonschema.compile({**spec, "properties": {**spec["properties"], "events": {"type": "array"}}})
    return shell, {name: fastjsonschema.compile({"allOf": [common, kind]}) for name, kind in zip(names, kinds)}


def _passes_compiled_checks(result) -> bool:
    shell, kinds = compiled_action_result_checks()
    try:
        shell(result)
        if kinds is not None:
            for event in result.get("events") or ():
                name = event.get("event") if isinstance(event, dict) else None
                check = kinds.get(name) if isinstance(name, str) else None
                if check is None:
                    return False
                check(event)
        return True
    except fastjsonschema.JsonSchemaException:
        return False


def _validate_action_result(self, result) -> bool:
    if _passes_compiled_checks(result):
        return True
    # jsonschema decides, as in Rasa
    try:
        action_result_validator().validate(result)
        return True
    except ValidationError as error:
        # As Rasa words it.
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from the "
            f"Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error


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


# - Every tracker made (each action gets a copy of the conversation, each form check another)
#   copies each of the domain's slots with `copy.copy`, which goes the long way round through
#   `__reduce_ex__`: 3.4% of the server's CPU (profile H). Slots keep their state in `__dict__`
#   and define no copy or pickle hooks of their own, so this is what `copy.copy` does, directly.
def _copy_slot(self: Slot) -> Slot:
    twin = type(self).__new__(type(self))
    twin.__dict__.update(self.__dict__)
    return twin


# - For every message, Rasa checks that the domain is not empty by building an empty domain and
#   comparing the two as dicts: 2.3% of the server's CPU. The empty domain's dict is built once.
@functools.lru_cache(maxsize=1)
def _empty_domain_dict() -> dict:
    return Domain.empty().as_dict()


def _domain_is_empty(self: Domain) -> bool:
    return self.as_dict() == _empty_domain_dict()


# - Rasa deep-copies conversation events, states and slots only to pass them to a debug log
#   call, even when debug logging is off and the call does nothing: 3.4% of the server's CPU. In
#   the four modules that do it (and use `copy` for nothing else), `copy.deepcopy` now copies only
#   when structlog's debug level is on (`rasa run --debug`).
class _CopyForDebugLogs:
    """Stands in for the `copy` module in those modules."""

    def __getattr__(self, name):
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value, memo=None):
        if structlog.get_config()["wrapper_class"].debug.__name__ != "_nop":
            return copy.deepcopy(value, memo)
        return value  # debug logging is off: the value is passed to a call that does nothing


DEBUG_LOG_COPIERS = (
    rasa.core.processor,
    rasa.core.policies.memoization,
    rasa.core.actions.forms,
    rasa.core.policies.rule_policy,
)
_COPY_FOR_DEBUG_LOGS = _CopyForDebugLogs()

# Each module's adaptations, in the order they are put in Rasa's place.
OTHERS = (action_connection, graph_runner, model_loading, nlu_reuse, rule_matching, state_history)


def apply() -> None:
    """Put every server speed-up in Rasa's place; refuses on a Rasa they were not checked against.
    Calling it again changes nothing."""
    require_checked_rasa("rasa_plugins/speedups.py (and the modules it applies)")
    RemoteAction._validate_action_result = _validate_action_result
    Event.resolve_by_type = staticmethod(_resolve_by_type)
    Slot.__copy__ = _copy_slot
    Domain.is_empty = _domain_is_empty
    for module in DEBUG_LOG_COPIERS:
        module.copy = _COPY_FOR_DEBUG_LOGS
    for module in OTHERS:
        module.apply()


def model_can_be_replaced(app) -> bool:
    """Whether Rasa's HTTP API is on, where PUT /model replaces the model while the server runs."""
    return any(route.path == "model" and "PUT" in route.methods for route in app.router.routes)


def after_model_loaded(model_replaceable: bool = False) -> bool:
    """Once the model is loaded, with the speed-ups on: what is loaded is frozen out of the garbage
    collector's way (bot/frozen_heap.py). Not when the model can be replaced (Rasa's HTTP API):
    the old model's cycles, frozen, would never be collected. True when done."""
    if not speedups_on():
        return False
    if model_replaceable:
        logger.info("What was loaded is not frozen: Rasa's HTTP API can replace the model.")
        return False
    count = frozen_heap.freeze_what_is_loaded()
    logger.info("%d objects loaded at start are left out of garbage collection.", count)
    return True


def apply_if_switched_on() -> bool:
    """`apply()` unless PHB_RASA_SPEEDUPS=off; says which in the log. True when applied."""
    if not speedups_on():
        logger.info("Rasa speed-ups are off (PHB_RASA_SPEEDUPS=off): this server is stock Rasa.")
        return False
    apply()
    logger.info("Rasa speed-ups are on (rasa_plugins/speedups.py).")
    return True
