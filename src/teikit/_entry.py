"""The ``teikit`` command's first code: interrupt handling, then the CLI.

Installed as the console script, this module imports nothing heavy: it makes SIGTERM behave like
Ctrl-C (so that every cleanup runs) before the CLI and its libraries are imported, so an
interrupt at any moment — while modules import, while click parses, while a build writes — ends
in one line and exit 130 (143 for SIGTERM), never a traceback.  Only the interpreter's own start,
before this module runs, is out of its reach.

Once the command's work is done, the process flushes its output and leaves with ``os._exit``:
tearing the interpreter down (collecting every tree and module, stopping Saxon's runtime) takes
longer than a small build's last step.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from types import FrameType


def _interrupt(signum: int, frame: FrameType | None) -> None:
    from .errors import RECEIVED_SIGNALS, Terminated

    RECEIVED_SIGNALS.append(signum)
    raise Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()


def _interrupt_in(exc: BaseException) -> KeyboardInterrupt | None:
    """The interrupt among an exception's causes, if one is there."""
    seen: set[int] = set()
    node: BaseException | None = exc
    while node is not None and id(node) not in seen:
        if isinstance(node, KeyboardInterrupt):
            return node
        seen.add(id(node))
        node = node.__cause__ or node.__context__
    return None


def entry() -> None:
    """Run the ``teikit`` command and exit with its code."""
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    code = 1
    try:
        try:
            from .cli import run
        except Exception as exc:
            # An interrupt while a class body runs its __set_name__ hooks (a dataclass's fields)
            # reaches us wrapped in a RuntimeError: it is still the interrupt.
            cause = _interrupt_in(exc)
            if cause is None:
                raise
            raise cause from None

        code = run()
        from .errors import RECEIVED_SIGNALS

        if RECEIVED_SIGNALS and code == 0:  # an interrupt whose exception Python dropped: the work was done
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            print("teikit: interrupted, after the command had done its work", file=sys.stderr)
            code = 143 if RECEIVED_SIGNALS[-1] == signal.SIGTERM else 130
    except KeyboardInterrupt as exc:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not break the message
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        outcome = getattr(exc, "teikit_outcome", None)
        print("teikit: interrupted" + (f"; {outcome}" if outcome else ""), file=sys.stderr)
        code = 143 if type(exc).__name__ == "Terminated" else 130
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a closed pipe: nothing more can be said
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    entry()
