"""The relay against a real local HTTPS endpoint that fails the first attempts."""

import dataclasses
import datetime as dt
import json
import socket

import pytest

from bot.areas import AREAS_DIR, AreaConfigError, all_areas, load_areas
from bot.intake import models
from bot.intake.delivery import (
    Endpoint,
    EndpointRefused,
    RelaySettings,
    backoff,
    endpoints_from_config,
    relay_once,
    requeue,
)
from tests.intake.factory import NOW, record
from tests.intake.receiver import CA_FILE, Receiver

START = NOW.replace(tzinfo=None)
AREA = "kent-and-medway"


def settings(url, **kw):
    return RelaySettings(
        endpoints={AREA: Endpoint(url, token="secret-token")}, timeout=(2, 5), verify=str(CA_FILE), **kw
    )


def run_until_quiet(store, s, start=START, rounds=20):
    """Run the relay as time passes, an hour between runs, until nothing is left to send."""
    now, reports = start, []
    for _ in range(rounds):
        reports.append(relay_once(store, s, now=now, rand=lambda: 0.5))
        if not store.find(status=models.PENDING):
            break
        now += dt.timedelta(hours=1)
    return reports


def test_every_record_arrives_exactly_once_though_the_first_attempts_fail(store):
    ids = {store.submit(record()).reference: None for _ in range(5)}
    with Receiver() as receiver:
        receiver.plan = [503, 502, "drop", 500, 429, "drop", 503]
        run_until_quiet(store, settings(receiver.url))
    rows = store.find()
    assert {o.status for _, o in rows} == {models.DELIVERED}
    assert set(receiver.stored) == {r.id for r, _ in rows}
    assert len(receiver.stored) == len(ids) == 5
    # Retries reached the receiver with the same key; it kept one copy of each.
    assert len(receiver.requests) == 5 + 7
    assert all(auth == "Bearer secret-token" for _, auth in receiver.requests)
    for r, o in rows:
        assert receiver.stored[r.id]["reference"] == r.reference
        assert receiver.stored[r.id]["details"]["name"] == "Marker Zebedee Quill"
        assert o.delivered_at is not None


def test_a_4xx_goes_to_the_dead_letter_state_and_can_be_sent_again(store):
    ref = store.submit(record()).reference
    with Receiver() as receiver:
        receiver.plan = [422]
        report = relay_once(store, settings(receiver.url), now=START)
        assert (report.dead, report.delivered) == (1, 0)
        assert report.errors == [(ref, "HTTP 422")]
        _, outbox = store.get(ref)
        assert outbox.status == models.DEAD and outbox.last_error == "HTTP 422"
        # A dead letter is not retried by itself...
        assert relay_once(store, settings(receiver.url), now=START + dt.timedelta(days=1)).delivered == 0
        # ...until staff send it again.
        assert requeue(store, ref, now=START)
        assert relay_once(store, settings(receiver.url), now=START).delivered == 1
    assert store.get(ref)[1].status == models.DELIVERED


def test_connection_refused_is_retried_with_growing_waits(store):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    ref = store.submit(record()).reference
    s = settings(f"https://127.0.0.1:{closed_port}/intake", base_delay=10, max_delay=100)
    now, waits = START, []
    for _ in range(6):
        report = relay_once(store, s, now=now, rand=lambda: 1.0)
        assert report.retried == 1 and report.errors[0][1] == "ConnectionError"
        outbox = store.get(ref)[1]
        waits.append((outbox.next_attempt_at - now).total_seconds())
        # Not due again before its time.
        assert relay_once(store, s, now=now + dt.timedelta(seconds=1)).retried == 0
        now = outbox.next_attempt_at
    assert waits == [10, 20, 40, 80, 100, 100]
    assert store.get(ref)[1].attempts == 6 and store.get(ref)[1].status == models.PENDING


def test_retry_after_is_respected(store):
    ref = store.submit(record()).reference
    with Receiver() as receiver:
        receiver.plan, receiver.retry_after = [429], 120
        relay_once(store, settings(receiver.url), now=START)
    assert (store.get(ref)[1].next_attempt_at - START).total_seconds() == 120


def test_a_slow_endpoint_times_out_and_is_retried(store):
    with socket.socket() as listener:  # accepts connections, never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        ref = store.submit(record()).reference
        s = RelaySettings(endpoints={AREA: Endpoint(f"https://127.0.0.1:{listener.getsockname()[1]}/")}, timeout=(1, 1))
        report = relay_once(store, s, now=START)
    assert report.retried == 1 and report.errors == [(ref, "ReadTimeout")]


def test_an_area_with_no_endpoint_waits_for_staff_export(store):
    ref = store.submit(record(area="cornwall-and-isles-of-scilly")).reference
    report = relay_once(store, RelaySettings(endpoints={}), now=START)
    assert report.awaiting_export == 1
    assert store.get(ref)[1].status == models.AWAITING_EXPORT
    assert store.mark_received(ref)
    assert store.get(ref)[1].status == models.RECEIVED


def test_two_relays_at_once_post_each_record_once(store):
    import threading

    for _ in range(10):
        store.submit(record())
    with Receiver() as receiver:
        threads = [
            threading.Thread(target=relay_once, args=(store, settings(receiver.url)), kwargs={"now": START})
            for _ in range(3)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert len(receiver.requests) == 10
    assert len(receiver.stored) == 10


@pytest.mark.parametrize("attempts, expected", [(1, 30), (2, 60), (3, 120), (8, 3600), (30, 3600)])
def test_backoff_doubles_up_to_the_cap_with_jitter(attempts, expected):
    assert backoff(attempts, 30, 3600, rand=lambda: 1.0) == expected
    assert backoff(attempts, 30, 3600, rand=lambda: 0.0) == expected / 2


def test_endpoints_come_from_area_files_and_the_environment_overrides_them():
    areas = all_areas()
    assert endpoints_from_config(areas, environ={}) == {}
    env = {
        "PHB_INTAKE_ENDPOINTS": '{"kent-and-medway": "https://127.0.0.1:9/intake"}',
        "PHB_INTAKE_ALLOWED_HOSTS": "intake.example.nhs.uk, 127.0.0.1",
    }
    assert endpoints_from_config(areas, environ=env) == {AREA: Endpoint("https://127.0.0.1:9/intake", None)}


@pytest.mark.parametrize(
    "url, why",
    [
        ("http://127.0.0.1:9/intake", "must use https"),
        ("https://169.254.169.254/latest", "169.254.169.254 is not in PHB_INTAKE_ALLOWED_HOSTS"),
        ("https://intake.example.nhs.uk.evil.example/x", "is not in PHB_INTAKE_ALLOWED_HOSTS"),
        ("https://user:secret@127.0.0.1/intake", "must not carry a user name or password"),
    ],
)
def test_the_relay_refuses_endpoints_that_are_not_https_or_not_on_the_allow_list(url, why):
    env = {
        "PHB_INTAKE_ENDPOINTS": json.dumps({AREA: url}),
        "PHB_INTAKE_ALLOWED_HOSTS": "intake.example.nhs.uk 127.0.0.1",
    }
    with pytest.raises(EndpointRefused, match=why) as refused:
        endpoints_from_config(all_areas(), environ=env)
    assert "secret" not in str(refused.value)
    # Wherever it comes from: an endpoint built in code is https too.
    with pytest.raises(EndpointRefused):
        Endpoint("http://127.0.0.1/intake")


def test_a_token_comes_only_from_a_variable_meant_for_it(tmp_path):
    area = dataclasses.replace(
        all_areas()[AREA], intake_endpoint="https://127.0.0.1/intake", intake_token_env="PHB_INTAKE_KEY"
    )
    env = {"PHB_INTAKE_ALLOWED_HOSTS": "127.0.0.1", "PHB_INTAKE_KEY": "the master key"}
    with pytest.raises(EndpointRefused, match="must start with PHB_INTAKE_TOKEN_"):
        endpoints_from_config({AREA: area}, environ=env)
    area = dataclasses.replace(area, intake_token_env="PHB_INTAKE_TOKEN_KENT")
    assert endpoints_from_config({AREA: area}, environ={**env, "PHB_INTAKE_TOKEN_KENT": "t"})[AREA].token == "t"
    # An area file naming any other variable does not load.
    for path in AREAS_DIR.glob("*.yml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    kent = tmp_path / f"{AREA}.yml"
    kent.write_text(
        kent.read_text(encoding="utf-8").replace("intake:\n", "intake:\n  token_env: PHB_INTAKE_KEY\n", 1),
        encoding="utf-8",
    )
    with pytest.raises(AreaConfigError, match="token_env"):
        load_areas(tmp_path)


def test_a_redirect_is_never_followed_and_goes_to_staff_with_a_clear_reason(store):
    ref = store.submit(record()).reference
    with Receiver() as receiver:
        receiver.plan = [302]
        report = relay_once(store, settings(receiver.url), now=START)
    assert report.dead == 1 and len(receiver.requests) == 1 and receiver.stored == {}
    assert store.get(ref)[1].status == models.DEAD
    assert store.get(ref)[1].last_error == "HTTP 302 redirect: the endpoint has moved; update its address"
