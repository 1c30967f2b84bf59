"""The one exception hierarchy of the library.

Every failure the library reports on purpose derives from :class:`TeikitError`.  The CLI maps the
classes to exit codes (``InvalidInput`` and its kin to 1, ``Unreadable`` and ``UsageProblem`` to 2)
and prints ``str(error)``, which is always one line and never echoes untrusted markup.
"""

from __future__ import annotations


class TeikitError(Exception):
    """Base class of every error the library raises deliberately."""

    exit_code = 1

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 column: int | None = None, rule: str | None = None) -> None:
        super().__init__(message)
        self.message = _one_line(message)
        self.path = path
        self.line = line
        self.column = column
        self.rule = rule

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = self.path
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        rule = f"[{self.rule}] " if self.rule else ""
        return f"{where}error {rule}{self.message}"


class InvalidInput(TeikitError):
    """The input was read but is not acceptable: malformed XML, not TEI, fails validation."""

    exit_code = 1


class ValidationFailed(InvalidInput):
    """Validation found errors; ``problems`` holds them all."""

    def __init__(self, message: str, problems: list[object]) -> None:
        super().__init__(message)
        self.problems = problems


class ReferenceNotFound(InvalidInput):
    """A passage reference is malformed or names no passage."""


class Unreadable(TeikitError):
    """The input could not be read at all: missing, a directory, permissions, not text."""

    exit_code = 2


class UsageProblem(TeikitError):
    """The caller asked for something that cannot be done (bad option value, no documents)."""

    exit_code = 2


class OutputError(TeikitError):
    """Output could not be written (an operating-system failure); the previous output is untouched."""

    exit_code = 2


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that every cleanup a Ctrl-C runs also runs for it (exit 143)."""


# Signals the ``teikit`` command received (its handlers record them before raising).  An exception
# raised by a signal handler can be lost (Python drops one raised while it runs a finaliser or a
# weak-reference callback), so the build also checks this record at its safe points and never
# swaps a new output into place after an interrupt.
RECEIVED_SIGNALS: list[int] = []


def check_interrupt() -> None:
    """Raise the interrupt again if the command received one that was lost on the way."""
    if RECEIVED_SIGNALS:
        raise Terminated() if RECEIVED_SIGNALS[-1] == 15 else KeyboardInterrupt()


def quoted(text: str, limit: int = 80) -> str:
    """``text`` in quotes for a message, as typed: characters stay characters (JSON and terminals
    read them), only control and bidirectional-formatting characters are shown as escapes, since
    a terminal would act on them."""
    import unicodedata

    shown = text if len(text) <= limit else text[: limit - 1] + "…"
    out = []
    for c in shown:
        if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp"):
            out.append(f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}")
        else:
            out.append(c)
    return "“" + "".join(out) + "”"


def _one_line(text: str, limit: int = 400) -> str:
    """Collapse whitespace and cut very long messages so that an error is always one line."""
    flat = " ".join(text.split())
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    return flat
