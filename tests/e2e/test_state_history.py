"""rasa_plugins/state_history.py gives the same applied events and dialogue states as Rasa,
rasa_plugins/rule_matching.py finds the same rules, and rasa_plugins/graph_runner.py gives the
same graph results.

Whole conversations (every bench journey, and ones that restart, stop a form, digress and
correct) run through the trained model with the real action server and make run's tracker store.
Every time the processor or a policy asks for the applied events, the states or the rules that
fit, Rasa's own answer is worked out too, and they must be equal. Most calls must go on from
earlier work, or the speed-up is not working.
"""

import asyncio
import secrets

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bench import journeys
from rasa_plugins import graph_runner, rule_matching, state_history
from rasa_plugins.memory_tracker_store import ForgetfulMemoryTrackerStore
from tests.e2e.conftest import on_real_actions
from tests.e2e.guide_texts import every_text_to_send as texts

AREA = "kent-and-medway"
# Beyond the bench's journeys: a restart, a form stopped and started again, a digression and a
# correction inside a form, and "I don't know".
MORE = [
    [
        "/greet",
        "Could I get one?",
        "For myself",
        "restart",
        "Could I get one?",
        "For someone I care for",
        "stop",
        "what is a personal health budget?",
        "Could I get one?",
        "For myself",
        "Yes, 18 or over",
        "I don't know",
    ],
    [
        "/greet",
        "Leave my details for the team",
        "Yes, I agree",
        "Myself",
        "what can it pay for?",
        "Jo Bench",
        "sorry, I got that wrong",
        "Jo Benchley",
        "12th March 1950",
        "stop",
        "bye",
    ],
    [
        "/greet",
        "Help with my outcomes",
        "I don't know",
        "my family",
        "stop",
        "Ways to manage the money",
        "Help me choose",
        "I'm not sure",
        "restart",
        "thanks",
    ],
]


@pytest.fixture(scope="module")
def processor(trained_agent, tmp_path_factory):
    store = ForgetfulMemoryTrackerStore(trained_agent.processor.domain)
    with on_real_actions(trained_agent, tmp_path_factory.mktemp("state-history"), store) as processor:
        yield processor


def test_every_call_gets_the_states_rasa_would_build(processor, monkeypatch):
    calls, differences, replays_started, rewinds = [], [], [], []
    patched = state_history.states_for_tracker_history
    real_replay = state_history._Replay
    real_go_on_with = real_replay.go_on_with

    def checked(self, tracker, omit_unset_slots=False, ignore_rule_only_turns=False, rule_only_data=None):
        got = patched(self, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
        expected = state_history._rasa_states_for_tracker_history(
            self, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data
        )
        calls.append(len(expected))
        if got != expected:
            differences.append((tracker.sender_id, len(expected)))
        return got

    def counted(*args, **kwargs):
        replays_started.append(1)
        return real_replay(*args, **kwargs)

    def go_on_with(replay, events):
        before = len(replay.events)
        went_on = real_go_on_with(replay, events)
        if went_on and len(replay.events) < before:
            rewinds.append(before - len(replay.events))
        return went_on

    applied_calls, applied_differences, applied_started = [], [], []
    patched_applied = state_history.applied_events
    real_applied = state_history._Applied

    def counted_applied(*args, **kwargs):
        applied_started.append(1)
        return real_applied(*args, **kwargs)

    monkeypatch.setattr(state_history, "_Applied", counted_applied)

    def checked_applied(tracker):
        got = patched_applied(tracker)
        expected = state_history._rasa_applied_events(tracker)
        applied_calls.append(len(expected))
        if len(got) != len(expected) or any(a is not b for a, b in zip(got, expected)):
            applied_differences.append((tracker.sender_id, len(expected)))
        return got

    monkeypatch.setattr(DialogueStateTracker, "applied_events", checked_applied)

    rule_calls, rule_differences = [], []
    patched_keys = rule_matching._get_possible_keys

    def checked_keys(policy, lookup, states):
        got = patched_keys(policy, lookup, states)
        expected = rule_matching._rasa_get_possible_keys(policy, lookup, states)
        rule_calls.append(len(states))
        if got != expected:
            rule_differences.append((len(states), len(got), len(expected)))
        return got

    monkeypatch.setattr(RulePolicy, "_get_possible_keys", checked_keys)
    monkeypatch.setattr(real_replay, "go_on_with", go_on_with)
    monkeypatch.setattr(Domain, "states_for_tracker_history", checked)
    monkeypatch.setattr(state_history, "_Replay", counted)

    async def play(messages):
        sender = secrets.token_hex(16)
        for text in messages:
            out = CollectingOutputChannel()
            await processor.handle_message(UserMessage(text, out, sender, metadata={"area": AREA}))
            assert out.messages, text

    async def play_all():
        for messages in [*journeys.OURS.values(), *MORE]:
            await play(messages)

    asyncio.run(play_all())
    assert not rule_differences, rule_differences[:5]
    assert len(rule_calls) > 200 and max(rule_calls) > 12, (len(rule_calls), max(rule_calls))
    assert not applied_differences, applied_differences[:5]
    assert len(applied_calls) > len(calls), (len(applied_calls), len(calls))
    assert len(applied_started) < len(applied_calls) / 5, (len(applied_started), len(applied_calls))
    print(
        f"applied events: {len(applied_calls)} calls, {len(applied_started)} from the start; "
        f"states: {len(calls)} calls, {len(replays_started)} from the start, {len(rewinds)} rewinds"
    )
    assert not differences, differences[:5]
    assert len(calls) > 300 and max(calls) > 12, (len(calls), max(calls))
    # A replay starts once per conversation and way of asking, and again after a restart or a
    # new session; every other call goes on from it.
    assert len(replays_started) < len(calls) / 5, (len(replays_started), len(calls))
    assert rewinds, "no conversation rewound to a form's checkpoint"


def test_callers_may_change_what_they_get(processor):
    """The featurizers delete keys from the states they get: that must not reach the next call."""
    domain = processor.domain
    tracker = DialogueStateTracker.from_events(
        "changes",
        [
            ActionExecuted("action_listen"),
            UserUttered("hi", {"name": "greet"}),
            ActionExecuted("utter_greet"),
            ActionExecuted("action_listen"),
            UserUttered("bye", {"name": "goodbye"}),
        ],
        slots=domain.slots,
    )
    first = domain.states_for_tracker_history(tracker)
    for state in first:
        state.get("user", {}).clear()
        state.clear()
    assert domain.states_for_tracker_history(tracker) == state_history._rasa_states_for_tracker_history(domain, tracker)


def test_the_graphs_run_our_way_give_what_dask_gives(processor):
    """rasa_plugins/graph_runner.py: the NLU graph for typed messages, and the policy graph before
    every message of two whole conversations, run both ways."""
    ours, theirs = graph_runner.run, graph_runner._rasa_run
    assert DaskGraphRunner.run is ours

    def both(call):
        DaskGraphRunner.run = theirs
        try:
            expected = call()
        finally:
            DaskGraphRunner.run = ours
        return call(), expected

    listening = DialogueStateTracker.from_events("graph-test", [ActionExecuted("action_listen")])
    for text in texts()[:80]:
        got, expected = both(lambda: processor._parse_message_with_graph(UserMessage(text), listening))
        assert got == expected, text

    async def play(messages):
        sender = secrets.token_hex(16)
        compared = 0
        for text in messages:
            tracker = await processor.tracker_store.get_or_create_tracker(sender)
            got, expected = both(lambda: processor._predict_next_with_tracker(tracker.copy()))
            assert got == expected and got.max_confidence_index == expected.max_confidence_index
            compared += 1
            await processor.handle_message(
                UserMessage(text, CollectingOutputChannel(), sender, metadata={"area": AREA})
            )
        return compared

    assert asyncio.run(play(journeys.OURS["intake"])) + asyncio.run(play(journeys.OURS["eligibility"])) > 20
