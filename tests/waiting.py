"""Waiting for a condition another thread or process makes true: judged by the event, with a
deadline only so that a test that would hang fails instead."""

import time


def wait_for(predicate, seconds=10.0, step=0.01) -> bool:
    """True as soon as `predicate()` is; False if it is still not after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return bool(predicate())
