"""The longest training messages batched apart: DIET's epochs take about half the time.

Rasa pads every batch to its longest message. Our training messages average 7 tokens, but a few
are 20 to 49 (real people write long sentences). Taken at random, three batches in four hold one
of them, so most of the transformer's work was padding: a full training took 36 to 62 minutes on
2 cores (docs/benchmarks.md).

Here, after Rasa has shuffled (and balanced) an epoch's examples as it always does, the longest
5% are moved, in Rasa's order, to a run of batches at a random place in the epoch. Every other
batch keeps Rasa's random mix of messages and labels, and is padded to at most 15 tokens or so.
(The long run itself is mostly FAQ questions and openings of the eligibility check.)
Every example is still seen once per epoch, in batches of Rasa's sizes, with the smaller last
batch last (tests/unit/test_length_buckets.py checks this against Rasa's own generator). Only
training changes: a trained model is read and run by stock Rasa. (Sorting whole runs of batches by
length was a little faster but gathered labels into batches, and intent F1 fell from 0.957 to 0.931.)

Applied only by an explicit `apply()` (rasa_plugins/train.py does it when PHB_RASA_SPEEDUPS is not
"off"), and only to the Rasa version it was checked against.
"""

from __future__ import annotations

import hashlib
import pathlib
import shutil

import numpy as np
import rasa.utils.train_utils
from rasa.shared.nlu.constants import TEXT
from rasa.utils.tensorflow.constants import SEQUENCE_LENGTH
from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator
from rasa.utils.tensorflow.model_data import Data, RasaModelData

from rasa_plugins.switch import require_checked_rasa

# Messages longer than this share of the training messages are batched apart.
LONG_QUANTILE = 0.95


def long_apart_order(lengths: np.ndarray, batch_size: int, rng=np.random) -> np.ndarray:
    """A new order for examples Rasa has already shuffled (and balanced): the longest 5% moved,
    in Rasa's order, to a run of batches at a random place; every other batch keeps Rasa's random
    mix. A last, smaller batch stays last, as in Rasa's batches. The long run's own mix is not
    Rasa's: long messages are mostly FAQ questions and openings of the eligibility check."""
    count = len(lengths)
    full = (count // batch_size) * batch_size
    if full == 0:
        return np.arange(count)
    head = lengths[:full]
    limit = np.quantile(lengths, LONG_QUANTILE)
    short, long = np.flatnonzero(head <= limit), np.flatnonzero(head > limit)
    # The long run starts on a batch boundary, so at most one batch mixes short and long.
    at = int(rng.randint(0, len(short) // batch_size + 1)) * batch_size
    return np.concatenate([short[:at], long, short[at:], np.arange(full, count)])


class LengthBucketedBatchGenerator(RasaBatchDataGenerator):
    """Rasa's batch generator, with each epoch's longest messages batched apart."""

    def _shuffle_and_balance(self, batch_size: int) -> Data:
        data = super()._shuffle_and_balance(batch_size)
        lengths = (data.get(TEXT) or {}).get(SEQUENCE_LENGTH)
        # Rasa's batches when there is nothing to go by, when the order must be kept (inference),
        # or for dialogue data (TEDPolicy's lengths are per turn; we have no TEDPolicy).
        if not self.shuffle or not lengths or len(lengths[0]) == 0 or lengths[0].number_of_dimensions != 1:
            return data
        # numpy's global generator, which Rasa seeds and shuffles with: training stays repeatable.
        order = long_apart_order(np.asarray(lengths[0], dtype=np.int64), batch_size)
        return RasaModelData._data_for_ids(data, order)


def version() -> str:
    """A short hash of this module: what a trained model's batches depended on."""
    return hashlib.sha256(pathlib.Path(__file__).read_bytes()).hexdigest()[:12]


def cache_directory(base: str) -> str:
    """Rasa's training cache for this version, beside `base`; older versions' caches removed."""
    here = pathlib.Path(f"{base.rstrip('/')}-length-buckets-{version()}")
    for old in here.parent.glob(f"{pathlib.Path(base).name}-length-buckets-*"):
        if old != here and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
    return str(here)


def apply() -> None:
    """Make Rasa's training (DIET, ResponseSelector) use length-bucketed batches."""
    require_checked_rasa("rasa_plugins/length_buckets.py (against rasa/utils/tensorflow/data_generator.py)")
    # create_data_generators (train_utils) builds the generators of DIET and the ResponseSelector
    # (and of TEDPolicy, which keeps Rasa's batches here: see _shuffle_and_balance).
    rasa.utils.train_utils.RasaBatchDataGenerator = LengthBucketedBatchGenerator
