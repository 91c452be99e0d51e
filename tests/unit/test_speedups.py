"""rasa_plugins/speedups.py and action_connection.py keep Rasa's behaviour: action answers are
validated as before, events are found by type as before, and action calls over kept connections
arrive as sent."""
import json

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

import rasa_plugins.speedups  # noqa: F401 - the patch under test

GOOD = [{"events": [{"event": "slot", "name": "area", "value": "kent-and-medway"}], "responses": [{"text": "Hi"}]},
        {"events": [], "responses": []}]
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

    body = {"next_action": "action_x", "tracker": {"latest_message": {"text": "café / 50% ✓", "confidence": 0.1234567891}},
            "events": [{"event": "slot", "value": None}, {"event": "user", "value": [1, 2.5, True]}]}

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
