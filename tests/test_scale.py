"""Corpus builds: many documents, parallel workers, incremental rebuilds, shards and merge, locking."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import ROOT, TEI_DIR
from teikit.cli import main
from teikit.errors import OutputError, ValidationFailed
from teikit.load import Corpus
from teikit.passages import resolve
from teikit.publish import STATE_FILE, BuildOptions, build, merge


@pytest.fixture(scope="module")
def corpus6(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six synthetic documents made by benchmarks/make_corpus.py (the script under test too)."""
    dest = tmp_path_factory.mktemp("corpus6")
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_corpus.py"), "6", str(dest)], check=True,
                   capture_output=True)
    return dest / "tei"


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and ".teikit" not in p.parts}


def copy_corpus(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest)
    return dest


def test_make_corpus_writes_valid_distinct_documents(corpus6: Path) -> None:
    from teikit.validate import iter_errors

    docs = sorted(p.name for p in corpus6.glob("*.xml"))
    assert len(docs) == 7 and "register.xml" in docs
    assert [p for p in iter_errors(corpus6) if p.severity == "error"] == []
    corpus = Corpus.discover(corpus6)
    ids = [d.id for d in corpus.iter_documents()]
    titles = [d.title for d in corpus.iter_documents()]
    assert len(set(ids)) == 6 and len(set(titles)) == 6
    first = [p.text for p in corpus.load_document(corpus.document_paths[0]).paragraphs()]
    second = [p.text for p in corpus.load_document(corpus.document_paths[1]).paragraphs()]
    assert first != second and sorted(map(str, first)) == sorted(map(str, second))  # shuffled


def test_parallel_build_equals_serial_build(corpus6: Path, tmp_path: Path) -> None:
    one = build(corpus6, tmp_path / "one", BuildOptions(jobs=1))
    two = build(corpus6, tmp_path / "two", BuildOptions(jobs=2))
    assert one.documents == two.documents and len(one.documents) == 6
    assert files(tmp_path / "one") == files(tmp_path / "two")
    assert (tmp_path / "one" / "index.html").is_file()
    root = json.loads((tmp_path / "one" / "api" / "dts" / "collection" / "edition.json").read_text())
    assert root["totalChildren"] == 6 and len(root["member"]) == 6


def test_commands_address_passages_across_the_corpus(corpus6: Path) -> None:
    corpus = Corpus.discover(corpus6)
    resolved = resolve(corpus, "deutscher-variant-00003:p12")
    assert resolved.doc.id == "deutscher-variant-00003" and [p.id for p in resolved.passages] == ["p12"]
    result = CliRunner().invoke(main, ["cite", "p12", "--tei-dir", str(corpus6)])
    assert result.exit_code == 1 and "name one, as DOC-ID:p12" in result.stderr
    result = CliRunner().invoke(main, ["cite", "deutscher-variant-00002:p12", "--tei-dir", str(corpus6),
                                       "--format", "csl-json"])
    assert result.exit_code == 0 and json.loads(result.stdout)[0]["id"] == "deutscher-variant-00002"
    result = CliRunner().invoke(main, ["cite", "deutscher-variant-00004", "--tei-dir", str(corpus6),
                                       "--format", "csl-json"])
    assert result.exit_code == 0 and json.loads(result.stdout)[0]["id"] == "deutscher-variant-00004"
    assert "locator" not in json.loads(result.stdout)[0]
    result = CliRunner().invoke(main, ["info", "--tei-dir", str(corpus6), "--format", "json"])
    assert json.loads(result.stdout)["documents"] == 6 and json.loads(result.stdout)["paragraphs"] == 186


def test_noop_rebuild_writes_nothing(corpus6: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(corpus6, out, BuildOptions(jobs=1))
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    inode = out.stat().st_ino
    again = build(corpus6, out, BuildOptions(jobs=1))
    assert again.up_to_date and again.rendered == [] and again.validated == []
    assert out.stat().st_ino == inode and {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before


def test_changing_one_document_rebuilds_only_it(corpus6: Path, tmp_path: Path) -> None:
    tei = copy_corpus(corpus6, tmp_path / "tei")
    out = tmp_path / "out"
    build(tei, out, BuildOptions(jobs=1))
    before = files(out)
    target = sorted(tei.glob("deutscher-variant-*.xml"))[2]
    target.write_text(target.read_text().replace("(variant 3)", "(variant three)"))
    result = build(tei, out, BuildOptions(jobs=1))
    assert result.rendered == [str(target)] and result.validated == [str(target)]
    after = files(out)
    changed = {k for k in after if before.get(k) != after[k]}
    site_files = ("index.html", "api/dts/collection/edition", "api/dts/collection.json", "pagefind/", "search/")
    assert changed and all("deutscher-variant-00003" in k or k.startswith(site_files) for k in changed)
    assert all(p.stat().st_nlink == 1 for p in (out / "deutscher-variant-00003").rglob("*") if p.is_file())
    fresh = tmp_path / "fresh"
    build(tei, fresh, BuildOptions(jobs=1))
    assert files(fresh) == after  # incremental output equals a clean build


LIGHT = ("html", "text", "citations", "dts")  # the formats with most files per document, without the slow ones


def _count_links(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Count the hard links a build makes (``os.link``, as teikit.publish calls it)."""
    import teikit.publish as publish

    count = {"n": 0}
    real = os.link

    def link(*args: Any, **kwargs: Any) -> None:
        count["n"] += 1
        real(*args, **kwargs)

    monkeypatch.setattr(publish.os, "link", link)
    return count


def test_a_rebuild_refreshes_the_twin_instead_of_linking_the_whole_site(
        corpus6: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 21: editing one document costs what changed.  The tree a build replaces is kept
    beside the output (its twin); the next build brings only what changed into it and swaps it in,
    where it used to hard-link every unchanged file into a new tree and delete the old one."""
    tei = copy_corpus(corpus6, tmp_path / "tei")
    out, twin = tmp_path / "out", tmp_path / ".out.teikit-twin"
    options = BuildOptions(jobs=1, formats=LIGHT)
    first = build(tei, out, options)
    assert twin.is_dir() and files(twin) == files(out)  # made by linking, once, after a first build
    per_doc = first.files // 6
    docs = sorted(tei.glob("deutscher-variant-*.xml"))
    links = _count_links(monkeypatch)
    inode = twin.stat().st_ino
    docs[1].write_text(docs[1].read_text().replace("(variant 2)", "(variant two)"))
    result = build(tei, out, options)
    assert result.rendered == [str(docs[1])]
    assert out.stat().st_ino == inode  # the twin became the output
    assert links["n"] == 0  # nothing unchanged was linked again: the twin held it already
    docs[4].write_text(docs[4].read_text().replace("(variant 5)", "(variant five)"))
    build(tei, out, options)
    # The twin is now the tree before the first edit: only the edited document's files are taken
    # from the output again (and no site-wide file: those are written anew).
    assert 0 < links["n"] <= per_doc
    fresh = tmp_path / "fresh"
    build(tei, fresh, options)
    assert files(out) == files(fresh)
    assert (out / ".teikit" / "state.json").read_text().count('"path"') == 6


def test_a_damaged_twin_is_repaired_not_published(corpus6: Path, tmp_path: Path) -> None:
    """Whatever happened to the twin (a file replaced, removed or added, a document's folder
    gone), the output after a rebuild is what a build from nothing writes."""
    tei = copy_corpus(corpus6, tmp_path / "tei")
    out, twin = tmp_path / "out", tmp_path / ".out.teikit-twin"
    options = BuildOptions(jobs=1, formats=LIGHT)
    build(tei, out, options)
    doc2 = twin / "deutscher-variant-00002"
    text = doc2 / "deutscher-variant-00002.txt"
    text.unlink()
    text.write_text("not what teikit wrote\n")  # a new file: the output's own copy is untouched
    (twin / "deutscher-variant-00003" / "index.html").unlink()
    (twin / "deutscher-variant-00004" / "stray.html").write_text("stray")
    (twin / "api" / "dts" / "document" / "stray.xml").write_text("stray")
    (twin / "stray-top").mkdir()
    shutil.rmtree(twin / "deutscher-variant-00005")
    assert "not what" not in (out / "deutscher-variant-00002" / "deutscher-variant-00002.txt").read_text()
    docs = sorted(tei.glob("deutscher-variant-*.xml"))
    docs[0].write_text(docs[0].read_text().replace("(variant 1)", "(variant one)"))
    result = build(tei, out, options)
    assert result.rendered == [str(docs[0])]  # the output held the good copies: linked from there
    fresh = tmp_path / "fresh"
    build(tei, fresh, options)
    assert files(out) == files(fresh)
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in fresh.iterdir())


def test_a_refreshed_twin_follows_a_change_of_formats_and_a_removed_document(corpus6: Path, tmp_path: Path) -> None:
    """Formats dropped or added and a document removed while the twin is refreshed: the output is
    what a build from nothing writes (no file of a dropped format or removed document is left)."""
    tei = copy_corpus(corpus6, tmp_path / "tei")
    out = tmp_path / "out"
    build(tei, out, BuildOptions(jobs=1, formats=LIGHT))
    docs = sorted(tei.glob("deutscher-variant-*.xml"))
    docs[0].write_text(docs[0].read_text().replace("(variant 1)", "(variant one)"))
    build(tei, out, BuildOptions(jobs=1, formats=("html", "text")))  # the twin: every LIGHT format
    docs[5].unlink()
    result = build(tei, out, BuildOptions(jobs=1, formats=("html", "tei")))
    assert len(result.documents) == 5
    fresh = tmp_path / "fresh"
    build(tei, fresh, BuildOptions(jobs=1, formats=("html", "tei")))
    assert files(out) == files(fresh)
    assert not (out / "api").exists() and not (out / "deutscher-variant-00006").exists()


def test_a_twin_whose_output_is_gone_is_removed(corpus6: Path, tmp_path: Path) -> None:
    out, twin = tmp_path / "out", tmp_path / ".out.teikit-twin"
    build(corpus6, out, BuildOptions(jobs=1, formats=("html",)))
    shutil.rmtree(out)
    result = build(corpus6, out, BuildOptions(jobs=1, formats=("text",)))
    assert len(result.rendered) == 6 and files(twin) == files(out)  # made anew, of the new output
    assert not any(p.suffix == ".html" and p.name != "index.html" for p in twin.rglob("*"))


def test_rebuild_reads_only_documents_whose_file_facts_changed(corpus6: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Recorded hashes are reused for files untouched since (size, mtime, inode), so a no-op rebuild
    of a large corpus reads no document; an edited file, or one modified as late as the record
    itself (the same clock tick could hide an edit), is always read and hashed again."""
    import os
    import time

    import teikit.publish as publish

    # The reading page only: the last step relies on a rebuild finishing within two seconds of the
    # edit, which the PDFs of six documents do not on a slow machine (this is about the inputs).
    fast = BuildOptions(jobs=1, formats=("html",))
    tei = copy_corpus(corpus6, tmp_path / "tei")
    docs = sorted(tei.glob("deutscher-variant-*.xml"))
    long_ago = time.time() - 3600
    for doc in docs:
        os.utime(doc, (long_ago, long_ago))
    out = tmp_path / "out"
    build(tei, out, fast)
    hashed: list[str] = []
    content_hash = publish._content_hash
    monkeypatch.setattr(publish, "_content_hash", lambda path: hashed.append(path.name) or content_hash(path))
    assert build(tei, out, fast).up_to_date and hashed == []
    docs[1].write_text(docs[1].read_text().replace("(variant 2)", "(variant two)"))  # a normal edit: new mtime
    result = build(tei, out, fast)
    assert result.rendered == [str(docs[1])] and hashed == [docs[1].name]
    hashed.clear()
    assert build(tei, out, fast).up_to_date
    assert hashed == [docs[1].name]  # modified within two seconds of the record: not trusted yet


def test_register_change_rebuilds_everything_schema_change_only_revalidates(
        corpus6: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from teikit import publish

    tei = copy_corpus(corpus6, tmp_path / "tei")
    out = tmp_path / "out"
    build(tei, out, BuildOptions(jobs=1))
    register = tei / "register.xml"
    register.write_text(register.read_text().replace("Nikita Khrushchev</persName>", "Nikita S. Khrushchev</persName>"))
    result = build(tei, out, BuildOptions(jobs=1))
    assert len(result.rendered) == 6 and len(result.validated) == 6
    real = publish.dependency_keys

    def schema_changed(corpus: Corpus, options: BuildOptions) -> tuple[str, str]:
        validate_key, render_key = real(corpus, options)
        return validate_key + "-new-schema", render_key

    monkeypatch.setattr(publish, "dependency_keys", schema_changed)
    result = build(tei, out, BuildOptions(jobs=1))
    assert len(result.validated) == 6 and result.rendered == []
    assert (out / "deutscher-variant-00001" / "index.html").is_file()


def test_invalid_document_in_corpus_keeps_previous_output(corpus6: Path, tmp_path: Path) -> None:
    tei = copy_corpus(corpus6, tmp_path / "tei")
    out = tmp_path / "out"
    build(tei, out, BuildOptions(jobs=2))
    before = files(out)
    bad = sorted(tei.glob("deutscher-variant-*.xml"))[4]
    bad.write_text(bad.read_text().replace('xml:id="p7"', 'xml:id="p77"'))
    with pytest.raises(ValidationFailed) as info:
        build(tei, out, BuildOptions(jobs=2))
    assert {p.rule for p in info.value.problems} == {"passage-id-paragraph"}  # type: ignore[attr-defined]
    assert files(out) == before


def test_shards_merge_into_the_same_site(corpus6: Path, tmp_path: Path) -> None:
    whole = tmp_path / "whole"
    build(corpus6, whole, BuildOptions(jobs=1))
    shards = []
    for i in (1, 2, 3):
        shard = tmp_path / f"shard{i}"
        result = build(corpus6, shard, BuildOptions(jobs=1, shard=(i, 3)))
        assert len(result.documents) == 2 and not (shard / "index.html").exists()
        shards.append(shard)
    merged = tmp_path / "merged"
    merge(corpus6, shards, merged)
    assert files(merged) == files(whole)
    with pytest.raises(Exception, match="do not cover"):
        merge(corpus6, shards[:2], tmp_path / "partial")
    with pytest.raises(Exception, match="overlap"):
        merge(corpus6, [*shards, shards[0]], tmp_path / "twice")


def test_cli_shard_and_merge(corpus6: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    for i in (1, 2):
        r = runner.invoke(main, ["build", "--tei-dir", str(corpus6), "--out", str(tmp_path / f"s{i}"),
                                 "--shard", f"{i}/2",
                                 "-j", "1"])
        assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["merge", str(tmp_path / "s1"), str(tmp_path / "s2"), "--tei-dir", str(corpus6),
                             "--out", str(tmp_path / "site")])
    assert r.exit_code == 0 and "merged 6 document(s) from 2 shard(s)" in r.stdout
    bad = runner.invoke(main, ["build", "--tei-dir", str(corpus6), "--out", str(tmp_path / "x"), "--shard", "3/2"])
    assert bad.exit_code == 2 and "I/N" in bad.output


def test_second_build_on_same_output_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    lock = tmp_path / ".dist.lock"
    with open(lock, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        with pytest.raises(OutputError, match="another teikit command is writing this output folder"):
            build(TEI_DIR, out, BuildOptions(jobs=1))
        result = CliRunner().invoke(main, ["build", "--tei-dir", str(TEI_DIR), "--out", str(out)])
        assert result.exit_code == 2 and "another teikit command is writing this output folder" in result.stderr
    assert not out.exists()
    build(TEI_DIR, out, BuildOptions(jobs=1))
    assert (out / STATE_FILE).is_file()


def test_progress_is_reported_and_quiet_when_asked(corpus6: Path, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    build(corpus6, tmp_path / "out", BuildOptions(jobs=1), progress=lambda d, t: seen.append((d, t)))
    assert seen == [(i, 6) for i in range(1, 7)]
    result = CliRunner().invoke(main, ["build", "--tei-dir", str(corpus6), "--out", str(tmp_path / "q"), "-q",
                                       "-j", "1"])
    assert result.exit_code == 0 and result.stdout == "" and result.stderr == ""


def test_progress_bar_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import sys

    from teikit.cli import _progress

    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    assert _progress(quiet=False) is None
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert _progress(quiet=True) is None
    update = _progress(quiet=False)
    assert update is not None
    for i in range(1, 11):
        update(i, 10)
    assert "building" in capsys.readouterr().err


# ------------------------------------------------------------------ forked workers, split halves

FORKED_BUILDS = """
import json, sys
from pathlib import Path
import teikit.publish as P

parts = []
combine = P._combine  # called in this process for each document built as two halves
def record(first, second, failure):
    parts.append([first.path.rsplit("/", 1)[-1], second.path.rsplit("/", 1)[-1], failure is None])
    return combine(first, second, failure)
P._combine = record
children = []
fork = P.os.fork
def counted_fork():
    children.append(1)
    return fork()
P.os.fork = counted_fork
before = P.can_fork()
tei, first, second = map(Path, sys.argv[1:4])
P.build(tei, first, P.BuildOptions(jobs=2))   # a fresh process: one half here, one in a forked child
after = P.can_fork()  # this process built the reading half: Saxon runs here now
P.build(tei, second, P.BuildOptions(jobs=1))  # everything in this process
print(json.dumps({"before": before, "after": after, "parts": parts, "children": len(children)}))
"""


def _fresh_python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300,
                          cwd=ROOT)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="teikit forks its workers only on Linux")
def test_a_fresh_process_forks_and_builds_the_edition_in_two_halves(tmp_path: Path) -> None:
    run = _fresh_python(FORKED_BUILDS, str(TEI_DIR), str(tmp_path / "forked"), str(tmp_path / "serial"))
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout)
    assert seen["before"] is True
    assert seen["after"] is False  # once Saxon runs in this process, forking is no longer safe
    doc = next(p.name for p in TEI_DIR.glob("*.xml") if p.name != "register.xml")
    assert seen["parts"] == [[doc, doc, True]]  # one document: its two halves at once
    assert seen["children"] == 1  # one forked child beside this process, no pool
    forked, serial = files(tmp_path / "forked"), files(tmp_path / "serial")
    assert len(forked) > 200 and forked == serial
    state = [stable_state(json.loads((tmp_path / name / STATE_FILE).read_text())) for name in ("forked", "serial")]
    assert state[0] == state[1]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="teikit forks its workers only on Linux")
@pytest.mark.parametrize(("old", "new", "found", "hidden"), [
    # The reading half cannot even name the output folder of a document whose ID is "api".
    ('xml:id="{stem}"', 'xml:id="api"', "[document-id-reserved]", "cannot name an output folder"),
    # Nor date its citations when the source's date is not ISO.
    ('<date when="1959-02-19"', '<date when="1959-02-xx"', "[grammar-value]", "[citation-date]"),
])
def test_split_build_of_an_invalid_document_reports_validation_not_rendering(
        tmp_path: Path, old: str, new: str, found: str, hidden: str) -> None:
    """The reading half, which does not validate, fails on the invalid document: the user must be
    told what the validation half found, with no traceback, and nothing may be written."""
    tei = tmp_path / "tei"
    tei.mkdir()
    shutil.copy(TEI_DIR / "register.xml", tei)
    shutil.copy(TEI_DIR / "teikit.toml", tei)
    source = next(p for p in TEI_DIR.glob("*.xml") if p.name != "register.xml")
    text = source.read_text(encoding="utf-8")
    old = old.format(stem=source.stem)
    assert old in text
    (tei / source.name).write_text(text.replace(old, new, 1), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "teikit.cli", "build", "--tei-dir", str(tei),
                          "--out", str(tmp_path / "site"),
                          "--jobs", "2"], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert run.returncode == 1
    assert found in run.stderr and "Traceback" not in run.stderr
    assert hidden not in run.stderr
    assert not (tmp_path / "site").exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="teikit forks its workers only on Linux")
def test_ctrl_c_stops_a_forked_build_cleanly(tmp_path: Path) -> None:
    """SIGINT reaches the whole process group (as from a terminal): the build stops within
    seconds with one line and exit 130, and leaves no staging folder and no output behind."""
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_corpus.py"), "40", str(tmp_path / "c")],
                   check=True, capture_output=True)
    out = tmp_path / "site"
    _interrupt_cleanly([sys.executable, "-m", "teikit.cli", "build", "--tei-dir", str(tmp_path / "c" / "tei"),
                        "--out", str(out),
                        "--jobs", "2", "-q"], out,
                       lambda: bool(list(tmp_path.glob(".site.building-*/*"))))  # workers are writing


def stable_state(state: dict[str, Any]) -> dict[str, Any]:
    """A build state without the facts of the files on disk (inodes, times), which differ between
    two outputs of the same input by nature."""
    for record in state["documents"].values():
        record.pop("outputs")
        for written in record["formats"].values():
            written.pop("fingerprint")
    state.get("site", {}).pop("fingerprint", None)
    return state


def _interrupt_cleanly(command: list[str], out: Path, started: Callable[[], bool]) -> int:
    """Run ``command`` in its own process group, send SIGINT to the group (as a terminal's Ctrl-C
    does) once ``started()``, and check the clean stop: one line, exit 130, no output and no
    staging folder beside it.  Returns the process ID."""
    import os
    import signal
    import time

    proc = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, cwd=ROOT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not started():
            assert proc.poll() is None and time.monotonic() < deadline, "the build did not get going"
            time.sleep(0.02)
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130
    assert err.strip().splitlines() == [f"teikit: interrupted; nothing was written to {out}"]
    assert not out.exists() and not list(out.parent.glob(f".{out.name}.building-*"))
    return proc.pid


SLOW_HALVES = """
import os, sys, time
import teikit.publish as P
tei, marks, out = sys.argv[1:4]
def slow(job):  # each half marks that it started, then works for a long time
    open(os.path.join(marks, f"{job.part}-{os.getpid()}"), "w").close()
    time.sleep(120)
P._process = slow
sys.argv = ["teikit", "build", "--tei-dir", tei, "--out", out, "--jobs", "2"]
import teikit.cli
teikit.cli.entry()
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="teikit forks its workers only on Linux")
def test_ctrl_c_stops_a_build_of_one_document_in_two_halves(tmp_path: Path) -> None:
    """The lone document's halves run here and in one forked child: SIGINT to the process group
    ends both, with one line and exit 130, no staging folder, no output and no child left."""
    import os

    marks = tmp_path / "marks"
    marks.mkdir()
    out = tmp_path / "site"
    pid = _interrupt_cleanly([sys.executable, "-c", SLOW_HALVES, str(TEI_DIR), str(marks), str(out)], out,
                             lambda: len(list(marks.iterdir())) == 2)  # both halves are working
    halves = {name.split("-")[0]: int(name.split("-")[1]) for name in os.listdir(marks)}
    assert set(halves) == {"check+api", "reading"} and halves["reading"] == pid
    with pytest.raises(ProcessLookupError):  # the child is gone (and was reaped: no zombie)
        os.kill(halves["check+api"], 0)


def _child_value(x: int) -> int:
    return x * 2


def _child_raises(kind: str) -> None:
    import os
    import threading

    if kind == "teikit":
        raise OutputError("disk full", path="/out/x.html")
    if kind == "unpicklable":
        class Local(Exception):
            pass
        raise Local("a local exception class cannot be pickled")
    if kind == "dies":
        os._exit(3)
    if kind == "hangs":
        threading.Event().wait()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="teikit forks its workers only on Linux")
def test_forked_child_returns_its_result_or_its_error() -> None:
    """The child's value comes back; its library error comes back whole (message, path); an
    exception that cannot be pickled still arrives as its text; a child that dies is reported."""
    import os

    from teikit.errors import TeikitError
    from teikit.publish import _Forked

    with _Forked(_child_value, 21) as child:
        assert child.result() == 42
    with _Forked(_child_raises, "teikit") as child, pytest.raises(OutputError) as caught:
        child.result()
    assert str(caught.value) == "/out/x.html: error disk full"
    with _Forked(_child_raises, "unpicklable") as child, pytest.raises(RuntimeError, match="cannot be pickled"):
        child.result()
    with _Forked(_child_raises, "dies") as child, pytest.raises(TeikitError, match="worker died"):
        child.result()
    with _Forked(_child_raises, "hangs") as child:  # leaving without the result stops the child
        pid = child.pid
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, 0)


@pytest.mark.skipif(not hasattr(__import__("os"), "sched_setaffinity"), reason="no CPU affinity on this platform")
def test_default_jobs_follow_the_cores_this_process_may_use() -> None:
    """--jobs defaults to the usable cores: a container or taskset may allow fewer than exist."""
    code = ("import os; os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]}); "
            "from teikit.publish import usable_cores; print(usable_cores())")
    run = _fresh_python(code)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "1"


def test_one_document_is_built_in_this_process_when_forking_is_unsafe(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Spawned workers cost more to start than a document costs to build: with Saxon already
    running here (a server, a test session), one document and the register are built in-process."""
    import concurrent.futures

    from teikit import transform

    transform.processor()

    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("a worker pool was started for one document")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_pool)
    result = build(TEI_DIR, tmp_path / "out", BuildOptions(jobs=2))
    assert len(result.documents) == 1 and result.validated and (tmp_path / "out" / "index.html").is_file()
    assert (tmp_path / "out" / result.documents[0] / "index.html").is_file()


FORK_REFUSED = """
import errno, json, os, sys
from pathlib import Path
import teikit.publish as P

def refuse():
    raise OSError(errno.EAGAIN, "Resource temporarily unavailable")
P.os.fork = refuse
result = P.build(Path(sys.argv[1]), Path(sys.argv[2]), P.BuildOptions(jobs=2))
print(json.dumps({"documents": result.documents, "files": result.files}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="teikit forks its workers only on Linux")
def test_a_refused_fork_builds_both_halves_here(tmp_path: Path) -> None:
    """A process limit that refuses the lone document's child costs time, not the build: both
    halves run in the command's process and the output is the one a serial build writes."""
    run = _fresh_python(FORK_REFUSED, str(TEI_DIR), str(tmp_path / "here"))
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["files"] > 200
    build(TEI_DIR, tmp_path / "serial", BuildOptions(jobs=1))
    assert files(tmp_path / "here") == files(tmp_path / "serial")


def test_the_state_does_not_depend_on_how_the_corpus_path_is_spelled(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """rp/tei, ./rp/tei, its absolute path and a link to it name one corpus: after a build under one
    spelling, a build under another finds everything up to date (issue 21)."""
    import shutil

    project = tmp_path / "project"
    shutil.copytree(TEI_DIR, project / "rp" / "tei")
    (project / "link").symlink_to(project / "rp" / "tei")
    monkeypatch.chdir(project)
    out = project / "site"
    first = build(Path("rp/tei"), out, BuildOptions(jobs=1))
    assert first.rendered
    for spelling in (Path("./rp/tei"), project / "rp" / "tei", Path("rp/../rp/tei"), Path("link")):
        again = build(spelling, out, BuildOptions(jobs=1))
        assert again.up_to_date and again.rendered == [] and again.validated == [], spelling
    # An edit is still seen under any spelling.
    doc = project / "rp" / "tei" / "deutscher-1959-khrushchev-mao.xml"
    doc.write_text(doc.read_text(encoding="utf-8").replace("Such at least", "Such at least", 1) + "\n",
                   encoding="utf-8")
    assert build(Path("./rp/tei"), out, BuildOptions(jobs=1)).validated
