"""Where the stylesheets, schemas and the bundled edition live.

A wheel carries them inside the package as ``teikit/data/{xslt,schema,tei}``; a source checkout
(or an editable install) finds them at the repository's top level.  Nothing else is searched.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PKG = Path(__file__).resolve().parent


@cache
def resource_dir(name: str) -> Path:
    """The folder ``xslt``, ``schema`` or ``tei``, bundled or from the source checkout."""
    bundled = _PKG / "data" / name
    if bundled.is_dir():
        return bundled
    source = _PKG.parent.parent / name
    if source.is_dir():
        return source
    raise FileNotFoundError(f"teikit resource folder {name!r} is missing from this installation")


def xslt_path(*parts: str) -> Path:
    """Path of a stylesheet below ``xslt/``."""
    return resource_dir("xslt").joinpath(*parts)


def schema_path(name: str) -> Path:
    """Path of a schema file below ``schema/``."""
    return resource_dir("schema") / name
