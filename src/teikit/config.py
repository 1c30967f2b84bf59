"""A corpus's settings: ``teikit.toml`` in the corpus folder (optional).

::

    # teikit.toml
    profile = "house"            # "tei" (the default): ordinary TEI P5; "house": teikit's strict profile

    [schema]                     # the project's own rules, layered onto teikit's
    relaxng = "schema/letters.rng"      # a RELAX NG grammar (XML syntax) the documents must also match
    schematron = ["schema/letters.sch"] # ISO Schematron files whose rules run after teikit's

The *profile* decides what teikit demands.  Under ``tei`` a document with TEI's minimum header
validates; what the house profile adds (an edition version, a citeStructure, the document's
identifier, passage IDs on every division and paragraph, names linked to register entries) is
reported as warnings that say what supplies it.  Under ``house`` those are errors, and the grammar
is teikit's own narrow subset of TEI (``schema/teikit.rnc``).  The edition in this repository opts
into ``house``.

Files named in ``[schema]`` are read only from inside the corpus folder (a path that leaves it is
refused, as is a grammar that includes anything outside it): validating a corpus never reads what
its input merely points at.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UsageProblem

CONFIG_FILE = "teikit.toml"
PROFILES = ("tei", "house")
_KEYS = {"profile", "schema"}
_SCHEMA_KEYS = {"relaxng", "schematron"}


@dataclass(frozen=True)
class Config:
    """What ``teikit.toml`` says (defaults where it says nothing or does not exist)."""

    profile: str = "tei"
    relaxng: Path | None = None
    schematron: tuple[Path, ...] = field(default_factory=tuple)
    path: Path | None = None  # the file read, if any

    @property
    def strict(self) -> bool:
        return self.profile == "house"


def _inside(root: Path, value: object, key: str, path: Path) -> Path:
    if not isinstance(value, str) or not value:
        raise UsageProblem(f"[schema] {key} must be a path (a string) relative to the corpus folder", path=str(path),
                           rule="config")
    target = (root / value).resolve()
    if not target.is_relative_to(root.resolve()):
        raise UsageProblem(f"[schema] {key} = “{value}” leads outside the corpus folder; teikit reads project "
                           "rules only from inside it", path=str(path), rule="config")
    if not target.is_file():
        raise UsageProblem(f"[schema] {key} = “{value}”: no such file in the corpus folder", path=str(path),
                           rule="config")
    return target


def load_config(root: Path) -> Config:
    """The settings of the corpus in ``root`` (defaults when it has no ``teikit.toml``)."""
    path = root / CONFIG_FILE
    if not path.is_file():
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:  # its message names the line and column
        raise UsageProblem(f"not valid TOML: {exc}", path=str(path), rule="config") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageProblem(f"cannot read: {getattr(exc, 'strerror', None) or exc}", path=str(path),
                           rule="config") from None
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise UsageProblem(f"unknown setting(s) {', '.join(unknown)}; teikit.toml knows profile and [schema]",
                           path=str(path), rule="config")
    profile = data.get("profile", "tei")
    if profile not in PROFILES:
        raise UsageProblem(f"profile = “{profile}”: choose one of {', '.join(PROFILES)}", path=str(path), rule="config")
    schema = data.get("schema", {})
    if not isinstance(schema, dict):
        raise UsageProblem("schema must be a table: [schema]", path=str(path), rule="config")
    unknown = sorted(set(schema) - _SCHEMA_KEYS)
    if unknown:
        raise UsageProblem(f"unknown [schema] setting(s) {', '.join(unknown)}; known: relaxng, schematron",
                           path=str(path), rule="config")
    relaxng = _inside(root, schema["relaxng"], "relaxng", path) if "relaxng" in schema else None
    sch = schema.get("schematron", [])
    sch = [sch] if isinstance(sch, str) else sch
    if not isinstance(sch, list):
        raise UsageProblem("[schema] schematron must be a path or a list of paths", path=str(path), rule="config")
    return Config(profile, relaxng, tuple(_inside(root, s, "schematron", path) for s in sch), path)
