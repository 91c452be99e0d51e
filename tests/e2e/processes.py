"""Which processes a run started: for the tests that stop `make run` and `make cluster`."""

import pathlib


def started_by(marker: str) -> list[int]:
    """Every process whose environment carries this marker (a run's own LOG_DIR or CLUSTER_DIR):
    the script and everything it started."""
    found = []
    for proc in pathlib.Path("/proc").glob("[0-9]*"):
        try:
            if marker.encode() in (proc / "environ").read_bytes().split(b"\0"):
                found.append(int(proc.name))
        except OSError:
            continue
    return found
