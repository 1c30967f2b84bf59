"""teikit: a toolkit for a TEI P5 scholarly digital edition.

The library API is importable without click; ``teikit.cli`` is a thin command-line layer over it.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .errors import InvalidInput, TeikitError, Unreadable, UsageProblem, ValidationFailed
from .load import Corpus, Document, Register, corpus_info

try:
    __version__ = version("teikit")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0+unknown"

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
