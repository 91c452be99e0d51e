"""rasa_plugins/speedups.py and action_connection.py keep Rasa's behaviour: action answers are
validated as before, events are found by type as before, and action calls over kept connections
arrive as sent."""

import json

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from rasa_plugins import speedups

# The patches under test, whatever PHB_RASA_SPEEDUPS says (tests/unit/test_speedups_switch.py tests it).
speedups.apply()

GOOD = [
    {"events": [{"event": "slot", "name": "area", "value": "kent-and-medway"}], "responses": [{"text": "Hi"}]},
    {"events": [], "responses": []},
]
BAD = [{"events": [{"event": 5}], "responses": []}, {"events": "not a list", "responses": []}]


@pytest.mark.parametrize("answer", GOOD)
def test_good_answers_pass_as_before(answer):
    jsonschema.validate(answer, RemoteAction.action_response_format_spec())  # Rasa's own way
    assert RemoteAction("action_x", None)._validate_action_result(answer) is True


@pytest.mark.parametrize("answer", BAD)
def test_bad_answers_fail_as_before(answer):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(answer, RemoteAction.action_response_format_spec())
    with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server response"):
        RemoteAction("action_x", None)._validate_action_result(answer)


def _sample_events() -> list:
    """One of each kind of event an action can return, as an action server sends them."""
    import datetime

    from rasa.shared.core import events as e

    samples = [
        e.SlotSet("area", "kent-and-medway"),
        e.SlotSet("answers", {"a": [1, None]}),
        e.SlotSet("x", None),
        e.SlotSet("n", 2.5),
        e.SlotSet("b", True),
        e.SlotSet("l", ["a"]),
        e.FollowupAction("action_x"),
        e.ActiveLoop("intake_form"),
        e.ActiveLoop(None),
        e.BotUttered("Hi", {"buttons": [{"title": "Yes"}]}),
        e.UserUttered(
            "hi", {"name": "greet", "confidence": 0.9}, [{"entity": "area", "value": "x", "start": 0, "end": 2}]
        ),
        e.ActionExecuted("action_listen"),
        e.Restarted(),
        e.SessionStarted(),
        e.AllSlotsReset(),
        e.ReminderScheduled("intent", datetime.datetime(2030, 1, 1)),
        e.ReminderCancelled(),
        e.ActionReverted(),
        e.UserUtteranceReverted(),
        e.ConversationPaused(),
        e.ConversationResumed(),
        e.LoopInterrupted(True),
        e.ActionExecutionRejected("action_x"),
        e.AgentUttered("hi"),
        e.EntitiesAdded([{"entity": "area", "value": "x"}]),
    ]
    return [event.as_dict() for event in samples]


ODD_VALUES = [None, 5, 1.5, 2.0, True, "x", "", [], {}, [1], {"a": 1}, [{"text": 5}]]


def _variants(rng, event: dict) -> dict:
    """The event with one field taken away, changed to an odd value, or added."""
    changed = dict(event)
    key = rng.choice(sorted(changed) + ["extra", "event"])
    roll = rng.random()
    if roll < 0.2 and key in changed:
        del changed[key]
    elif roll < 0.3:
        changed[key] = rng.choice(["user", "bot", "slot", "action", "form", "active_loop", "followup", "no_such"])
    else:
        changed[key] = rng.choice(ODD_VALUES)
    return changed


def test_the_compiled_checks_accept_nothing_jsonschema_refuses():
    import random

    from rasa_plugins.speedups import _passes_compiled_checks, compiled_action_result_checks

    spec = RemoteAction.action_response_format_spec()
    assert compiled_action_result_checks()[1] is not None, "each event is checked against its own kind only"
    validator = jsonschema.validators.validator_for(spec)(spec)
    rng = random.Random(2024)
    events = _sample_events()
    answers = [{"events": events, "responses": [{"text": "Hi"}]}]
    answers += [{"events": [rng.choice(events) for _ in range(rng.randint(0, 4))], "responses": []} for _ in range(200)]
    answers += [
        {
            "events": [_variants(rng, rng.choice(events)) for _ in range(rng.randint(1, 3))],
            "responses": rng.choice([[], [{"text": "Hi"}], [rng.choice(ODD_VALUES)], rng.choice(ODD_VALUES)]),
        }
        for _ in range(5000)
    ]
    answers += [rng.choice(ODD_VALUES), {"events": None}, {"responses": None}, {}]
    accepted_both = refused_both = refused_by_compiled_only = 0
    for answer in answers:
        compiled_ok = _passes_compiled_checks(answer)
        jsonschema_ok = validator.is_valid(answer)
        assert not (compiled_ok and not jsonschema_ok), answer
        accepted_both += compiled_ok and jsonschema_ok
        refused_both += not compiled_ok and not jsonschema_ok
        refused_by_compiled_only += not compiled_ok and jsonschema_ok
    # Both kinds are well covered, and every answer an action really sends takes the fast way.
    assert accepted_both > 500 and refused_both > 500, (accepted_both, refused_both)
    assert all(_passes_compiled_checks({"events": [event], "responses": []}) for event in events)
    # Where they differ, jsonschema decides (the slow way): count it so a change shows.
    assert refused_by_compiled_only == 0, refused_by_compiled_only


def test_event_classes_are_found_as_rasa_finds_them():
    from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered

    assert Event.resolve_by_type("user") is UserUttered
    assert Event.resolve_by_type("slot") is SlotSet
    assert Event.resolve_by_type("action") is ActionExecuted
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    with pytest.raises(ValueError):
        Event.resolve_by_type("no_such_event")
    event = Event.from_parameters({"event": "slot", "name": "area", "value": "kent-and-medway", "timestamp": 1.0})
    assert event == SlotSet("area", "kent-and-medway", timestamp=1.0)


def _serve_json(peers):
    from aiohttp import web

    async def echo(request):
        peers.append(request.transport.get_extra_info("peername")[1])
        return web.json_response(await request.json())

    app = web.Application()
    app.router.add_post("/webhook", echo)
    return app


async def _start(app, port=0):
    from aiohttp import web

    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    return runner, runner.addresses[0][1]


def test_action_calls_reuse_one_connection_and_send_the_same_json():
    """A real HTTP server on loopback: three calls share one TCP connection, the body arrives as
    sent (non-ASCII, slashes, floats), and a restarted server is reached again."""
    import asyncio

    from rasa.utils.endpoints import EndpointConfig

    body = {
        "next_action": "action_x",
        "tracker": {"latest_message": {"text": "café / 50% ✓", "confidence": 0.1234567891}},
        "events": [{"event": "slot", "value": None}, {"event": "user", "value": [1, 2.5, True]}],
    }

    async def scenario():
        peers = []
        runner, port = await _start(_serve_json(peers))
        endpoint = EndpointConfig(url=f"http://127.0.0.1:{port}/webhook")
        answers = [await endpoint.request(json=body, method="post") for _ in range(3)]
        assert answers == [body] * 3
        assert len(peers) == 3 and len(set(peers)) == 1  # one connection, kept open
        await runner.cleanup()  # the action server restarts on the same port
        runner, _ = await _start(_serve_json(peers), port)
        assert await endpoint.request(json=body, method="post") == body
        await runner.cleanup()
        await (await endpoint.session().__aenter__()).close()

    asyncio.run(scenario())


def test_action_bodies_encode_as_json_would():
    from rasa_plugins.action_connection import _encode

    for body in ({"a": float("nan"), "b": float("inf")}, {"x": "a/b é ✓", "big": 2**70, "t": (1, 2.5)}, {1: None}):
        assert json.loads(_encode(body)) == json.loads(json.dumps(body))


def test_slots_are_copied_as_copy_copy_did():
    import copy

    from rasa.shared.core.slots import AnySlot, BooleanSlot, CategoricalSlot, FloatSlot, ListSlot, TextSlot

    slots = [
        TextSlot("t", [], initial_value="x"),
        BooleanSlot("b", []),
        FloatSlot("f", [], max_value=2.0),
        ListSlot("l", [], initial_value=["a"]),
        CategoricalSlot("c", [], values=["a", "b"]),
        AnySlot("a", [], initial_value={"k": 1}),
    ]
    for slot in slots:
        slot.value = slot.initial_value
        twin = copy.copy(slot)
        reduced = copy._reconstruct(slot, None, *slot.__reduce_ex__(4))  # what copy.copy did before
        assert type(twin) is type(slot) is type(reduced) and twin is not slot
        assert vars(twin) == vars(reduced) == vars(slot)
        twin.value = "changed"
        assert slot.value == slot.initial_value  # a copy, not the same slot


def test_the_empty_domain_is_empty_and_ours_is_not():
    from rasa.shared.core.domain import Domain

    domain = Domain.from_yaml("intents: [greet]\nresponses:\n  utter_hi:\n  - text: Hi\n")
    assert Domain.empty().is_empty() and Domain.from_dict({}).is_empty()
    assert not domain.is_empty()
    assert domain.as_dict() != Domain.empty().as_dict()


def test_nothing_is_deep_copied_for_a_debug_log_that_is_off():
    import ast
    import logging

    import structlog

    from rasa_plugins.speedups import DEBUG_LOG_COPIERS

    for module in DEBUG_LOG_COPIERS:
        # They use `copy` only to deep-copy what they pass to a structlog debug call.
        tree = ast.parse(open(module.__file__, encoding="utf-8").read())
        uses = [
            node
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "copy"
        ]
        in_debug_calls = {
            id(inner)
            for call in ast.walk(tree)
            if isinstance(call, ast.Call) and ast.unparse(call.func) == "structlogger.debug"
            for inner in ast.walk(call)
        }
        assert uses and all(use.attr == "deepcopy" and id(use) in in_debug_calls for use in uses), module.__name__
    value = {"events": [{"a": 1}]}
    kept = structlog.get_config()
    try:
        structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.INFO))
        assert all(module.copy.deepcopy(value) is value for module in DEBUG_LOG_COPIERS)
        structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.DEBUG))
        copied = DEBUG_LOG_COPIERS[0].copy.deepcopy(value)
        assert copied == value and copied is not value and copied["events"][0] is not value["events"][0]
    finally:
        structlog.configure(**kept)
