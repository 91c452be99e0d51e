"""`phb-insight`: the ICB's anonymous figures from the assistant.

    phb-insight report --area kent-and-medway --from 2026-10-01 --to 2026-12-31 [--out DIR]
    phb-insight purge --before 2025-04-01

Prints a table and writes, to DIR (default var/insight): a CSV of every figure, a PNG
chart and a CSV of masked feedback comments. Counts from 1 to 4 are shown as "<5".
"""

from __future__ import annotations

import argparse
import datetime as dt
import pathlib
import sys

from bot.areas import DEFAULT_AREA_ID, all_areas
from bot.insight import report
from bot.insight.store import InsightStore, InsightUnavailable


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-10-01") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="phb-insight", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    rep = sub.add_parser("report", help="print the figures and write CSV and a chart")
    areas = sorted(a for a in all_areas() if a != DEFAULT_AREA_ID)
    rep.add_argument("--area", required=True, choices=[*areas, "all"])
    today = dt.date.today()
    rep.add_argument("--from", dest="start", type=_day, default=today - dt.timedelta(days=90))
    rep.add_argument("--to", dest="end", type=_day, default=today)
    rep.add_argument("--out", type=pathlib.Path, default=pathlib.Path("var/insight"))
    purge = sub.add_parser("purge", help="delete the facts of days before a date")
    purge.add_argument("--before", type=_day, required=True)
    args = parser.parse_args(argv)
    if args.command == "purge":
        try:
            print(f"Deleted {InsightStore().purge(args.before)} facts from before {args.before.isoformat()}.")
        except InsightUnavailable as err:
            print(f"The database could not be changed ({err}).", file=sys.stderr)
            return 1
        return 0
    if args.end < args.start:
        parser.error("--to is before --from")
    try:
        facts = InsightStore().facts()  # all of them: a conversation's area may be known only from earlier
    except InsightUnavailable as err:
        print(
            f"The database could not be read ({err}). Is DATABASE_URL right, and has `phb-intake migrate` been run?",
            file=sys.stderr,
        )
        return 1
    built = report.build(facts, None if args.area == "all" else args.area, args.start, args.end)
    print(report.as_text(built), end="")
    args.out.mkdir(parents=True, exist_ok=True)
    stem = f"insight-{args.area}-{args.start.isoformat()}-{args.end.isoformat()}"
    report.write_csv(built, args.out / f"{stem}.csv")
    report.write_chart(built, args.out / f"{stem}.png")
    report.write_comments(built, args.out / f"{stem}-comments.csv")
    print(f"\nWrote {args.out / stem}.csv, .png and -comments.csv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
