"""The dialogue states of a conversation, worked out once per event instead of once per prediction.

Before choosing each next action, the MemoizationPolicy and the RulePolicy ask for the states of
the whole conversation so far (`Domain.states_for_tracker_history`). Rasa builds them from
nothing each time: a fresh tracker replays every event. So each prediction cost more the longer
the conversation, and states were rebuilt several times per message: 12% of the Rasa server's
CPU at 20 conversations (docs/benchmarks.md, profile H).

The events those states come from (`DialogueStateTracker.applied_events`: the events less those
reverted or redone) were also worked out from the start for every call, and for the processor
too: 9% of the server's CPU. They depend only on the events so far and on the names of the loops
started in the conversation, so they too are kept on the tracker and extended with each new
event; a new loop name, or events that are not the same list extended, start again.

The states before an event depend only on the events up to it. This keeps, on each tracker and
for each way of asking, the replay so far and the states it made; a later call replays only the
new events. Inside a form, Rasa drops the last listen and message from the events it applies
each turn, so the replay also keeps a copy of itself at each of the form's last few runs and goes
on from the latest one before the first change. Anything else (events reverted, a restart, a new
session) starts again from nothing, as Rasa does. Callers change the
states they get (the featurizers delete keys), so each call gets its own copy, with the same
sharing between states as Rasa's. `tests/e2e/test_state_history.py` compares every call with
Rasa's own answer over whole conversations.
"""

from __future__ import annotations

import collections
import copy
import itertools
from typing import Any, Dict, List, Optional

import rasa.shared.core.constants as core_constants
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Restarted,
    SessionStarted,
    UserUttered,
    UserUtteranceReverted,
)
from rasa.shared.core.trackers import DialogueStateTracker

_rasa_states_for_tracker_history = Domain.states_for_tracker_history
_rasa_applied_events = DialogueStateTracker.applied_events
_ATTRIBUTE = "_phb_state_history"
_APPLIED = "_phb_applied_events"
# Copies kept per replay, one at each of a form's latest runs: a turn rewinds to the last run.
CHECKPOINTS = 4


def _snapshot(tracker):
    """A copy of a replay tracker that later events applied to the original do not change.
    Events replace the tracker's values (latest message, latest action) rather than change them,
    except for slots, the event list and the active loop, which are copied."""
    twin = copy.copy(tracker)
    twin.slots = {name: copy.copy(slot) for name, slot in tracker.slots.items()}
    twin.events = copy.copy(tracker.events)
    if tracker.active_loop is not None:
        twin.active_loop = copy.copy(tracker.active_loop)
    return twin


class _Replay:
    """Rasa's loop in Domain.states_for_tracker_history, able to stop and go on later."""

    def __init__(
        self,
        domain: Domain,
        tracker,
        omit_unset_slots: bool,
        ignore_rule_only_turns: bool,
        rule_only_data: Optional[Dict[str, Any]],
    ):
        self.domain = domain
        self.omit_unset_slots = omit_unset_slots
        self.ignore_rule_only_turns = ignore_rule_only_turns
        self.rule_only_data = rule_only_data
        self.tracker = tracker.init_copy()
        self.events: list = []
        self.states: List[State] = []
        self.last_ml_action_sub_state = None
        self.turn_was_hidden = False
        self.loops = frozenset(domain.form_names)
        self.checkpoints: collections.deque = collections.deque(maxlen=CHECKPOINTS)

    def go_on_with(self, events: list) -> bool:
        """Make the replay a prefix of `events`, rewinding to a checkpoint if needed; False if it can't."""
        replayed = self.events
        same = 0
        for a, b in zip(replayed, events):
            if a is not b:
                break
            same += 1
        if same == len(replayed):
            return True
        while self.checkpoints and self.checkpoints[-1][0] > same:
            self.checkpoints.pop()
        if not self.checkpoints:
            return False
        position, tracker, states, self.last_ml_action_sub_state, self.turn_was_hidden = self.checkpoints[-1]
        self.tracker = _snapshot(tracker)
        del self.events[position:]
        del self.states[states:]
        return True

    def _visit(self, hide_rule_turn: bool, states: List[State]) -> None:
        """One step of Rasa's loop: maybe appends the state of the tracker as it is now."""
        tr, domain = self.tracker, self.domain
        if self.ignore_rule_only_turns:
            if not self.turn_was_hidden:
                self.last_ml_action_sub_state = domain._get_prev_action_sub_state(tr)
            if not tr.followup_action and not tr.latest_action_name == tr.active_loop_name:
                self.turn_was_hidden = hide_rule_turn
            if self.turn_was_hidden:
                return
        state = domain.get_active_state(tr, omit_unset_slots=self.omit_unset_slots)
        if self.ignore_rule_only_turns:
            domain._remove_rule_only_features(state, self.rule_only_data)
            if states:
                domain._substitute_rule_only_user_input(state, states[-1])
            if self.last_ml_action_sub_state:
                state[core_constants.PREVIOUS_ACTION] = self.last_ml_action_sub_state
        states.append(domain._clean_state(state))

    def states_for(self, events: list) -> List[State]:
        for event in events[len(self.events) :]:
            if isinstance(event, ActionExecuted):
                if event.action_name in self.loops:
                    self.checkpoints.append(
                        (
                            len(self.events),
                            _snapshot(self.tracker),
                            len(self.states),
                            self.last_ml_action_sub_state,
                            self.turn_was_hidden,
                        )
                    )
                self._visit(event.hide_rule_turn, self.states)
            self.tracker.update(event)
            self.events.append(event)
        # The last step (the state now) is not kept: the next event may change it.
        kept = (self.last_ml_action_sub_state, self.turn_was_hidden)
        states = list(self.states)
        self._visit(False, states)
        self.last_ml_action_sub_state, self.turn_was_hidden = kept
        return _copy(states)


def _copy(states: List[State]) -> List[State]:
    """New state and sub-state dicts, shared between states where Rasa's are (values are
    strings and tuples)."""
    made: Dict[int, dict] = {}
    copies = []
    for state in states:
        new = {}
        for key, sub_state in state.items():
            twin = made.get(id(sub_state))
            if twin is None:
                twin = made[id(sub_state)] = dict(sub_state) if isinstance(sub_state, dict) else sub_state
            new[key] = twin
        copies.append(new)
    return copies


def states_for_tracker_history(
    self: Domain,
    tracker,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: Optional[Dict[str, Any]] = None,
) -> List[State]:
    replays = tracker.__dict__.setdefault(_ATTRIBUTE, {})
    # The RulePolicy hands over a new but equal rule_only_data each time: compare what it says.
    key = (id(self), omit_unset_slots, ignore_rule_only_turns, repr(rule_only_data))
    events = tracker.applied_events()
    replay = replays.get(key)
    if replay is None or replay.domain is not self or not replay.go_on_with(events):
        replay = replays[key] = _Replay(self, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
    return replay.states_for(events)


class _Applied:
    """Rasa's loop in DialogueStateTracker.applied_events, able to stop and go on later."""

    def __init__(self, events):
        self.events_list = events  # the tracker's deque: a new one (a reset) starts again
        self.seen = 0
        self.last = None
        self.applied: list = []
        self.loop_names = {event.name for event in events if isinstance(event, ActiveLoop) and event.name}

    def goes_on(self, events) -> bool:
        if events is not self.events_list or len(events) < self.seen:
            return False
        return self.seen == 0 or events[self.seen - 1] is self.last

    def extend(self, tracker, events) -> bool:
        """Apply the new events as Rasa's loop would; False if a new loop name means starting again."""
        new = list(itertools.islice(events, self.seen, None))
        if any(isinstance(event, ActiveLoop) and event.name and event.name not in self.loop_names for event in new):
            return False
        applied = self.applied
        for event in new:
            if isinstance(event, (Restarted, SessionStarted)):
                applied.clear()
            elif isinstance(event, ActionReverted):
                tracker._undo_till_previous(ActionExecuted, applied)
            elif isinstance(event, UserUtteranceReverted):
                tracker._undo_till_previous(UserUttered, applied)
                tracker._undo_till_previous(ActionExecuted, applied)
            elif (
                isinstance(event, ActionExecuted)
                and event.action_name in self.loop_names
                and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)
            ):
                tracker._undo_till_previous_loop_execution(event.action_name, applied)
            else:
                applied.append(event)
        self.seen = len(events)
        self.last = events[-1] if events else None
        return True


def applied_events(self: DialogueStateTracker) -> list:
    events = self.events
    # Only Rasa's usual unbounded deque: with a maximum length old events fall off the front, and
    # counting them would not work.
    if not isinstance(events, collections.deque) or events.maxlen is not None:
        return _rasa_applied_events(self)
    kept = self.__dict__.get(_APPLIED)
    if kept is None or not kept.goes_on(events) or not kept.extend(self, events):
        kept = _Applied(events)
        kept.extend(self, events)
        self.__dict__[_APPLIED] = kept
    # Callers may change the list they get.
    return list(kept.applied)


def apply() -> None:
    """Put these in Rasa's place (rasa_plugins/speedups.py calls this)."""
    Domain.states_for_tracker_history = states_for_tracker_history
    DialogueStateTracker.applied_events = applied_events
