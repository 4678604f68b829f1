"""`askerqa` command line: passages | model | build | ask | eval | bench | feedback."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter

from .config import settings
from .errors import AskerQAError


def cmd_passages(args: argparse.Namespace) -> int:
    from .passages import load_passages

    passages, report = load_passages(settings().corpus)
    if args.stats:
        kinds = Counter(p.kind for p in passages)
        print(f"linjer i filen: {report.total_lines}; ren gjengivelse: {report.clean_lines}; "
              f"droppet (andre gjengivelse): {report.dropped_second_rendering}")
        print(f"sidesegmenter: {report.segments}; passasjer: {len(passages)}")
        print("passasjer per type: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
        print(f"tabeller tolket: {report.tables_parsed} ({report.table_rows} rader); "
              f"tabeller (helt eller delvis) beholdt som tekst: {report.tables_kept_as_text}")
        print("droppet: " + ", ".join(f"{k} {v}" for k, v in sorted(report.dropped.items())))
        print(f"reparerte ord: {len(report.repairs)}")
        for r in report.repairs:
            print(f"  linje {r.line}: {r.before!r} -> {r.after!r}")
        return 0
    out = sys.stdout
    for p in passages:
        out.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="askerqa", description="Spørsmål og svar om Asker kommunes 4-årsrapport.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("passages", help="skriv alle passasjer som JSON, én per linje")
    p.add_argument("--stats", action="store_true", help="skriv en oppsummering av ingest i stedet")
    p.set_defaults(func=cmd_passages)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except AskerQAError as exc:
        print(f"askerqa: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
