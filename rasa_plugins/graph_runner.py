"""Running the model's graphs in a fixed order, without building a dask graph for every run.

For each message Rasa runs its NLU graph once and its policy graph once per prediction
(`DaskGraphRunner.run`). Each run works out the part of the graph the targets need, builds a dask
task graph from it, formats the inputs into a debug message, and hands it to dask's scheduler,
which orders the tasks and passes results through queues and futures: about 9% of the Rasa
side's CPU per message, beside the components' own work (a py-spy profile of one process playing
the bench's journeys; docs/benchmarks.md, runs H to J).

The graphs do not change once loaded. So the order is worked out once per set of targets and
inputs, and each run calls the same nodes (GraphNode objects, with their hooks) with the same
arguments, in an order dask could have chosen (each node after all it needs). Inputs that clash
with a node's name, and failures, are reported as Rasa reports them.
`tests/e2e/test_state_history.py` runs both graphs of the trained model both ways and compares.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner

_rasa_run = DaskGraphRunner.run


def _plan(self: DaskGraphRunner, targets: List[Text], input_names: frozenset) -> list:
    """The nodes to run, in order, each with the names of the results it takes."""
    plans = self.__dict__.setdefault("_phb_plans", {})
    key = (tuple(targets), input_names)
    plan = plans.get(key)
    if plan is None:
        schema = self._graph_schema.minimal_graph_schema(targets)
        order: list = []
        placed: set = set(input_names)

        def place(name: Text) -> None:
            if name in placed or name not in schema.nodes:
                return
            placed.add(name)
            for needed in schema.nodes[name].needs.values():
                place(needed)
            order.append(name)

        for name in schema.nodes:
            place(name)
        plan = plans[key] = [
            (name, self._instantiated_nodes[name], list(schema.nodes[name].needs.values())) for name in order
        ]
    return plan


def run(
    self: DaskGraphRunner, inputs: Optional[Dict[Text, Any]] = None, targets: Optional[List[Text]] = None
) -> Dict[Text, Any]:
    run_targets = targets if targets else self._graph_schema.target_names
    inputs = inputs or {}
    results: Dict[Text, Any] = {}
    for input_name, input_value in inputs.items():
        if isinstance(input_value, str) and input_value in self._graph_schema.nodes:
            return _rasa_run(self, inputs, targets)  # Rasa's own error for a clashing input
        results[input_name] = (input_name, input_value)
    try:
        for name, node, needs in _plan(self, run_targets, frozenset(inputs)):
            # An input nobody gave stays its own name, as in dask.
            results[name] = node(*[results.get(needed, needed) for needed in needs])
    except RuntimeError as error:
        raise GraphRunError("Error running runner.") from error
    return dict(results[target] for target in run_targets)


def apply() -> None:
    """Put these in Rasa's place (rasa_plugins/speedups.py calls this)."""
    DaskGraphRunner.run = run
