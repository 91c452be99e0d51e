"""The RulePolicy's search for rules that fit the conversation, without checking what cannot fail.

To choose the next action, the RulePolicy keeps the rules whose last state fits the
conversation's last state, then of those the ones whose state before fits the state before,
and so on back through the whole conversation (`RulePolicy._get_possible_keys`). A rule with
fewer states than that always fits there (`_is_rule_applicable` answers True at once), yet Rasa
asked about every kept rule at every step back: 5% of the Rasa server's CPU at 20 conversations
(docs/benchmarks.md, profile H), growing with the conversation.

Here each rule's length is worked out once, only rules long enough are asked about, and the
search ends when no kept rule is that long. The rules kept are the same:
`tests/e2e/test_state_history.py` compares the two at every prediction of whole conversations.
"""

from __future__ import annotations

from typing import Dict, List, Set, Text

from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.domain import State

_rasa_get_possible_keys = RulePolicy._get_possible_keys


def _lengths(policy: RulePolicy, lookup: Dict[Text, Text]) -> Dict[Text, int]:
    """Each rule's number of states, for each of the policy's rule tables (worked out once)."""
    tables = policy.__dict__.setdefault("_phb_rule_lengths", {})
    kept = tables.get(id(lookup))
    if kept is None or kept[0] is not lookup or len(kept[1]) != len(lookup):
        kept = tables[id(lookup)] = (lookup, {key: len(policy._rule_key_to_state(key)) for key in lookup})
    return kept[1]


def _get_possible_keys(self: RulePolicy, lookup: Dict[Text, Text], states: List[State]) -> Set[Text]:
    lengths = _lengths(self, lookup)
    possible_keys = set(lookup.keys())
    for i, state in enumerate(reversed(states)):
        if not any(lengths[key] > i for key in possible_keys):
            break  # every kept rule is shorter: Rasa's check would keep them all from here on
        possible_keys = {key for key in possible_keys if lengths[key] <= i or self._is_rule_applicable(key, i, state)}
    return possible_keys


def apply() -> None:
    """Put these in Rasa's place (rasa_plugins/speedups.py calls this)."""
    RulePolicy._get_possible_keys = _get_possible_keys
