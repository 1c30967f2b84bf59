"""teikit: a toolkit for a TEI P5 scholarly digital edition.

The library API is importable without click; ``teikit.cli`` is a thin command-line layer over it.
"""

from __future__ import annotations

from .errors import InvalidInput, TeikitError, Unreadable, UsageProblem, ValidationFailed
from .load import Corpus, Document, Register, corpus_info

__version__ = "0.1.0"  # the package's version (pyproject.toml reads it from here)

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
