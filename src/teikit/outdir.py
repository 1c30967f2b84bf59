"""The output folder: which folders teikit may replace, its lock, the atomic swap and recovery.

teikit replaces a whole output folder at once (the build happens in a staging folder beside it),
so the one thing it must never do is replace a folder it did not make.  The rules, in
:func:`check_output`:

- ``--out`` may name a folder that does not exist, an empty folder, or a previous teikit output,
  recognised by the marker :data:`MARKER` teikit writes into every output (``.teikit/output.json``),
  which also lists the top-level names teikit wrote there.  A marked folder that has gained other
  top-level entries since (a ``CNAME``, a thesis) is refused too.
- Everything else is refused before anything is touched: a regular file, a folder holding files
  teikit did not write, the current folder or one that contains it, the home folder, the
  filesystem root, and any folder that contains, or lies inside, a TEI input folder (outputs must
  never be read back as inputs).
- A symbolic link as ``--out`` is followed: the rules apply to the folder it points at, the build
  replaces that folder, and the link itself is left as it is (a dangling link is refused).

The tree a build replaces is not deleted: it is kept beside the output as ``.NAME.teikit-twin`` (its
files are hard links shared with the output wherever they did not change, so it costs folder
entries, not space).  The next build takes it as its staging folder and brings it up to date (only
what changed since it was swapped out), so that a rebuild costs what changed rather than the size
of the site.  It carries the marker, is only ever taken under the lock, and is recognised by name.

Swapping the finished staging folder into place uses one ``renameat2(RENAME_EXCHANGE)`` where the
system offers it, so that at every instant the output path holds either the old or the new tree.
Where it does not (another OS, a file system without it), two renames are used, and a process
killed between them leaves the old tree in ``.NAME.old-*``: :func:`recover`, which every command
that writes an output runs first under the lock, moves it back and says so, and removes the
staging and old trees that killed runs left behind (only folders carrying teikit's marker).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import fcntl
import json
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from .errors import OutputError, UsageProblem

MARKER = Path(".teikit") / "output.json"
# Outputs written before the marker existed carry one of these state files, also teikit's own.
LEGACY_MARKERS = (Path(".teikit") / "state.json", Path(".teikit") / "shard.json")
MARKER_KIND = "teikit-output"
STAGING_INFIX = ".building-"
OLD_INFIX = ".old-"
TWIN_SUFFIX = ".teikit-twin"


def _refuse(out: Path, why: str, todo: str) -> UsageProblem:
    return UsageProblem(f"refusing to write the output here: {why}; {todo}", path=str(out))


def has_marker(folder: Path) -> bool:
    """Whether ``folder`` carries teikit's output marker (or an older output's state file)."""
    return any((folder / m).is_file() and not (folder / m).is_symlink() for m in (MARKER, *LEGACY_MARKERS))


def marker_entries(folder: Path) -> set[str] | None:
    """The top-level names the marker says teikit wrote (None: not recorded, an older output)."""
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    entries = data.get("entries") if isinstance(data, dict) else None
    return {str(e) for e in entries} if isinstance(entries, list) else None


def marker_text(entries: list[str] | None) -> str:
    """The marker's content: what it is, and the top-level names teikit wrote beside it."""
    return json.dumps({"kind": MARKER_KIND, "entries": entries,
                       "note": "teikit made this folder and replaces it whole on the next build"},
                      sort_keys=True) + "\n"


def check_output(out: Path, inputs: list[Path]) -> Path:
    """Apply the output-folder rules to ``out``; return the folder to build into (links followed).

    ``inputs`` are the folders the command reads (the TEI folder, shard folders): the output may
    neither contain them nor lie inside them.  Raises :class:`UsageProblem` (one line naming the
    folder, why, and what to do) and touches nothing when ``out`` may not be replaced.
    """
    shown = out
    if out.is_symlink() and not out.exists():
        raise _refuse(shown, "it is a link to something that does not exist",
                      "point --out at a folder, or remove the dangling link")
    target = Path(os.path.realpath(out))
    try:
        home: Path | None = Path(os.path.realpath(Path.home()))
    except RuntimeError:  # no home folder can be determined: nothing to protect under that name
        home = None
    cwd = Path(os.path.realpath(os.getcwd()))
    todo = "choose a new or empty folder with --out (for example --out site)"
    if target == Path(target.anchor):
        raise _refuse(shown, "it is the root of the file system", todo)
    if home is not None and target == home:
        raise _refuse(shown, "it is your home folder", todo)
    if cwd == target:
        raise _refuse(shown, "it is the current folder", todo)
    if cwd.is_relative_to(target):
        raise _refuse(shown, f"it contains the current folder ({cwd})", todo)
    for given in inputs:
        folder = Path(os.path.realpath(given))
        if not folder.is_dir():
            folder = folder.parent
        if target == folder:
            raise _refuse(shown, f"it is the input folder {given}", todo + " outside it")
        if target.is_relative_to(folder):
            raise _refuse(shown, f"it lies inside the input folder {given}, whose documents it would "
                          "be read back with", todo + " outside it")
        if folder.is_relative_to(target):
            raise _refuse(shown, f"it contains the input folder {given}", todo + " that does not")
    if not target.exists():
        return target
    if not target.is_dir():
        raise _refuse(shown, "it is a file, not a folder", todo)
    try:
        names = set(os.listdir(target))
    except OSError as exc:
        raise OutputError(f"cannot read the output folder: {exc.strerror or exc}", path=str(shown)) from None
    if not names:
        return target
    if not has_marker(target):
        raise _refuse(shown, f"it holds files teikit did not make ({_some(names)})",
                      todo + ", or move those files away")
    recorded = marker_entries(target)
    if recorded is not None:
        foreign = names - recorded - {".teikit"}
        if foreign:
            raise _refuse(shown, f"since the last build it has gained files teikit did not make ({_some(foreign)})",
                          "move them out of the output folder (teikit replaces it whole), or choose another --out")
    return target


def _some(names: set[str], limit: int = 3) -> str:
    shown = sorted(names)[:limit]
    more = len(names) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more else "")


# ------------------------------------------------------------------------------------ lock

STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}  # what ends a command: Ctrl-C and SIGTERM


@contextlib.contextmanager
def deferred_signals() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back for a few system calls that must happen together (create a
    file and remember to remove it); they are delivered as soon as the block ends."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


@contextlib.contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold ``.NAME.lock`` beside the output for the whole write; a second writer is refused.

    The lock file is removed when released, so it leaves nothing behind.  A process that opened
    the file just before it was removed may lock the removed file: it checks, after locking, that
    the path still names the file it holds, and otherwise tries again.
    """
    lock_path = out.parent / f".{out.name}.lock"
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot write the output: cannot create the folder {out.parent}: {exc.strerror or exc}",
                          path=str(out)) from None
    fd = -1
    held = False  # only a holder removes the file: another process may be holding it otherwise
    try:
        with deferred_signals():
            fd, held = _acquire(lock_path, out)
        yield
    finally:
        with deferred_signals():
            if held:
                with contextlib.suppress(OSError):
                    os.unlink(lock_path)
            if fd >= 0:
                os.close(fd)


def _acquire(lock_path: Path, out: Path) -> tuple[int, bool]:
    """Open and lock ``lock_path``: (its descriptor, True), or raise when another process holds it."""
    for _ in range(100):
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise OutputError(f"cannot create the lock file: {exc.strerror or exc}", path=str(lock_path)) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise OutputError(f"another teikit command is writing this output folder (lock {lock_path}); "
                              "wait for it to finish", path=str(out)) from None
        try:
            same = os.stat(lock_path, follow_symlinks=False).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd, True
        os.close(fd)
    raise OutputError("could not take the lock", path=str(lock_path))  # pragma: no cover - 100 lost races


# --------------------------------------------------------------------- staging and recovery

def new_staging(out: Path) -> Path:
    """A new, empty staging folder beside ``out``, already marked as teikit's.

    Signals wait while it is made: from the moment it exists it carries the marker that lets a
    later :func:`recover` recognise and remove it, whatever happens to this process.
    """
    staging: Path | None = None
    try:
        with deferred_signals():
            staging = Path(tempfile.mkdtemp(prefix=f".{out.name}{STAGING_INFIX}", dir=out.parent))
            (staging / MARKER).parent.mkdir()
            fd = os.open(staging / MARKER, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(marker_text(None))
    except OSError as exc:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(f"cannot create a folder beside the output: {exc.strerror or exc}", path=str(out)) from None
    except BaseException:
        # An interrupt held back while the folder was made is raised as the block ends, before
        # the caller has the folder to remove: it is removed here (seen with strace: Ctrl-C 5 ms
        # after the folder was made left it behind, marker and all).
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def _leftovers(out: Path) -> list[Path]:
    """Staging and old trees of earlier runs on this output, newest first."""
    try:
        names = os.listdir(out.parent)
    except OSError:
        return []
    found = []
    for name in names:
        if name.startswith(f".{out.name}{STAGING_INFIX}") or name.startswith(f".{out.name}{OLD_INFIX}"):
            path = out.parent / name
            if path.is_dir() and not path.is_symlink() and (has_marker(path) or not os.listdir(path)):
                found.append(path)
    return sorted(found, key=lambda p: p.stat().st_mtime_ns, reverse=True)


def twin_path(out: Path) -> Path:
    """Where the tree a build replaced is kept for the next one (see the module's description)."""
    return out.parent / f".{out.name}{TWIN_SUFFIX}"


def usable_twin(out: Path) -> Path | None:
    """The kept tree beside ``out``, if there is one teikit made (a real folder with the marker)."""
    twin = twin_path(out)
    if os.path.isdir(twin) and not os.path.islink(twin) and has_marker(twin):
        return twin
    return None


def take_twin(out: Path) -> Path | None:
    """Move the kept tree to a new staging name (call under the lock): from then on, an interrupt
    leaves it where :func:`recover` removes it.  None if it is not there."""
    twin = usable_twin(out)
    if twin is None:
        return None
    with deferred_signals():
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}{STAGING_INFIX}", dir=out.parent))
        try:
            os.rename(twin, staging)  # replaces the empty folder just made
        except OSError:
            os.rmdir(staging)
            return None
    return staging


def discard_twin(out: Path) -> None:
    """Remove the kept tree (it cannot serve the next build: no usable record of what it holds)."""
    staging = take_twin(out)  # None unless it is teikit's
    if staging is not None:
        shutil.rmtree(staging, ignore_errors=True)


def _keep(old: Path, out: Path) -> None:
    """Keep the replaced tree ``old`` as the twin of ``out`` (an older twin is removed)."""
    twin = twin_path(out)
    try:
        if os.path.lexists(twin):
            if usable_twin(out) is None:  # not teikit's: never removed, and not replaced
                shutil.rmtree(old, ignore_errors=True)
                return
            discard_twin(out)
        os.rename(old, twin)
    except OSError:
        shutil.rmtree(old, ignore_errors=True)


def needs_recovery(out: Path) -> bool:
    """Whether an earlier run on ``out`` left something for :func:`recover` (cheap: one listing)."""
    return bool(_leftovers(out))


def recover(out: Path) -> list[str]:
    """Finish or undo what killed runs left at ``out`` (call under the lock); what was done, in words.

    A missing output with an old tree beside it is a swap that was interrupted between its two
    renames: the old tree is moved back.  Every other leftover staging or old tree is removed.
    """
    notes: list[str] = []
    leftovers = _leftovers(out)
    if not os.path.lexists(out):
        old = [p for p in leftovers if OLD_INFIX in p.name and has_marker(p)]
        if old:
            os.rename(old[0], out)
            leftovers.remove(old[0])
            notes.append(f"restored the previous output {out} from an interrupted build ({old[0].name})")
    if not os.path.lexists(out) and usable_twin(out) is not None:
        discard_twin(out)  # the output is gone: a twin of it serves nothing
    for path in leftovers:
        shutil.rmtree(path, ignore_errors=True)
    if leftovers:
        notes.append(f"removed {len(leftovers)} folder(s) that interrupted builds left beside {out}")
    return notes


# ------------------------------------------------------------------------------------ swap

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _renameat2() -> object | None:
    if not hasattr(os, "sched_getaffinity"):  # not Linux
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        func = libc.renameat2
    except (OSError, AttributeError):
        return None
    func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    func.restype = ctypes.c_int
    return func


def exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux ``renameat2``); False where the system cannot."""
    func = _renameat2()
    if func is None:
        return False
    rc = func(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)  # type: ignore[operator]
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


class Swap:
    """Moves a finished staging folder to ``out``; records how far it got, for honest messages."""

    def __init__(self, staging: Path, out: Path, keep: bool = False) -> None:
        self.staging, self.out = staging, out
        self.keep = keep  # keep the replaced tree as the output's twin, for the next build
        self.done = False  # the new output is at ``out``
        self.had_old = os.path.lexists(out)

    def run(self) -> None:
        """Put the staging tree at ``out``; the old tree is removed (or kept as the twin) only once
        the new one is there."""
        os.chmod(self.staging, 0o755)
        out, staging = self.out, self.staging
        try:
            if not os.path.lexists(out):
                os.rename(staging, out)
                self.done = True
                return
            if exchange(staging, out):  # one step: ``out`` is never missing
                self.done = True
                old = staging
            else:  # two renames; recover() finishes the job if this process dies between them
                old = Path(tempfile.mkdtemp(prefix=f".{out.name}{OLD_INFIX}", dir=out.parent))
                os.rmdir(old)
                try:
                    os.rename(out, old)
                    os.rename(staging, out)
                except BaseException:  # interrupted or failed between the two: put the old tree back
                    if os.path.lexists(old) and not os.path.lexists(out):
                        os.rename(old, out)
                    elif os.path.lexists(out) and not os.path.lexists(staging):
                        self.done = True  # interrupted just after the second rename: the new tree is in place
                    raise
                self.done = True
        except OSError as exc:
            raise OutputError(f"cannot move the new build into place: {exc.strerror or exc}; the previous "
                              "output is unchanged", path=str(out)) from None
        if self.keep:
            _keep(old, out)
        else:
            shutil.rmtree(old, ignore_errors=True)

    def outcome(self) -> str:
        """What an interruption leaves, in words (for the one line the command prints)."""
        if self.done:
            return f"the new output is complete in {self.out}"
        if self.had_old:
            return f"the previous output in {self.out} is unchanged"
        return f"nothing was written to {self.out}"


def make_parents(path: str) -> None:
    """Create the folders above ``path``, but never a staging folder itself: once a failed or
    interrupted build has removed its staging folder, a worker still finishing a file must fail
    rather than create the folder again (which would leave a stray ``.NAME.building-*`` behind)."""
    parent = os.path.dirname(path)
    if os.path.isdir(parent):
        return
    head = parent
    while head and STAGING_INFIX not in os.path.basename(head):
        up = os.path.dirname(head)
        if up == head:
            break
        head = up
    if head and STAGING_INFIX in os.path.basename(head) and not os.path.isdir(head):
        raise FileNotFoundError(errno.ENOENT, "the build's staging folder is gone", head)
    os.makedirs(parent, exist_ok=True)
