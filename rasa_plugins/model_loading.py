"""Loading the model without Rasa's one-step training (rasa_plugins/speedups.py imports this).

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
from rasa.utils.tensorflow.constants import LEARNING_RATE, RUN_EAGERLY
from rasa.utils.tensorflow.models import RasaModel

_rasa_model_load = RasaModel.load.__func__


def _load(cls, model_file_name, model_data_example, predict_data_example=None, finetune_mode=False, *args, **kwargs):
    if finetune_mode or not predict_data_example:
        return _rasa_model_load(cls, model_file_name, model_data_example, predict_data_example, finetune_mode,
                                *args, **kwargs)
    model = cls(*args, **kwargs)
    config = kwargs.get("config", {})
    model.compile(optimizer=tf.keras.optimizers.Adam(config.get(LEARNING_RATE, 0.001)),
                  run_eagerly=config.get(RUN_EAGERLY))
    status = model.load_weights(model_file_name)
    model.run_inference(predict_data_example)
    # The optimiser's state is in the file too; it is not needed to predict.
    status.expect_partial()
    return model


RasaModel.load = classmethod(_load)
