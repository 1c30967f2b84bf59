"""Structured problems: what validation and the build report, one finding at a time.

Kept apart from :mod:`teikit.validate` so that code which only reads or reports problems (the
build's bookkeeping, a no-op rebuild) does not load the validators and Saxon.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from .errors import TeikitError, Unreadable

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One finding: where (file, line, column, XPath), which rule, how severe, and what."""

    file: str
    line: int
    column: int
    severity: str
    rule: str
    message: str
    xpath: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}:{self.column}" if self.column else f":{self.line}"
        return f"{where}: {self.severity} [{self.rule}] {self.message}"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_error(cls, exc: TeikitError, file: str) -> Problem:
        return cls(exc.path or file, exc.line or 0, exc.column or 0, ERROR,
                   exc.rule or ("unreadable" if isinstance(exc, Unreadable)
                                else "usage" if exc.exit_code == 2 else "input"), exc.message)


def is_unparsed(problem: Problem) -> bool:
    """True for problems that stop a document from being read at all (so its contents are unknown)."""
    return problem.rule.startswith("xml-") or problem.rule in ("tei-root", "unreadable", "input", "outside-corpus")
