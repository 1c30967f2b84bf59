"""The untagged-mention lint at scale (issue 21, point 4): 100,000 mentions against a register of
80,000 entries, validated with and without the lint in the same run.

The corpus is generated in a temporary folder: a register of ENTRIES persons (each with a preferred
and a variant name) and one document of MENTIONS tagged mentions in paragraphs of 50, every entry
mentioned at least once, with one untagged name in every paragraph for the lint to find.

Usage: python benchmarks/bench_lint.py [--entries 80000] [--mentions 100000] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEI = "http://www.tei-c.org/ns/1.0"


def make_corpus(folder: Path, entries: int, mentions: int) -> Path:
    folder.mkdir(parents=True)
    people = "".join(
        f'<person xml:id="e{k}"><persName type="preferred">Given{k} Family{k}</persName>'
        f'<persName type="variant">Family{k}</persName></person>' for k in range(entries))
    (folder / "register.xml").write_text(
        f'<TEI xmlns="{TEI}" xml:id="register" xml:lang="en"><teiHeader><fileDesc><titleStmt><title>Register</title>'
        '</titleStmt><publicationStmt><publisher>bench</publisher><availability><p>Test.</p></availability>'
        '</publicationStmt><sourceDesc><p>Generated.</p></sourceDesc></fileDesc></teiHeader>'
        f'<standOff><listPerson>{people}</listPerson></standOff></TEI>', encoding="utf-8")
    minimal = (ROOT / "tests" / "fixtures" / "minimal" / "doc.xml").read_text(encoding="utf-8")
    head, _, _ = minimal.partition("<text>")
    paras = []
    per = 50
    for p in range(mentions // per):
        names = " and ".join(f'<persName ref="register.xml#e{(p * per + i) % entries}">Family{(p * per + i) % entries}'
                             f'</persName>' for i in range(per))
        untagged = f"Family{(p * 7) % entries}"
        paras.append(f'<p xml:id="p{p + 1}">{names} met {untagged}.</p>')
    body = f'<text><body><div xml:id="s1" type="section">{"".join(paras)}</div></body></text></TEI>'
    (folder / "doc.xml").write_text(head.replace("register.xml#author", "register.xml#e0") + body, encoding="utf-8")
    return folder


def timed(folder: Path, lint: bool, runs: int) -> tuple[list[float], int]:
    from teikit.validate import iter_errors

    times, count = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        problems = list(iter_errors(folder, lint=lint))
        times.append(time.perf_counter() - start)
        count = sum(p.rule == "lint-untagged-mention" for p in problems)
        errors = [p for p in problems if p.severity == "error"]
        assert not errors, [str(p) for p in errors[:3]]
    return times, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=80_000)
    parser.add_argument("--mentions", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = make_corpus(Path(tmp) / "tei", args.entries, args.mentions)
        without, _ = timed(folder, False, args.runs)
        with_lint, found = timed(folder, True, args.runs)
    ratio = statistics.median(with_lint) / statistics.median(without)
    print(f"| {args.mentions:,} mentions × {args.entries:,} entries | validate --no-lint | validate (lint) | ratio |")
    print("|---|---|---|---|")
    print(f"| median of {args.runs} | {statistics.median(without):.2f} s | {statistics.median(with_lint):.2f} s "
          f"| {ratio:.2f} × (target ≤ 3 ×; {found:,} untagged names found) |")


if __name__ == "__main__":
    main()
