"""Loading the model without Rasa's one-step training, and predicting without looking for the
graph each time (applied by rasa_plugins/speedups.py).

Loading the model took 37 of the 47 s before the server answered, 83% of it in DIET and the
ResponseSelector: Rasa builds each network by training it for one step on one example (tracing
the whole training graph, with gradients) only so that the saved weights have somewhere to go.
For serving, the weights are read first and restored as the prediction graph creates each
variable (TensorFlow's deferred restoration), then one prediction is made, as Rasa does to warm
up. tests/e2e/test_fast_model_load.py checks that every prediction is the same as Rasa's way.
Fine-tuning (training on) still loads Rasa's way: it needs the optimiser built.
"""

from __future__ import annotations

import tensorflow as tf
from keras.utils import tf_utils
from rasa.shared.constants import DIAGNOSTIC_DATA
from rasa.utils.tensorflow.constants import LEARNING_RATE, RUN_EAGERLY
from rasa.utils.tensorflow.models import RasaModel

_rasa_model_load = RasaModel.load.__func__


def _load(cls, model_file_name, model_data_example, predict_data_example=None, finetune_mode=False, *args, **kwargs):
    if finetune_mode or not predict_data_example:
        return _rasa_model_load(
            cls, model_file_name, model_data_example, predict_data_example, finetune_mode, *args, **kwargs
        )
    model = cls(*args, **kwargs)
    config = kwargs.get("config", {})
    model.compile(
        optimizer=tf.keras.optimizers.Adam(config.get(LEARNING_RATE, 0.001)), run_eagerly=config.get(RUN_EAGERLY)
    )
    status = model.load_weights(model_file_name)
    model.run_inference(predict_data_example)
    # The optimiser's state is in the file too; it is not needed to predict.
    status.expect_partial()
    return model


# Each prediction then calls the model's prediction graph as a tf.function. Rasa gives it a fixed
# input signature, so it has exactly one graph; yet on every call TensorFlow works out which
# graph fits the inputs (their nested structure, types and shapes): 8% of the Rasa server's CPU,
# twice the graph's own run time (docs/benchmarks.md, profile H). Here the one graph is looked up
# once, and each call converts the inputs to the signature's types and runs it, as TensorFlow
# does once it has found it. tests/e2e/test_fast_model_load.py checks the predictions are the same.
_rasa_predict = RasaModel._rasa_predict


def _predict_with_the_one_graph(self, batch_in):
    function = self._tf_predict_step
    if self._run_eagerly or function is None or function.input_signature is None:
        return _rasa_predict(self, batch_in)  # the first call makes the graph
    graph = self.__dict__.get("_phb_predict_graph")
    if graph is None or graph[0] is not function:
        specs = tf.nest.flatten(function.input_signature)
        graph = self.__dict__["_phb_predict_graph"] = (function, function.get_concrete_function(), specs)
    _, concrete, specs = graph
    inputs = [tf.convert_to_tensor(value, dtype=spec.dtype) for value, spec in zip(tf.nest.flatten(batch_in), specs)]
    self._training = False
    outputs = tf_utils.sync_to_numpy_or_python_type(concrete._call_flat(inputs, concrete.captured_inputs))
    if DIAGNOSTIC_DATA in outputs:
        outputs[DIAGNOSTIC_DATA] = self._empty_lists_to_none_in_dict(outputs[DIAGNOSTIC_DATA])
    return outputs


def apply() -> None:
    """Put these in Rasa's place (rasa_plugins/speedups.py calls this)."""
    RasaModel.load = classmethod(_load)
    RasaModel._rasa_predict = _predict_with_the_one_graph
