"""teikit: a toolkit for a TEI P5 scholarly digital edition.

The library API is importable without click; ``teikit.cli`` is a thin command-line layer over it.
The names below are loaded on first use: importing the package itself loads nothing, so that the
``teikit`` command can install its interrupt handling before any real import starts (a Ctrl-C
during an import would otherwise print a traceback).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"  # the package's version (pyproject.toml reads it from here)

if TYPE_CHECKING:
    from .errors import InvalidInput, TeikitError, Unreadable, UsageProblem, ValidationFailed
    from .load import Corpus, Document, Register, corpus_info

_LAZY = {
    "InvalidInput": ".errors", "TeikitError": ".errors", "Unreadable": ".errors", "UsageProblem": ".errors",
    "ValidationFailed": ".errors", "Corpus": ".load", "Document": ".load", "Register": ".load",
    "corpus_info": ".load",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module, __name__), name)


__all__ = [
    "Corpus",
    "Document",
    "InvalidInput",
    "Register",
    "TeikitError",
    "Unreadable",
    "UsageProblem",
    "ValidationFailed",
    "__version__",
    "corpus_info",
]
