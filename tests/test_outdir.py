"""teikit.outdir in process, rule by rule and message by message (issues 13 and 23).

The command-level tests (test_file_safety.py) show what a user sees; these pin each rule, each
message and each step of the lock, the staging folder, recovery and the swap exactly, in the
process where mutation testing can see them.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import json
import os
import sys
from pathlib import Path

import pytest

from teikit import outdir
from teikit.errors import OutputError, UsageProblem

TODO = "choose a new or empty folder with --out (for example --out site)"


def refusal(out: Path, inputs: list[Path] | None = None) -> str:
    with pytest.raises(UsageProblem) as caught:
        outdir.check_output(out, inputs or [])
    assert caught.value.exit_code == 2 and caught.value.path == str(out)
    return caught.value.message


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    return work


def test_refusals_name_the_reason_and_what_to_do(here: Path, tmp_path: Path) -> None:
    prefix = "refusing to write the output here: "
    assert refusal(Path("/")) == prefix + "it is the root of the file system; " + TODO
    assert refusal(tmp_path / "home") == prefix + "it is your home folder; " + TODO
    assert refusal(Path(".")) == prefix + "it is the current folder; " + TODO
    assert refusal(tmp_path) == prefix + f"it contains the current folder ({here}); " + TODO
    tei = tmp_path / "tei"
    tei.mkdir()
    assert refusal(tei, [tei]) == prefix + f"it is the input folder {tei}; {TODO} outside it"
    assert refusal(tei / "site", [tei]) == (prefix + f"it lies inside the input folder {tei}, whose documents it "
                                            f"would be read back with; {TODO} outside it")
    (tmp_path / "a" / "tei").mkdir(parents=True)
    assert refusal(tmp_path / "a", [tmp_path / "a" / "tei"]) == (
        prefix + f"it contains the input folder {tmp_path / 'a' / 'tei'}; {TODO} that does not")
    single = tmp_path / "b" / "doc.xml"  # an input given as a file: its folder is the input
    single.parent.mkdir()
    single.write_text("<TEI/>")
    assert "it is the input folder" in refusal(tmp_path / "b", [single])
    (tmp_path / "file.txt").write_text("x")
    assert refusal(tmp_path / "file.txt") == prefix + "it is a file, not a folder; " + TODO
    link = tmp_path / "dangling"
    link.symlink_to(tmp_path / "nothing")
    assert refusal(link) == (prefix + "it is a link to something that does not exist; point --out at a folder, "
                             "or remove the dangling link")


def test_foreign_files_are_named_at_most_three(tmp_path: Path, here: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    for name in ("d.txt", "a.txt", "c.txt", "b.txt"):
        (out / name).write_text(name)
    assert refusal(out) == ("refusing to write the output here: it holds files teikit did not make "
                            f"(a.txt, b.txt, c.txt and 1 more); {TODO}, or move those files away")
    (out / "a.txt").unlink()
    (out / "d.txt").unlink()
    assert "(b.txt, c.txt)" in refusal(out)


def test_a_marked_output_is_accepted_until_it_gains_foreign_entries(tmp_path: Path, here: Path) -> None:
    out = tmp_path / "out"
    (out / ".teikit").mkdir(parents=True)
    (out / "doc").mkdir()
    (out / outdir.MARKER).write_text(outdir.marker_text(["doc"]))
    assert outdir.check_output(out, []) == out
    (out / "CNAME").write_text("x")
    assert refusal(out) == ("refusing to write the output here: since the last build it has gained files teikit did "
                            "not make (CNAME); move them out of the output folder (teikit replaces it whole), or "
                            "choose another --out")
    (out / outdir.MARKER).write_text("not json")  # an unreadable record: the marker still marks it
    assert outdir.check_output(out, []) == out


def test_new_empty_and_linked_outputs(tmp_path: Path, here: Path) -> None:
    assert outdir.check_output(tmp_path / "new" / "site", []) == tmp_path / "new" / "site"
    (tmp_path / "empty").mkdir()
    assert outdir.check_output(tmp_path / "empty", []) == tmp_path / "empty"
    (tmp_path / "link").symlink_to(tmp_path / "empty", target_is_directory=True)
    assert outdir.check_output(tmp_path / "link", []) == tmp_path / "empty"


def test_markers(tmp_path: Path) -> None:
    folder = tmp_path / "f"
    (folder / ".teikit").mkdir(parents=True)
    assert not outdir.has_marker(folder)
    (folder / ".teikit" / "state.json").write_text("{}")  # an output written before the marker existed
    assert outdir.has_marker(folder) and outdir.marker_entries(folder) is None
    (folder / ".teikit" / "state.json").unlink()
    (folder / ".teikit" / "state.json").symlink_to(tmp_path / "elsewhere.json")
    (tmp_path / "elsewhere.json").write_text("{}")
    assert not outdir.has_marker(folder)  # a link is not teikit's marker
    (folder / outdir.MARKER).write_text(outdir.marker_text(["b", "a"]))
    assert outdir.has_marker(folder) and outdir.marker_entries(folder) == {"a", "b"}
    data = json.loads(outdir.marker_text(None))
    assert data == {"kind": "teikit-output", "entries": None,
                    "note": "teikit made this folder and replaces it whole on the next build"}
    assert outdir.marker_text([]).endswith("}\n")
    (folder / outdir.MARKER).write_text('{"entries": "x"}')
    assert outdir.marker_entries(folder) is None
    (folder / outdir.MARKER).write_text("[1]")
    assert outdir.marker_entries(folder) is None


def test_the_lock_refuses_a_second_holder_and_leaves_no_file(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "site"
    lock = tmp_path / "sub" / ".site.lock"
    with outdir.locked(out):
        assert lock.is_file() and lock.stat().st_mode & 0o777 == 0o644
        with pytest.raises(OutputError) as caught, outdir.locked(out):
            pass
        assert caught.value.message == (f"another teikit command is writing this output folder (lock {lock}); "
                                        "wait for it to finish")
        assert caught.value.path == str(out) and caught.value.exit_code == 2
        fd = os.open(lock, os.O_RDWR)
        with pytest.raises(BlockingIOError):
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.close(fd)
    assert not lock.exists()
    with outdir.locked(out):  # again, after release
        pass
    assert sorted(p.name for p in lock.parent.iterdir()) == []


def test_the_lock_is_not_a_link_and_its_folder_must_be_makeable(tmp_path: Path) -> None:
    (tmp_path / ".site.lock").symlink_to(tmp_path / "victim")
    with pytest.raises(OutputError) as caught, outdir.locked(tmp_path / "site"):
        pass
    assert caught.value.message == f"cannot create the lock file: {os.strerror(errno.ELOOP)}"
    assert caught.value.path == str(tmp_path / ".site.lock")
    assert not (tmp_path / "victim").exists()
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError) as caught, outdir.locked(tmp_path / "file" / "site"):
        pass
    assert caught.value.message.startswith(f"cannot write the output: cannot create the folder {tmp_path / 'file'}")


def test_staging_is_marked_from_the_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "site"
    staging = outdir.new_staging(out)
    assert staging.parent == tmp_path and staging.name.startswith(".site.building-")
    assert json.loads((staging / outdir.MARKER).read_text())["kind"] == "teikit-output"
    assert (staging / outdir.MARKER).stat().st_mode & 0o777 == 0o644
    assert sorted(p.name for p in staging.iterdir()) == [".teikit"]
    with pytest.raises(OutputError) as caught:
        outdir.new_staging(tmp_path / "missing" / "site")
    assert caught.value.message == f"cannot create a folder beside the output: {os.strerror(errno.ENOENT)}"
    assert caught.value.path == str(tmp_path / "missing" / "site")
    real = os.open

    def full(path: object, *args: object, **kwargs: object) -> int:
        if str(path).endswith("output.json"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(outdir.os, "open", full)
    with pytest.raises(OutputError) as caught:
        outdir.new_staging(tmp_path / "other")
    assert caught.value.message == f"cannot create a folder beside the output: {os.strerror(errno.ENOSPC)}"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".other")]  # the half-made folder is gone


def test_an_unreadable_output_folder_is_one_error(tmp_path: Path, here: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    out.mkdir()
    real = os.listdir

    def refused(path: object = ".") -> list[str]:
        if str(path) == str(out):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(outdir.os, "listdir", refused)
    with pytest.raises(OutputError) as caught:
        outdir.check_output(out, [])
    assert caught.value.message == f"cannot read the output folder: {os.strerror(errno.EACCES)}"
    assert caught.value.path == str(out)


def undeletable(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Files called ``name`` cannot be removed (as root, permission bits would not stop it)."""
    real = os.unlink

    def refuse(path: object, *args: object, **kwargs: object) -> None:
        if str(path).endswith(name):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "unlink", refuse)


def test_recover_restores_the_newest_old_tree_and_survives_undeletable_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "site"
    newer = _old_tree(out, outdir.OLD_INFIX)  # made first, so that its name sorts first: only times decide
    older = _old_tree(out, outdir.OLD_INFIX)
    (newer / "page.html").write_text("newer")
    os.utime(older, ns=(1_000_000_000, 1_000_000_000))
    undeletable(monkeypatch, "page.html")
    notes = outdir.recover(out)
    assert notes[0] == f"restored the previous output {out} from an interrupted build ({newer.name})"
    assert (out / "page.html").read_text() == "newer"


def _old_tree(out: Path, infix: str, marked: bool = True) -> Path:
    folder = out.parent / f".{out.name}{infix}x{len(list(out.parent.iterdir()))}"
    folder.mkdir()
    if marked:
        (folder / ".teikit").mkdir()
        (folder / outdir.MARKER).write_text(outdir.marker_text([]))
        (folder / "page.html").write_text(infix)
    return folder


def test_recover_restores_an_interrupted_swap_and_removes_leftovers(tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert not outdir.needs_recovery(out) and outdir.recover(out) == []
    old = _old_tree(out, outdir.OLD_INFIX)
    staging = _old_tree(out, outdir.STAGING_INFIX)
    empty = _old_tree(out, outdir.STAGING_INFIX, marked=False)
    foreign = tmp_path / f".site{outdir.STAGING_INFIX}mine"
    foreign.mkdir()
    (foreign / "thesis.txt").write_text("mine")  # not teikit's: never removed
    assert outdir.needs_recovery(out)
    notes = outdir.recover(out)
    assert notes == [f"restored the previous output {out} from an interrupted build ({old.name})",
                     f"removed 2 folder(s) that interrupted builds left beside {out}"]
    assert (out / "page.html").read_text() == outdir.OLD_INFIX
    assert not staging.exists() and not empty.exists() and (foreign / "thesis.txt").exists()
    leftover = _old_tree(out, outdir.OLD_INFIX)  # with the output present, an old tree is only removed
    assert outdir.recover(out) == [f"removed 1 folder(s) that interrupted builds left beside {out}"]
    assert not leftover.exists() and (out / "page.html").exists()


def test_swap_by_exchange_and_by_two_renames(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "site"
    for round_, exchange in enumerate((True, False)):
        staging = outdir.new_staging(out)
        (staging / "new.txt").write_text(str(round_))
        if not exchange:
            monkeypatch.setattr(outdir, "exchange", lambda a, b: False)
        swap = outdir.Swap(staging, out)
        assert swap.had_old == out.exists() and not swap.done
        assert swap.outcome() == (f"the previous output in {out} is unchanged" if out.exists()
                                  else f"nothing was written to {out}")
        swap.run()
        assert swap.done and swap.outcome() == f"the new output is complete in {out}"
        assert (out / "new.txt").read_text() == str(round_)
        assert oct(out.stat().st_mode & 0o777) == oct(0o755)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_failed_swap_keeps_the_old_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "old.txt").write_text("old")
    staging = outdir.new_staging(out)
    monkeypatch.setattr(outdir, "exchange", lambda a, b: False)
    real = os.rename

    def second_fails(src: str | Path, dst: str | Path) -> None:
        if Path(src) == staging:
            raise OSError(28, "No space left on device", str(dst))
        real(src, dst)

    monkeypatch.setattr(outdir.os, "rename", second_fails)
    with pytest.raises(OutputError) as caught:
        outdir.Swap(staging, out).run()
    assert caught.value.message == ("cannot move the new build into place: No space left on device; the previous "
                                    "output is unchanged")
    assert caught.value.path == str(out) and caught.value.exit_code == 2
    assert (out / "old.txt").read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == [
        staging.name, "site"]  # the staging folder is the caller's to remove


LINUX = sys.platform.startswith("linux")


def old_and_new(tmp_path: Path, old_file: str) -> tuple[Path, Path]:
    """An output holding ``old_file`` ("old") and a staging folder beside it holding new.txt ("new")."""
    out = tmp_path / "site"
    out.mkdir()
    (out / old_file).write_text("old")
    staging = outdir.new_staging(out)
    (staging / "new.txt").write_text("new")
    return out, staging


@pytest.mark.skipif(not LINUX, reason="renameat2 is Linux's")
def test_exchange_swaps_two_folders(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "x").write_text("a")
    (b / "x").write_text("b")
    assert outdir.exchange(a, b), "Linux's renameat2(RENAME_EXCHANGE) was not used"
    assert (a / "x").read_text() == "b" and (b / "x").read_text() == "a"
    with pytest.raises(OSError) as caught:
        outdir.exchange(a, tmp_path / "missing")
    assert caught.value.errno == errno.ENOENT and caught.value.filename == str(tmp_path / "missing")
    assert caught.value.strerror == os.strerror(errno.ENOENT)


@pytest.mark.parametrize(("code", "supported"), [(errno.EINVAL, False), (errno.ENOSYS, False),
                                                 (errno.EOPNOTSUPP, False), (errno.EXDEV, True)])
def test_exchange_falls_back_only_where_the_system_cannot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          code: int, supported: bool) -> None:
    def refusing(*args: object) -> int:
        ctypes.set_errno(code)
        return -1

    monkeypatch.setattr(outdir, "_renameat2", lambda: refusing)
    if supported:  # any other failure is a real error, reported as one
        with pytest.raises(OSError) as caught:
            outdir.exchange(tmp_path / "a", tmp_path / "b")
        assert caught.value.errno == code
    else:
        assert outdir.exchange(tmp_path / "a", tmp_path / "b") is False
    monkeypatch.setattr(outdir, "_renameat2", lambda: None)
    assert outdir.exchange(tmp_path / "a", tmp_path / "b") is False


@pytest.mark.skipif(not LINUX, reason="renameat2 is Linux's")
def test_on_linux_the_output_path_is_never_missing_during_a_swap(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    out, staging = old_and_new(tmp_path, "old.txt")
    renames: list[tuple[str, str]] = []
    real = os.rename
    monkeypatch.setattr(outdir.os, "rename", lambda a, b: renames.append((str(a), str(b))) or real(a, b))
    outdir.Swap(staging, out).run()
    assert renames == []  # one exchange, no rename that would leave the path empty for a moment
    assert not (out / "old.txt").exists() and not staging.exists()


@pytest.mark.parametrize("race", ["replaced", "removed"])
def test_a_lock_file_replaced_or_removed_under_the_taker_is_taken_again(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch,
                                                                        race: str) -> None:
    """The lock file the taker locked is no longer at its path (another holder released and
    removed it): the taker must not believe it holds the lock; after 100 such races it gives up."""
    lock = tmp_path / ".site.lock"
    real = os.stat
    calls = {"n": 0}

    def moved(path: object, *args: object, **kwargs: object) -> os.stat_result:
        if str(path) == str(lock):
            calls["n"] += 1
            if race == "removed":
                raise FileNotFoundError(errno.ENOENT, "gone", str(path))
            st = real(path, *args, **kwargs)  # type: ignore[arg-type]
            return os.stat_result((st.st_mode, st.st_ino + 1, *tuple(st)[2:]))
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(outdir.os, "stat", moved)
    with pytest.raises(OutputError) as caught, outdir.locked(tmp_path / "site"):
        pass
    assert caught.value.message == "could not take the lock" and caught.value.path == str(lock)
    assert calls["n"] == 100


def test_an_interrupt_right_after_the_second_rename_reports_the_new_output(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "site"
    (out / ".teikit").mkdir(parents=True)  # an earlier output, marked as teikit's
    (out / outdir.MARKER).write_text(outdir.marker_text(["old.txt"]))
    (out / "old.txt").write_text("old")
    staging = outdir.new_staging(out)
    (staging / "new.txt").write_text("new")
    monkeypatch.setattr(outdir, "exchange", lambda a, b: False)
    real = os.rename

    def then_interrupted(src: str | Path, dst: str | Path) -> None:
        real(src, dst)
        if Path(src) == staging:
            raise KeyboardInterrupt

    monkeypatch.setattr(outdir.os, "rename", then_interrupted)
    swap = outdir.Swap(staging, out)
    with pytest.raises(KeyboardInterrupt):
        swap.run()
    assert (out / "new.txt").read_text() == "new"  # the old tree is not moved back over the new one
    assert swap.done and swap.outcome() == f"the new output is complete in {out}"
    monkeypatch.undo()
    assert outdir.recover(out) == [f"removed 1 folder(s) that interrupted builds left beside {out}"]


def test_an_old_tree_that_cannot_be_fully_removed_does_not_fail_the_swap(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    out, staging = old_and_new(tmp_path, "stuck.txt")
    undeletable(monkeypatch, "stuck.txt")
    swap = outdir.Swap(staging, out)
    swap.run()
    assert swap.done and (out / "new.txt").read_text() == "new"
