"""rasa_plugins/speedups.py: the cached validator judges action server answers as Rasa's own did."""
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
