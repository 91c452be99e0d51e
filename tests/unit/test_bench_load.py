"""The load generator's figures (bench/load.py): percentiles and rates from known latencies."""

from bench.load import Result


def test_percentiles_and_rate_from_known_latencies():
    result = Result(
        concurrency=20, seconds=10.0, latencies=[i / 1000 for i in range(1, 101)], errors=2, conversations=9
    )
    summary = result.summary()
    assert summary["messages"] == 100 and summary["msgs_per_s"] == 10.0
    assert summary["p50_ms"] == 50.5 and summary["p95_ms"] == 95.0 and summary["p99_ms"] == 99.0
    assert (summary["errors"], summary["conversations"], summary["concurrency"]) == (2, 9, 20)


def test_one_message_is_every_percentile():
    summary = Result(1, 1.0, latencies=[0.2]).summary()
    assert summary["p50_ms"] == summary["p99_ms"] == 200.0


def test_the_other_topologies_are_reported_as_ratios_to_make_run_in_the_same_run():
    from bench.run import beside_make_run

    rows = [
        {
            "ours": {"concurrency": 20, "msgs_per_s": 100.0, "p95_ms": 200.0},
            "cluster": {"concurrency": 20, "msgs_per_s": 80.0, "p95_ms": 230.0},
            "stock": {"concurrency": 20, "msgs_per_s": 50.0, "p95_ms": 400.0},
            "starter": {"concurrency": 20, "msgs_per_s": 30.0, "p95_ms": 600.0},
        }
    ]
    lines = beside_make_run(rows).splitlines()
    assert lines[2:] == ["| 20 | stock | 0.50 | 2.00 |", "| 20 | cluster | 0.80 | 1.15 |"]
    assert beside_make_run([{"ours": rows[0]["ours"], "starter": rows[0]["starter"]}]) == ""


def test_the_cluster_is_set_beside_make_run_measured_in_the_same_spells():
    from bench.run import beside_make_run

    ours = {"concurrency": 20, "msgs_per_s": 100.0, "p95_ms": 200.0}
    beside = {"concurrency": 20, "msgs_per_s": 90.0, "p95_ms": 250.0}
    cluster = {"concurrency": 20, "msgs_per_s": 72.0, "p95_ms": 300.0}
    row = {"ours": ours, "ours_beside_cluster": beside, "cluster": cluster, "starter": ours}
    assert beside_make_run([row]).splitlines()[2:] == ["| 20 | cluster | 0.80 | 1.20 |"]


def test_spells_are_added_as_one_longer_window():
    merged = Result(20, 0.0)
    merged.add(Result(20, 5.0, latencies=[0.1] * 50, errors=1, conversations=3))
    merged.add(Result(20, 5.0, latencies=[0.3] * 50, conversations=4))
    summary = merged.summary()
    assert (summary["messages"], summary["msgs_per_s"], summary["errors"], summary["conversations"]) == (
        100,
        10.0,
        1,
        7,
    )
    assert summary["p95_ms"] == 300.0
