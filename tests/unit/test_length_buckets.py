"""rasa_plugins/length_buckets.py: batches of similar length, checked against Rasa's own generator.

Every example still seen once per epoch, in batches of Rasa's sizes, with the last smaller batch
last; less padding; applied only by an explicit call, only to the Rasa version it was checked
against, and not at all with PHB_RASA_SPEEDUPS=off.
"""

import collections
import os
import sys

import numpy as np
import pytest
import rasa
import rasa.utils.train_utils
import scipy.sparse
from rasa.shared.nlu.constants import TEXT
from rasa.utils.tensorflow.constants import BALANCED, SEQUENCE, SEQUENCE_LENGTH
from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator
from rasa.utils.tensorflow.feature_array import FeatureArray
from rasa.utils.tensorflow.model_data import RasaModelData

from rasa_plugins import length_buckets, switch, train
from rasa_plugins.length_buckets import LengthBucketedBatchGenerator, long_apart_order


def _objects(items):
    array = np.empty(len(items), dtype=object)
    array[:] = items
    return array


def _lengths(count=700, seed=3):
    """Like our training data: mostly 2 to 14 tokens, a few long messages up to 49."""
    rng = np.random.RandomState(seed)
    lengths = rng.randint(2, 15, size=count)
    lengths[rng.choice(count, size=count // 60, replace=False)] = rng.randint(20, 50, size=count // 60)
    return lengths


def _labels(count, classes=9):
    return [i % classes if i % 5 else 0 for i in range(count)]  # class 0 the most common


def _labels_by_length(lengths):
    """As in our data, where short messages are yes, no and thanks, and long ones FAQ questions."""
    return [min(int(n) // 2, 8) for n in lengths]


def _model_data(lengths, labels=None):
    """Model data shaped as DIET's: sparse token features, lengths, and a label per example.
    Each example's features hold its own number, so an example can be followed into a batch."""
    tokens = [scipy.sparse.coo_matrix(np.full((n, 2), i + 1, dtype=np.float32)) for i, n in enumerate(lengths)]
    labels = np.array([[label] for label in (labels or _labels(len(lengths)))])
    data = RasaModelData(
        label_key="label",
        label_sub_key="ids",
        data={
            TEXT: {SEQUENCE: [FeatureArray(_objects(tokens), number_of_dimensions=3)]},
            "label": {"ids": [FeatureArray(labels, number_of_dimensions=2)]},
        },
    )
    data.add_lengths(TEXT, SEQUENCE_LENGTH, TEXT, SEQUENCE)
    return data


def _epoch(generator):
    """The examples' numbers, batch by batch, for the epoch the generator has prepared."""
    numbers = [int(m.data[0]) - 1 for m in generator._data[TEXT][SEQUENCE][0]]
    size = generator._current_batch_size
    return [numbers[i : i + size] for i in range(0, len(numbers), size)]


def _padded_tokens(batches, lengths):
    return sum(len(batch) * max(lengths[i] for i in batch) for batch in batches)


@pytest.mark.parametrize("strategy", ["sequence", BALANCED])
def test_each_epoch_has_rasas_examples_in_batches_of_rasas_sizes(strategy):
    lengths = _lengths()
    generators = {}
    for kind in (RasaBatchDataGenerator, LengthBucketedBatchGenerator):
        np.random.seed(11)
        generators[kind] = kind(_model_data(lengths), batch_size=[64, 256], epochs=5, batch_strategy=strategy)
    theirs, ours = generators[RasaBatchDataGenerator], generators[LengthBucketedBatchGenerator]
    for epoch in range(5):
        if epoch:  # the same random state for both, so each epoch can be compared with Rasa's
            for generator in (theirs, ours):
                np.random.seed(11 + epoch)
                generator.on_epoch_end()
        rasa_batches, our_batches = _epoch(theirs), _epoch(ours)
        assert len(ours) == len(theirs) == len(our_batches)
        assert [len(b) for b in our_batches] == [len(b) for b in rasa_batches]
        # The very same examples (the balanced strategy repeats some), only in another order.
        assert collections.Counter(sum(our_batches, [])) == collections.Counter(sum(rasa_batches, []))
        assert sorted(our_batches[-1]) == sorted(rasa_batches[-1])  # the smaller last batch stays last


def test_keeps_rasas_order_when_told_not_to_shuffle():
    lengths = _lengths()
    ours = LengthBucketedBatchGenerator(_model_data(lengths), batch_size=64, epochs=1, shuffle=False)
    assert sum(_epoch(ours), []) == list(range(len(lengths)))


def test_keeps_rasas_order_for_dialogue_data():
    """TEDPolicy's lengths are per dialogue turn (4-D): those batches stay Rasa's."""
    lengths = _lengths()
    data = _model_data(lengths)
    data.data[TEXT][SEQUENCE_LENGTH] = [
        FeatureArray(_objects([np.array([[[n]]]) for n in lengths]), number_of_dimensions=4)
    ]
    np.random.seed(4)
    theirs = RasaBatchDataGenerator(data, batch_size=64, epochs=1)
    np.random.seed(4)
    ours = LengthBucketedBatchGenerator(data, batch_size=64, epochs=1)
    assert _epoch(ours) == _epoch(theirs)


def test_less_padding_than_rasas_batches():
    lengths = _lengths()
    np.random.seed(5)
    rasa_generator = RasaBatchDataGenerator(_model_data(lengths), batch_size=128, epochs=1)
    np.random.seed(5)
    ours = LengthBucketedBatchGenerator(_model_data(lengths), batch_size=128, epochs=1)
    rasa_padded = _padded_tokens(_epoch(rasa_generator), lengths)
    our_padded = _padded_tokens(_epoch(ours), lengths)
    assert our_padded < 0.7 * rasa_padded, (our_padded, rasa_padded)


def test_batches_without_long_messages_keep_rasas_mix_of_labels():
    """Where labels go with length (as ours do), sorting batches by length gathers a few labels
    into each batch (intent F1 fell from 0.957 to 0.931 when we tried). Outside the long run, each
    batch must hold as many kinds of label as Rasa's batches do."""
    lengths = _lengths()
    labels = _labels_by_length(lengths)
    limit = np.quantile(lengths, length_buckets.LONG_QUANTILE)
    kinds = {}
    for generator in (RasaBatchDataGenerator, LengthBucketedBatchGenerator):
        np.random.seed(5)
        batches = _epoch(generator(_model_data(lengths, labels), batch_size=64, epochs=1, batch_strategy=BALANCED))
        kinds[generator] = [
            len({labels[i] for i in batch})
            for batch in batches[:-1]
            if generator is RasaBatchDataGenerator or max(lengths[i] for i in batch) <= limit
        ]
    assert len(kinds[LengthBucketedBatchGenerator]) >= len(kinds[RasaBatchDataGenerator]) - 1
    assert min(kinds[LengthBucketedBatchGenerator]) >= min(kinds[RasaBatchDataGenerator]) - 1, kinds


def test_order_moves_the_longest_to_one_run_and_keeps_the_rest_in_rasas_order():
    lengths = np.array([3, 4, 40, 5, 2, 3, 4, 5, 6, 2, 3, 4, 5, 45, 3, 4, 5, 6, 7, 2, 9, 9])
    order = long_apart_order(lengths, batch_size=4, rng=np.random.RandomState(1))
    assert sorted(order) == list(range(22))
    assert list(order[20:]) == [20, 21]  # 22 = 5 * 4 + 2: the last two stay last, as in Rasa
    long_at = [i for i, example in enumerate(order) if lengths[example] > 9]
    assert [order[i] for i in long_at] == [2, 13] and long_at[1] == long_at[0] + 1 and long_at[0] % 4 == 0
    # Everything else in Rasa's order.
    assert [e for e in order[:20] if lengths[e] <= 9] == [e for e in range(20) if lengths[e] <= 9]


def test_few_examples_keep_rasas_order():
    assert list(long_apart_order(np.array([9, 1, 50]), batch_size=4)) == [0, 1, 2]


def test_applied_only_by_an_explicit_call_and_only_to_the_checked_version(monkeypatch):
    monkeypatch.setattr(rasa.utils.train_utils, "RasaBatchDataGenerator", RasaBatchDataGenerator)
    monkeypatch.setattr(switch, "version", lambda name: "3.6.22")
    with pytest.raises(RuntimeError, match="checked against Rasa 3.6.21"):
        length_buckets.apply()
    assert rasa.utils.train_utils.RasaBatchDataGenerator is RasaBatchDataGenerator


@pytest.mark.parametrize(
    "switch, expected",
    [("off", RasaBatchDataGenerator), ("on", LengthBucketedBatchGenerator), (None, LengthBucketedBatchGenerator)],
)
def test_training_entry_point_follows_the_switch(monkeypatch, switch, expected):
    import rasa.__main__

    seen = {}
    monkeypatch.setattr(rasa.utils.train_utils, "RasaBatchDataGenerator", RasaBatchDataGenerator)
    monkeypatch.setattr(
        rasa.__main__,
        "main",
        lambda: seen.update(generator=rasa.utils.train_utils.RasaBatchDataGenerator, argv=list(sys.argv)),
    )
    monkeypatch.setattr(sys, "argv", ["train.py", "train", "--quiet"])
    # Set first so that monkeypatch restores it (train.main sets it in os.environ).
    monkeypatch.setenv("RASA_CACHE_DIRECTORY", "")
    monkeypatch.delenv("RASA_CACHE_DIRECTORY")
    if switch is None:
        monkeypatch.delenv("PHB_RASA_SPEEDUPS", raising=False)
    else:
        monkeypatch.setenv("PHB_RASA_SPEEDUPS", switch)
    train.main()
    assert seen == {"generator": expected, "argv": ["rasa", "train", "--quiet"]}
    # A bucketed training keeps a training cache of its own; a stock one uses Rasa's.
    bucketed_cache = f"cache-length-buckets-{length_buckets.version()}" in os.environ.get("RASA_CACHE_DIRECTORY", "")
    assert bucketed_cache == (expected is LengthBucketedBatchGenerator)


def test_cache_directory_per_version_beside_the_given_one_and_old_ones_removed(tmp_path):
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache-length-buckets-0123456789ab").mkdir()
    here = length_buckets.cache_directory(str(tmp_path / "cache"))
    assert here == str(tmp_path / f"cache-length-buckets-{length_buckets.version()}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache"]  # Rasa's own cache is kept
