"""Extract the English -> Norwegian entries the report can use from FreeDict eng-nor into src/askerqa/data/eng_nor.tsv.

Source: the Debian package `dict-freedict-eng-nor` (apt-get install dict-freedict-eng-nor), files
/usr/share/dictd/freedict-eng-nor.{index,dict.dz}. FreeDict eng-nor is CC-BY-SA-3.0 (see
/usr/share/doc/dict-freedict-eng-nor/copyright), so the extracted subset is CC-BY-SA-3.0 too; the data
file says so in its header. Only needed again when the dictionary or the report changes: the app reads
the committed file, so a fresh machine needs neither apt nor the package.

An entry is kept when one of its Norwegian translations is made only of words the report uses (stemmed
and folded, as BM25 sees them): the report's own vocabulary cuts the dictionary's noise.

    python scripts/build_lexicon.py [--index index] [--dict /usr/share/dictd/freedict-eng-nor]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from askerqa.lexical import tokenize  # noqa: E402

OUT = ROOT / "src" / "askerqa" / "data" / "eng_nor.tsv"
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_HEAD = re.compile(r"^(?P<word>.+?) /.*<(?P<pos>[\w ]+)>$")
_SENSE = re.compile(r"^\d+\. (.+)$")
_MARK = re.compile(r"\s*\d+\.$")  # `folk 2.`: the next sense shares this translation


def _b64(s: str) -> int:
    n = 0
    for c in s:
        n = n * 64 + _B64.index(c)
    return n


def read_dictionary(base: Path) -> dict[str, list[str]]:
    """English headword (lowercase) -> Norwegian translations, in dictionary order."""
    data = gzip.open(f"{base}.dict.dz").read()
    out: dict[str, list[str]] = {}
    for line in Path(f"{base}.index").read_text(encoding="utf-8").splitlines():
        word, offset, length = line.split("\t")
        if word.startswith("00database"):
            continue
        start = _b64(offset)
        lines = data[start : start + _b64(length)].decode("utf-8").splitlines()
        head = _HEAD.match(lines[0]) if lines else None
        if not head:
            continue
        found: list[str] = []
        for i, raw in enumerate(lines[1:]):
            text = _MARK.sub("", raw.strip())
            sense = _SENSE.match(text)
            if sense:
                text = sense.group(1)
            elif i != 0:
                continue  # a gloss line (English explanation), not a translation
            found += [t.strip() for t in text.split(",") if t.strip()]
        key = head.group("word").lower()
        out[key] = list(dict.fromkeys(out.get(key, []) + found))
    return out


def report_terms(index: Path) -> set[str]:
    texts = [json.loads(line)["text"] for line in (index / "passages.jsonl").read_text(encoding="utf-8").splitlines()]
    return {t for text in texts for t in tokenize(text)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--index", type=Path, default=ROOT / "index")
    ap.add_argument("--dict", type=Path, default=Path("/usr/share/dictd/freedict-eng-nor"))
    args = ap.parse_args(argv)
    if not Path(f"{args.dict}.index").exists():
        print(f"build_lexicon: fant ikke {args.dict}.index – installer den med `apt-get install dict-freedict-eng-nor`.")
        return 1
    terms = report_terms(args.index)
    rows = []
    for english, norwegian in sorted(read_dictionary(args.dict).items()):
        # whole entries are kept so that a Norwegian word the report lacks (`strøm`) can be read back to
        # its siblings; the engine again keeps only the translations the report uses
        if any((toks := tokenize(n)) and all(t in terms for t in toks) for n in norwegian):
            rows.append(f"{english}\t{', '.join(norwegian)}")
    header = [
        "# English -> Norwegian translations that the report uses; one headword a line, tab, translations.",
        "# source: FreeDict eng-nor 2022.11.18 (Debian dict-freedict-eng-nor), https://freedict.org, "
        "from Wiktionary via WikDict",
        "# licence: CC-BY-SA-3.0 (this subset is an adaptation and keeps that licence; the code is MIT)",
        "# built by scripts/build_lexicon.py: the entries with a translation the report's vocabulary holds",
    ]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(header + rows) + "\n", encoding="utf-8")
    print(f"build_lexicon: {len(rows)} oppslag skrevet til {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
