"""`make bench`: our assistant against Rasa's starter assistant, in the same run, on this machine.

1. Trains the starter (`rasa init --no-prompt`) in var/bench/starter, timed; with --train-ours,
   also times a full training of ours.
2. Starts ours with scripts/run.sh (what `make run` runs: in-memory tracker store, SQLite; only
   the idle limit differs, --idle-minutes) and times how long until it answers; starts the
   starter with `rasa run`.
3. Plays realistic conversations (bench/journeys.py) at each concurrency, ours then the starter,
   and reports p50/p95/p99 latency per message and messages per second, with ratios.
4. With --profile, records 20 s of py-spy samples from our Rasa and action servers at 20 users.
5. With --cluster, measures deploy/cluster.sh (two Rasa servers behind HAProxy, PostgreSQL, Redis)
   on the same machine at the same levels.
6. With --stock, measures scripts/run.sh again with PHB_RASA_SPEEDUPS=off (stock Rasa, none of
   rasa_plugins/speedups.py) at the same levels: what the speed-ups are worth, in the same run.
7. Plays batches of whole conversations (three unless --memory-batches says) and reports the
   servers' resident memory after each batch, and again once the batch's conversations have been
   idle past the limit and forgotten: what a leak would leave behind.

Results: results/bench/bench.json and a Markdown table on standard output (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import pathlib
import platform
import shutil
import signal
import subprocess
import sys
import time

import requests

from bench import journeys, load
from processes.conversation_router import free_ports

ROOT = pathlib.Path(__file__).resolve().parents[1]
WORK = ROOT / "var" / "bench"
OUT = ROOT / "results" / "bench"
BIN = pathlib.Path(sys.executable).parent
AREA = "kent-and-medway"


def free_port() -> int:
    return free_ports(1)[0]


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    mem_kb = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))
    import rasa  # noqa: PLC0415 - only for its version

    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(mem_kb / 2**20, 1),
        "python": platform.python_version(),
        "rasa": rasa.__version__,
    }


def timed(command, cwd, log) -> float:
    start = time.monotonic()
    with open(log, "w") as out:
        subprocess.run(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, check=True, env=quiet_env())
    return round(time.monotonic() - start, 1)


def quiet_env(**extra) -> dict:
    return dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", RASA_TELEMETRY_ENABLED="false", PYTHONHASHSEED="0", **extra)


def wait_for(url, proc, seconds=300) -> float:
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if proc.poll() is not None:
            raise SystemExit(f"a server stopped while starting (exit {proc.returncode}); see {WORK}/logs")
        try:
            if requests.get(url, timeout=2).ok:
                return round(time.monotonic() - start, 1)
        except requests.RequestException:
            pass
        time.sleep(0.25)
    raise SystemExit(f"{url} did not answer within {seconds}s")


class Ours:
    """scripts/run.sh, as `make run` starts it, on free ports, with its files in `work`.
    Also used by tests/e2e/test_lockdown.py."""

    def __init__(self, work: pathlib.Path = WORK, **extra_env):
        from cryptography.fernet import Fernet

        self.ports = {"RASA_PORT": free_port(), "ACTIONS_PORT": free_port(), "WIDGET_PORT": free_port()}
        self.url = f"http://127.0.0.1:{self.ports['RASA_PORT']}"
        self.widget_origin = f"http://localhost:{self.ports['WIDGET_PORT']}"
        self.out = work / "run.out"
        (work / "intake.db").unlink(missing_ok=True)
        env = quiet_env(
            **{k: str(v) for k, v in self.ports.items()},
            LOG_DIR=str(work / "logs"),
            DATABASE_URL=f"sqlite:///{work / 'intake.db'}",
            PHB_INTAKE_KEY=Fernet.generate_key().decode(),
            **extra_env,
        )
        self.key = env["PHB_INTAKE_KEY"]
        # Its own session: the signal that stops it must not reach whoever started it.
        self.proc = subprocess.Popen(
            ["scripts/run.sh"],
            cwd=ROOT,
            env=env,
            stdout=open(self.out, "w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        # Ready as run.sh says it: Rasa, the action server and the widget all answer.
        start = time.monotonic()
        while "The assistant is ready." not in self.out.read_text():
            if self.proc.poll() is not None or time.monotonic() - start > 300:
                raise RuntimeError(f"scripts/run.sh did not start:\n{self.out.read_text()[-3000:]}")
            time.sleep(0.25)
        self.ready_seconds = round(time.monotonic() - start, 1)

    def pids(self) -> dict:
        """The process ids of the Rasa servers ("rasa", or "rasa-1", "rasa-2"... in the order they
        started), the router (with several Rasa servers) and the action server: run.sh's children."""
        found, rasa = {}, []
        for proc in pathlib.Path("/proc").glob("[0-9]*"):
            try:
                cmd = (proc / "cmdline").read_bytes().split(b"\0")
                stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) != self.proc.pid:
                continue
            words = [c.decode() for c in cmd]
            if "actions" in words and "run" in words:
                found["actions"] = int(proc.name)
            elif "run" in words and "--model" in words:
                rasa.append(int(proc.name))
            elif "processes.conversation_router" in words:
                found["router"] = int(proc.name)
        rasa.sort()
        if len(rasa) == 1:
            found["rasa"] = rasa[0]
        else:
            found.update({f"rasa-{i + 1}": pid for i, pid in enumerate(rasa)})
        return found

    def stop(self) -> int:
        """Stop it as Ctrl-C would; returns its exit status."""
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=60)


class Cluster:
    """deploy/cluster.sh (`make cluster`: PostgreSQL, Redis, 2 Rasa servers, 2 action servers, HAProxy)
    on free ports, with its files in `work` and its databases named `prefix`_*.
    Also used by tests/e2e/test_cluster.py."""

    READY = "The cluster is ready."

    def __init__(self, work: pathlib.Path, prefix: str, start_timeout: float = 420, **extra_env):
        from cryptography.fernet import Fernet

        work.mkdir(parents=True, exist_ok=True)
        self.prefix = prefix
        self.rasa_ports = [free_port(), free_port()]
        env = quiet_env(
            CLUSTER_PORT=str(free_port()),
            RASA_PORTS=" ".join(map(str, self.rasa_ports)),
            ACTIONS_PORTS=f"{free_port()} {free_port()}",
            ACTIONS_LB_PORT=str(free_port()),
            CLUSTER_WIDGET_PORT=str(free_port()),
            CLUSTER_DB_PREFIX=prefix,
            CLUSTER_DIR=str(work),
            PHB_INTAKE_KEY=Fernet.generate_key().decode(),
            **extra_env,
        )
        self.url = f"http://127.0.0.1:{env['CLUSTER_PORT']}"
        self.key = env["PHB_INTAKE_KEY"]
        host, port = subprocess.run(
            ["scripts/redis.sh", "address"], cwd=ROOT, env=env, capture_output=True, text=True, check=True
        ).stdout.split()
        self.redis = (host, port)
        self.out = work / "cluster.out"
        self.proc = subprocess.Popen(
            ["deploy/cluster.sh"],
            cwd=ROOT,
            env=env,
            stdout=open(self.out, "w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        start = time.monotonic()
        while self.READY not in self.out.read_text():
            if self.proc.poll() is not None or time.monotonic() - start > start_timeout:
                self.proc.kill()
                raise RuntimeError(f"deploy/cluster.sh did not start:\n{self.out.read_text()[-3000:]}")
            time.sleep(0.5)
        self.ready_seconds = round(time.monotonic() - start, 1)

    def database_url(self, name: str) -> str:
        """The URL of one of its databases: "conversations" or "intake"."""
        base = subprocess.run(
            ["scripts/postgres.sh", "url"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        return f"{base.rsplit('/', 1)[0]}/{self.prefix}_{name}"

    def stop(self) -> int:
        """Drop its databases, then stop it as Ctrl-C would (which also stops PostgreSQL if it
        started it); returns its exit status."""
        from sqlalchemy import create_engine, text
        from sqlalchemy.pool import NullPool

        try:
            admin = create_engine(
                self.database_url("conversations").rsplit("/", 1)[0] + "/phb",
                isolation_level="AUTOCOMMIT",
                poolclass=NullPool,
            )
            with admin.connect() as c:
                for name in ("conversations", "intake"):
                    c.execute(text(f'DROP DATABASE IF EXISTS "{self.prefix}_{name}" WITH (FORCE)'))
            admin.dispose()
        finally:
            self.proc.send_signal(signal.SIGTERM)
            status = self.proc.wait(timeout=60)
        return status


def rss_mib(pid) -> float:
    """Resident memory of a process and all its descendants."""
    total, todo = 0, [pid]
    children = {}
    for proc in pathlib.Path("/proc").glob("[0-9]*"):
        try:
            parent = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError):
            continue
        children.setdefault(parent, []).append(int(proc.name))
    while todo:
        current = todo.pop()
        try:
            status = pathlib.Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        total += next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS"))
        todo.extend(children.get(current, []))
    return round(total / 1024, 1)


def start_starter(model_dir) -> tuple[subprocess.Popen, str, float]:
    port = free_port()
    credentials = WORK / "starter-credentials.yml"
    credentials.write_text("rest:\n")
    proc = subprocess.Popen(
        [
            str(BIN / "rasa"),
            "run",
            "--model",
            str(model_dir),
            "--interface",
            "127.0.0.1",
            "--port",
            str(port),
            "--credentials",
            str(credentials),
        ],
        cwd=WORK / "starter",
        env=quiet_env(),
        stdout=open(WORK / "logs" / "starter.log", "w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    return proc, url, wait_for(url + "/", proc)


def check_journeys(url, plays, area):
    """Every journey once, before measuring: each message gets an answer."""
    for name, messages in plays.items():
        sender = os.urandom(16).hex()
        for text in messages:
            answer = requests.post(
                url + "/webhooks/rest/webhook",
                timeout=60,
                json={"sender": sender, "message": text, "metadata": {"area": area} if area else {}},
            )
            if answer.status_code != 200 or not answer.json():
                raise SystemExit(f"journey {name!r}: no answer to {text!r} ({answer.status_code})")


def profile(pids, seconds, out_dir) -> tuple[dict, list]:
    """Start py-spy on our servers while a load runs; returns the files it writes and its processes."""
    files = {}
    procs = []
    for name, pid in pids.items():
        path = out_dir / f"profile-{name}.txt"
        # --format raw: collapsed stacks, readable as text and by flame graph tools.
        procs.append(
            subprocess.Popen(
                [
                    str(BIN / "py-spy"),
                    "record",
                    "--pid",
                    str(pid),
                    "--duration",
                    str(seconds),
                    "--rate",
                    "200",
                    "--format",
                    "raw",
                    "--output",
                    str(path),
                    "--nonblocking",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        files[name] = str(path.relative_to(ROOT))
    return files, procs


def table(rows) -> str:
    lines = [
        "| concurrent | assistant | msgs/s | p50 ms | p95 ms | p99 ms | errors | ratio msgs/s | ratio p95 |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for level in rows:
        starter = level["starter"]
        for label in ("ours", "stock", "cluster", "starter"):
            if label not in level:
                continue
            r = level[label]
            ratio = (
                (f"{r['msgs_per_s'] / starter['msgs_per_s']:.2f}", f"{r['p95_ms'] / starter['p95_ms']:.2f}")
                if label != "starter"
                else ("", "")
            )
            lines.append(
                f"| {r['concurrency']} | {label} | {r['msgs_per_s']} | {r['p50_ms']} | {r['p95_ms']} | "
                f"{r['p99_ms']} | {r['errors']} | {ratio[0]} | {ratio[1]} |"
            )
    return "\n".join(lines)


def beside_make_run(rows) -> str:
    """The other topologies against `make run` ("ours") in the same run, the cluster against make
    run in the same spells: issue 25 asks the cluster's p95 at 20 at once to be within 25% of
    make run's."""
    lines = ["| concurrent | assistant | msgs/s / make run's | p95 / make run's |", "| --- | --- | --- | --- |"]
    for level in rows:
        for label in ("stock", "cluster"):
            if label in level:
                r = level[label]
                ours = level.get(f"ours_beside_{label}", level["ours"])
                lines.append(
                    f"| {r['concurrency']} | {label} | {r['msgs_per_s'] / ours['msgs_per_s']:.2f} | "
                    f"{r['p95_ms'] / ours['p95_ms']:.2f} |"
                )
    return "\n".join(lines) if len(lines) > 2 else ""


def play_levels(report, label, url, levels, seconds) -> None:
    """Our journeys against `url` at each level, added to that level's row as `label`."""
    check_journeys(url, journeys.OURS, AREA)
    for level, row in zip(levels, report["levels"]):
        result = asyncio.run(load.run(url, journeys.OURS, journeys.OURS_WEIGHTS, level, seconds, area=AREA))
        row[label] = result.summary()
        print(f"  {label:8} {level:3} users: {row[label]}", flush=True)


def play_beside_make_run(report, label, url, ours_url, levels, seconds, spells=4) -> None:
    """`label` and `make run` in turn, both up, in `spells` short spells each per level (ABBA
    order): this machine is shared and its speed drifts by tens of percent within minutes, so
    measuring one after the other would credit the drift to one of them. Each level's row gets
    `label`, and make run's figures from the same spells as `ours_beside_<label>`."""
    check_journeys(url, journeys.OURS, AREA)
    for level, row in zip(levels, report["levels"]):
        merged = {name: load.Result(level, 0.0) for name in (label, "ours")}
        for spell in range(spells):
            order = [("ours", ours_url), (label, url)]
            for name, target in order if spell % 2 == 0 else order[::-1]:
                result = asyncio.run(
                    load.run(
                        target,
                        journeys.OURS,
                        journeys.OURS_WEIGHTS,
                        level,
                        seconds / spells,
                        warmup=2.0,
                        area=AREA,
                        seed=1 + 1000 * spell,
                    )
                )
                merged[name].add(result)
        row[label] = merged[label].summary()
        row[f"ours_beside_{label}"] = merged["ours"].summary()
        print(f"  {label:8} {level:3} users: {row[label]}", flush=True)
        print(f"  {'ours':8} {level:3} users, in turn with it: {row[f'ours_beside_{label}']}", flush=True)


def measure_cluster(report, levels, seconds, ours_url) -> None:
    """The production topology on the same machine, at the same levels, in turn with make run."""
    cluster = Cluster(WORK / "cluster", "phb_bench_" + os.urandom(3).hex())
    report["cluster_ready_s"] = cluster.ready_seconds
    print(f"Ready: cluster (deploy/cluster.sh) {cluster.ready_seconds}s", flush=True)
    try:
        play_beside_make_run(report, "cluster", cluster.url, ours_url, levels, seconds)
    finally:
        cluster.stop()


def measure_stock(report, levels, seconds, idle_minutes) -> None:
    """`make run` with PHB_RASA_SPEEDUPS=off, at the same levels, added to each row as "stock"."""
    work = WORK / "stock"
    (work / "logs").mkdir(parents=True, exist_ok=True)
    stock = Ours(work, PHB_RASA_SPEEDUPS="off", PHB_TRACKER_IDLE_MINUTES=str(idle_minutes))
    report["stock_run_ready_s"] = stock.ready_seconds
    print(f"Ready: stock Rasa (scripts/run.sh, PHB_RASA_SPEEDUPS=off) {stock.ready_seconds}s", flush=True)
    try:
        logs = "".join(path.read_text(errors="replace") for path in (work / "logs").glob("*.log"))
        if "Rasa speed-ups are off" not in logs + stock.out.read_text(errors="replace"):
            raise RuntimeError("the stock servers did not say their speed-ups are off")
        play_levels(report, "stock", stock.url, levels, seconds)
    finally:
        stock.stop()


def measure_memory(url, pids, batches, conversations, idle_minutes) -> list:
    """Resident memory after each batch of whole conversations, and after the batch is forgotten.

    Right after a batch the servers still hold its last minutes of conversations, so that figure
    moves with how they happened to be spread. Once they are forgotten, only what the servers
    keep for good is left: that figure must not grow from batch to batch."""
    rows = []
    for batch in range(1, batches + 1):
        failures = asyncio.run(
            load.conversations(url, journeys.OURS, journeys.OURS_WEIGHTS, conversations, 20, area=AREA, seed=batch)
        )
        row = {
            "batch": batch,
            "conversations": conversations * batch,
            "failed_messages": failures,
            "rss_mib": {name: rss_mib(pid) for name, pid in pids.items()},
        }
        time.sleep(idle_minutes * 60 + 5)
        # The stores forget idle conversations when they are next used. The router spreads new
        # conversations over its servers at random when none is busy: with 16, one server misses
        # out once in 30,000 times.
        asyncio.run(load.conversations(url, {"hello": ["hello"]}, {"hello": 1}, 16, 1, area=AREA))
        row["rss_mib_forgotten"] = {name: rss_mib(pid) for name, pid in pids.items()}
        rows.append(row)
        print(
            f"  memory after batch {batch}: {row['rss_mib']}, forgotten: {row['rss_mib_forgotten']} "
            f"(failed messages: {failures})",
            flush=True,
        )
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="1,20,50", help="concurrent conversations, comma-separated")
    parser.add_argument("--seconds", type=float, default=30.0, help="measured seconds per level")
    parser.add_argument("--memory-conversations", type=int, default=1000, help="conversations per memory batch")
    parser.add_argument("--memory-batches", type=int, default=3, help="memory batches")
    parser.add_argument(
        "--idle-minutes",
        type=float,
        default=1.0,
        help="ours forgets conversations idle this long (make run: 60), so that memory can level off",
    )
    parser.add_argument("--train-ours", action="store_true", help="also time a full training of our model")
    parser.add_argument("--profile", action="store_true", help="record py-spy profiles at 20 users")
    parser.add_argument(
        "--stock", action="store_true", help="also measure make run with PHB_RASA_SPEEDUPS=off (stock Rasa)"
    )
    parser.add_argument(
        "--cluster",
        action="store_true",
        help="also measure deploy/cluster.sh (2 Rasa servers behind HAProxy, PostgreSQL, Redis)",
    )
    args = parser.parse_args(argv)
    levels = [int(x) for x in args.levels.split(",")]
    (WORK / "logs").mkdir(parents=True, exist_ok=True)
    OUT.mkdir(parents=True, exist_ok=True)
    report = {
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "settings": vars(args),
        "levels": [],
    }
    print(f"Machine: {report['machine']}", flush=True)

    starter_dir = WORK / "starter"
    shutil.rmtree(starter_dir, ignore_errors=True)
    starter_dir.mkdir()
    print("Training Rasa's starter assistant (rasa init --no-prompt)...", flush=True)
    report["starter_init_and_train_s"] = timed(
        [str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(starter_dir)],
        WORK,
        WORK / "logs" / "starter-train.log",
    )
    if args.train_ours:
        print("Training our assistant (as make model does, with --force)...", flush=True)
        report["ours_train_s"] = timed(
            [
                str(BIN / "python"),
                "-m",
                "rasa_plugins.train",
                "train",
                "--force",
                "--out",
                str(WORK / "models"),
                "--fixed-model-name",
                "phb",
            ],
            ROOT,
            WORK / "logs" / "ours-train.log",
        )

    ours = Ours(PHB_TRACKER_IDLE_MINUTES=str(args.idle_minutes))
    report["ours_run_ready_s"] = ours.ready_seconds
    starter, starter_url, report["starter_ready_s"] = start_starter(starter_dir / "models")
    print(f"Ready: ours (scripts/run.sh) {ours.ready_seconds}s, starter {report['starter_ready_s']}s", flush=True)
    try:
        check_journeys(ours.url, journeys.OURS, AREA)
        check_journeys(starter_url, journeys.STARTER, None)
        pids = ours.pids()
        report["rss_mib_start"] = {name: rss_mib(pid) for name, pid in pids.items()}
        for level in levels:
            row = {}
            for name, url, plays, weights, area in (
                ("ours", ours.url, journeys.OURS, journeys.OURS_WEIGHTS, AREA),
                ("starter", starter_url, journeys.STARTER, journeys.STARTER_WEIGHTS, None),
            ):
                spies = []
                if args.profile and name == "ours" and level == 20:
                    report["profiles"], spies = profile(pids, min(20, int(args.seconds)), OUT)
                result = asyncio.run(load.run(url, plays, weights, level, args.seconds, area=area))
                for spy in spies:
                    spy.wait(timeout=60)
                row[name] = result.summary()
                print(f"  {name:8} {level:3} users: {row[name]}", flush=True)
            report["levels"].append(row)
        if args.stock:
            measure_stock(report, levels, args.seconds, args.idle_minutes)
        if args.cluster:
            measure_cluster(report, levels, args.seconds, ours.url)
        report["memory"] = measure_memory(
            ours.url, pids, args.memory_batches, args.memory_conversations, args.idle_minutes
        )
    finally:
        ours.stop()
        os.killpg(starter.pid, signal.SIGTERM)
        starter.wait(timeout=60)
    (OUT / "bench.json").write_text(json.dumps(report, indent=2))
    print("\n" + table(report["levels"]))
    if args.stock or args.cluster:
        print("\n" + beside_make_run(report["levels"]))
    print(f"\nResults: {(OUT / 'bench.json').relative_to(ROOT)}")


if __name__ == "__main__":
    main()
