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


# What a terminal would act on rather than show: control characters (C0, DEL, C1: cursor moves,
# colours, CSI sequences), line and paragraph separators, and the format characters, among them
# the bidirectional overrides and isolates that reorder what follows (Trojan Source) and the
# zero-width ones that hide text.  Kept: the zero-width (non-)joiners and the soft hyphen, which
# real text in many scripts needs, and which move nothing.
_KEPT_FORMAT = frozenset("\u00ad\u200c\u200d")


def _escape(c: str) -> str:
    """``\\uXXXX``, a surrogate pair above U+FFFF: the form JSON reads back as the character."""
    code = ord(c)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def visible(text: str, keep: str = "\n\t") -> str:
    """``text`` safe to print on a terminal: every character a terminal would act on (see above)
    shown as a ``\\uXXXX`` escape, except those in ``keep``."""
    import unicodedata

    if text.isprintable() and not any(c in keep for c in text):
        return text  # the common case (isprintable is false for every Cc, Cf, Zl and Zp character)
    return "".join(_escape(c) if c not in keep and c not in _KEPT_FORMAT
                   and unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in text)


def json_text(data: object) -> str:
    """``data`` as indented JSON, characters as characters, but with every character that
    :func:`visible` escapes written as a JSON ``\\u`` escape: the same JSON value, safe on a
    terminal.  (Such characters occur only inside JSON strings, so the escape is exact.)"""
    import json

    return visible(json.dumps(data, ensure_ascii=False, indent=2), keep="\n")


def quoted(text: str, limit: int = 80) -> str:
    """``text`` in quotes for a message, as typed: characters stay characters (JSON and terminals
    read them), only the characters a terminal would act on are shown as escapes."""
    shown = text if len(text) <= limit else text[: limit - 1] + "…"
    return "“" + visible(shown, keep="") + "”"


def _one_line(text: str, limit: int = 400) -> str:
    """Collapse whitespace and cut very long messages so that an error is always one line."""
    flat = " ".join(text.split())
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    return flat
