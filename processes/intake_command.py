"""`phb-intake`: the staff command for intake records.

  phb-intake migrate                        make or upgrade the database schema
  phb-intake list [--area A] [--from D] [--to D] [--status S]
  phb-intake show REFERENCE [--format text|json]
  phb-intake export --format csv|json|fhir [--area A] [--from D] [--to D] [--output FILE]
  phb-intake mark-received REFERENCE
  phb-intake requeue REFERENCE              send a dead-lettered record again
  phb-intake erase REFERENCE | --conversation ID [--tracker-db URL]
  phb-intake purge [--dry-run] [--tracker-db URL]
  phb-intake rekey [--tracker-db URL]       encrypt everything again with the first key
  phb-intake relay [--once] [--interval SECONDS]

The database is DATABASE_URL (default: var/intake.db); the key is PHB_INTAKE_KEY. The stored
conversations are in Rasa's SQL tracker store, TRACKER_DATABASE_URL (production only: under
`make run` they are kept in memory and forgotten after an hour idle or on restart).
Nothing personal is ever logged; `show` and `export` print personal data because
that is what they are for: run them only where staff may see it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import sys
import time

from sqlalchemy.exc import SQLAlchemyError

from bot import conversation_ids, conversation_store
from bot.areas import all_areas
from bot.intake import fhir, models
from bot.storage.crypto import KeyMissing, conversation_hash
from bot.intake.delivery import (
    CA_BUNDLE_VARIABLE,
    EndpointRefused,
    RelaySettings,
    endpoints_from_config,
    relay_once,
    requeue,
)
from bot.intake.questions import content
from bot.intake.record import iso, payload
from bot.intake.staff_copy import csv_text, show_text
from bot.intake.store import IntakeStore, StoreUnavailable, erase_conversation
from bot.storage.database import engine_for

TRACKER_VARIABLE = "TRACKER_DATABASE_URL"


def _date(text: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-25")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="phb-intake", description="Staff tools for intake records.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="make or upgrade the database schema")
    for name in ("list", "export"):
        p = sub.add_parser(name)
        p.add_argument("--area")
        p.add_argument("--from", dest="since", type=_date, help="created on or after (YYYY-MM-DD)")
        p.add_argument("--to", dest="until", type=_date, help="created before (YYYY-MM-DD)")
        p.add_argument("--status", choices=models.STATES)
        if name == "export":
            p.add_argument("--format", choices=("csv", "json", "fhir"), required=True)
            p.add_argument("--output", help="file to write (default: standard output)")
    show = sub.add_parser("show", help="one record in plain words (--format json: our JSON shape)")
    show.add_argument("reference")
    show.add_argument("--format", choices=("text", "json"), default="text")
    for name in ("mark-received", "requeue"):
        sub.add_parser(name).add_argument("reference")
    erase = sub.add_parser(
        "erase", help="right to erasure: the stored conversation first, then its records and their outbox rows"
    )
    which = erase.add_mutually_exclusive_group(required=True)
    which.add_argument("reference", nargs="?", help="an intake reference")
    which.add_argument("--conversation", help="a conversation id (32 hex digits from the widget, or 64 as stored)")
    purge = sub.add_parser("purge", help="delete records past their retention period, and idle conversations")
    purge.add_argument("--dry-run", action="store_true")
    rekey = sub.add_parser(
        "rekey",
        help="encrypt every record and stored conversation again with the first "
        "key in PHB_INTAKE_KEY (the others may then be removed)",
    )
    for p in (erase, purge, rekey):
        p.add_argument(
            "--tracker-db",
            default=os.environ.get(TRACKER_VARIABLE),
            help=f"Rasa's SQL tracker store (default: ${TRACKER_VARIABLE})",
        )
    relay = sub.add_parser("relay", help="post waiting records to each area's endpoint")
    relay.add_argument("--once", action="store_true")
    relay.add_argument("--interval", type=float, default=15.0)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    store = IntakeStore()
    try:
        return COMMANDS[args.command](store, args)
    except (StoreUnavailable, KeyMissing) as err:
        print(f"phb-intake: the intake database cannot be used: {err}", file=sys.stderr)
        return 1
    except SQLAlchemyError as err:  # shown without any data
        print(f"phb-intake: database error ({type(err).__name__})", file=sys.stderr)
        return 1


def _not_found(reference: str) -> int:
    print(f"no record {reference}", file=sys.stderr)
    return 1


def _migrate(store, args) -> int:
    print(f"intake database at revision {store.migrate()}")
    return 0


def _list(store, args) -> int:
    rows = store.find(args.area, args.since, args.until, args.status)
    print(f"{'reference':<15} {'area':<30} {'created (UTC)':<21} {'status':<16} attempts  last error")
    for record, outbox in rows:
        print(
            f"{record.reference:<15} {record.area:<30} {iso(record.created_at):<21} {outbox.status:<16} "
            f"{outbox.attempts:<9} {outbox.last_error or ''}"
        )
    print(f"{len(rows)} record(s)")
    return 0


def _show(store, args) -> int:
    found = store.get(args.reference)
    if found is None:
        return _not_found(args.reference)
    record, outbox = found
    if args.format == "text":
        sys.stdout.write(show_text(record, outbox))
        return 0
    out = payload(record, record.reference)
    out["delivery"] = {
        "status": outbox.status,
        "attempts": outbox.attempts,
        "last_error": outbox.last_error,
        "delivered_at": iso(outbox.delivered_at),
        "received_at": iso(record.received_at),
    }
    print(json.dumps(out, indent=2, ensure_ascii=False))
    return 0


def _export(store, args) -> int:
    rows = store.find(args.area, args.since, args.until, args.status)
    records = [payload(record, record.reference) | {"status": outbox.status} for record, outbox in rows]
    if args.format == "fhir":  # FHIR bulk-data NDJSON: one Bundle a line (docs/intake-formats.md)
        text = fhir.ndjson(record for record, _ in rows)
    elif args.format == "json":
        text = json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    else:
        text = csv_text(rows)
    if args.output:
        # Personal data: readable by its owner only; never through a link, never over another file.
        try:
            fd = os.open(args.output, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        except FileExistsError:
            print(f"phb-intake: {args.output} already exists; choose a new file name", file=sys.stderr)
            return 1
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        print(f"wrote {len(records)} record(s) to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _mark_received(store, args) -> int:
    if not store.mark_received(args.reference):
        return _not_found(args.reference)
    print(f"{args.reference} marked as received")
    return 0


def _requeue(store, args) -> int:
    if not requeue(store, args.reference):
        return _not_found(args.reference)
    print(f"{args.reference} will be sent again")
    return 0


def _erase(store, args) -> int:
    """The conversation first: if it cannot be erased, nothing is, and staff are told to try again
    (a record erased first would leave its conversation with nothing left to find it by)."""
    if args.conversation:
        try:
            stored = conversation_ids.stored_ids(args.conversation)
        except ValueError as err:
            print(f"phb-intake erase: {err}", file=sys.stderr)
            return 2
        hashes = [conversation_hash(s) for s in stored]
        references = store.references_of(hashes)
        name = "the conversation"
    else:
        hashes = [h for h in [store.conversation_of(args.reference)] if h]
        if not hashes:
            return _not_found(args.reference)
        references, stored = [args.reference], None
        name = args.reference
    if args.tracker_db:
        try:
            if stored is None:
                events = erase_conversation(args.tracker_db, hashes[0])
            else:
                with engine_for(args.tracker_db).begin() as connection:
                    events = conversation_store.erase(connection, stored)
        except (SQLAlchemyError, OSError) as err:
            print(
                f"phb-intake erase: NOT ERASED: the stored conversation could not be reached "
                f"({type(err).__name__}); nothing was erased. Try again.",
                file=sys.stderr,
            )
            return 1
        print(f"{name}: {events} stored conversation event(s) erased")
    else:
        print(
            f"{name}: no SQL tracker store given ({TRACKER_VARIABLE}); conversations kept in memory are "
            "forgotten after an hour without a message, or when the assistant restarts"
        )
    for reference in references:
        store.erase(reference)
        print(f"{reference}: record and outbox row erased")
    if args.conversation and not references:
        print("the conversation: no intake record was made in it")
    return 0


def retention() -> tuple[dict, int]:
    areas = {a.id: a.retention_days for a in all_areas().values() if a.retention_days}
    return areas, int(content()["retention_days"])


def _purge(store, args) -> int:
    per_area, default = retention()
    result = store.purge(per_area, default, dry_run=args.dry_run)
    verb = "would purge" if args.dry_run else "purged"
    print(
        f"{verb} {result['purged']} record(s); kept {result['kept_not_with_team']} past retention that the "
        "team does not have yet"
    )
    if args.tracker_db and not args.dry_run:
        hours = float(content()["conversation_retention_hours"])
        with engine_for(args.tracker_db).begin() as connection:
            events = conversation_store.purge(connection, hours)
        print(f"purged {events} event(s) of conversations idle for {hours:g} hours")
    return 0


def _rekey(store, args) -> int:
    print(f"{store.rekey()} record(s) encrypted with the first key")
    if args.tracker_db:
        with engine_for(args.tracker_db).begin() as connection:
            print(f"{conversation_store.rekey(connection)} stored conversation event(s) encrypted with the first key")
    return 0


def _relay(store, args) -> int:
    try:
        settings = RelaySettings(endpoints=endpoints_from_config(), verify=os.environ.get(CA_BUNDLE_VARIABLE) or True)
    except EndpointRefused as err:
        print(f"phb-intake relay: not started: {err}", file=sys.stderr)
        return 2
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    while True:
        try:
            report = relay_once(store, settings)
            if report.delivered or report.retried or report.dead or report.awaiting_export:
                print(
                    f"relay: delivered {report.delivered}, will retry {report.retried}, dead-lettered "
                    f"{report.dead}, awaiting export {report.awaiting_export}",
                    flush=True,
                )
                for reference, why in report.errors:
                    print(f"relay: {reference}: {why}", flush=True)
        except (StoreUnavailable, KeyMissing, SQLAlchemyError) as err:
            why = err if isinstance(err, (StoreUnavailable, KeyMissing)) else type(err).__name__
            print(f"relay: the intake database cannot be used ({why}); trying again", file=sys.stderr, flush=True)
            if args.once:
                return 1
        if args.once or stopping:
            return 0
        deadline = time.monotonic() + args.interval
        while time.monotonic() < deadline and not stopping:
            time.sleep(0.5)
        if stopping:
            return 0


COMMANDS = {
    "migrate": _migrate,
    "list": _list,
    "show": _show,
    "export": _export,
    "mark-received": _mark_received,
    "requeue": _requeue,
    "erase": _erase,
    "purge": _purge,
    "rekey": _rekey,
    "relay": _relay,
}

if __name__ == "__main__":
    sys.exit(main())
