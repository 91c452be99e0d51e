"""PHB_RASA_SPEEDUPS switches the server's speed-ups (rasa_plugins/speedups.py): nothing is put in
Rasa's place on import; our REST channel applies all of them as it is made, unless the switch is
off; and none is applied to a Rasa other than the one they were checked against.

Run in a fresh Python, since other tests in this process apply the speed-ups."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]

# Every place in Rasa that a speed-up replaces, read the same way before and after.
PROBE = r"""
import json, os
import rasa.core.processor
from rasa.core.actions.action import RemoteAction
from rasa.core.policies.rule_policy import RulePolicy
from rasa.core.processor import MessageProcessor
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.slots import Slot
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from rasa.utils.tensorflow.models import RasaModel

def places():
    return {
        "RemoteAction._validate_action_result": RemoteAction._validate_action_result,
        "Event.resolve_by_type": Event.resolve_by_type,
        "Slot.__copy__": Slot.__dict__.get("__copy__"),
        "Domain.is_empty": Domain.is_empty,
        "rasa.core.processor.copy": rasa.core.processor.copy,
        "EndpointConfig.session": EndpointConfig.session,
        "DaskGraphRunner.run": DaskGraphRunner.run,
        "RasaModel.load": RasaModel.load.__func__,
        "RasaModel._rasa_predict": RasaModel._rasa_predict,
        "MessageProcessor._parse_message_with_graph": MessageProcessor._parse_message_with_graph,
        "ResponseSelector.process": ResponseSelector.process,
        "RulePolicy._get_possible_keys": RulePolicy._get_possible_keys,
        "Domain.states_for_tracker_history": Domain.states_for_tracker_history,
        "DialogueStateTracker.applied_events": DialogueStateTracker.applied_events,
    }

def changed(before):
    return sorted(k for k, v in places().items() if v is not before[k])

stock = places()
out = {}
from rasa_plugins import rest_channel, speedups, switch
out["on import"] = changed(stock)

os.environ["PHB_RASA_SPEEDUPS"] = "off"
rest_channel.PhbRestInput.from_credentials(None)
out["switched off"] = changed(stock)

os.environ["PHB_RASA_SPEEDUPS"] = "on"
checked = switch.version
switch.version = lambda name: "3.7.0"
try:
    rest_channel.PhbRestInput.from_credentials(None)
    out["another rasa"] = "applied"
except RuntimeError as error:
    out["another rasa"] = [str(error), changed(stock)]
switch.version = checked

channel = rest_channel.PhbRestInput.from_credentials(None)
out["switched on"] = changed(stock)
ours = places()
speedups.apply()
out["applied twice"] = sorted(k for k, v in places().items() if v is not ours[k])
out["channel"] = type(channel).__name__
print("RESULT " + json.dumps(out))
"""


@pytest.fixture(scope="module")
def probe():
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", RASA_TELEMETRY_ENABLED="false")
    env.pop("PHB_RASA_SPEEDUPS", None)
    run = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    lines = [line for line in run.stdout.splitlines() if line.startswith("RESULT ")]
    assert run.returncode == 0 and lines, run.stderr[-3000:]
    return json.loads(lines[-1][len("RESULT ") :])


def test_importing_the_channel_changes_nothing_in_rasa(probe):
    assert probe["on import"] == []


def test_switched_off_the_server_is_stock_rasa(probe):
    assert probe["switched off"] == []


def test_another_rasa_is_refused_with_what_to_do_and_left_untouched(probe):
    message, changed = probe["another rasa"]
    assert "3.6.21" in message and "3.7.0" in message and "PHB_RASA_SPEEDUPS=off" in message
    assert changed == []


def test_switched_on_every_place_is_ours_and_applying_again_changes_nothing(probe):
    assert len(probe["switched on"]) == 14
    assert probe["applied twice"] == []
    assert probe["channel"] == "PhbRestInput"
