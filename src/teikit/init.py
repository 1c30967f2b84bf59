"""``teikit init``: a new edition that validates and builds at once.

It writes, and only ever creates (an existing file is never replaced, and nothing is written when
any would be): ``tei/DOC-ID.xml`` (a TEI document with a complete header: title, author, edition
version, publisher, document identifier, licence, source description, citeStructure, language,
revision), an empty ``tei/register.xml``, ``tei/teikit.toml`` and the passage manifest
``tei/passages.json``, and ``README.md`` (what to do next) unless the folder has one.

``--from-text FILE`` makes the document from a plain-text article instead of a placeholder: the
first block (lines up to a blank line) is the title, every further block a paragraph.  The plain
text teikit builds from it is the file itself (paragraphs separated by one blank line; a line
break inside a paragraph becomes a space, as in any TEI reading text).
"""

from __future__ import annotations

import datetime
import os
import re
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from .errors import InvalidInput, OutputError, Unreadable, UsageProblem
from .load import DOCUMENT_ID, REGISTER_FILE, reserved_id

README = """# {title}

A TEI edition made with [teikit](https://pypi.org/project/teikit/) (`teikit init`).

## Working on it

- Edit `tei/{ident}.xml`; keep `teikit validate tei` clean (it names every problem at its line
  and column, and says which command fixes a missing passage ID or citeStructure).
- New divisions and paragraphs: `teikit ids` gives them passage IDs without touching anything
  else; `teikit passages update` publishes them (after that, `teikit validate` guards every
  published ID against being lost or reused).
- Persons, places, organisations and events: add entries to `tei/register.xml` (or a listPerson…
  in the document) and point names at them with `@ref`.
- `teikit build --tei-dir tei --out site` writes the reading edition, plain text, citations,
  EPUB, PDF, the search and the DTS API; `teikit serve --tei-dir tei` serves the API live.
- `tei/teikit.toml` chooses the profile (`tei`: ordinary TEI, the house conventions as warnings;
  `house`: teikit's strict subset) and may add the project's own RELAX NG and Schematron.
"""


@dataclass
class Scaffold:
    """What ``teikit init`` wrote."""

    folder: Path
    files: list[Path]
    skipped: list[Path]


def _document(ident: str, title: str, author: str, lang: str, paragraphs: list[str], source: str, today: str) -> str:
    body = "\n".join(f'        <p xml:id="p{i}">{escape(p)}</p>' for i, p in enumerate(paragraphs, 1))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="{ident}" xml:lang="{lang}">
  <teiHeader>
    <fileDesc>
      <titleStmt>
        <title>{escape(title)}</title>
        <author>{escape(author)}</author>
      </titleStmt>
      <editionStmt>
        <edition n="1.0.0">First version</edition>
      </editionStmt>
      <publicationStmt>
        <publisher>{escape(author)}</publisher>
        <date when="{today}">{today}</date>
        <idno type="teikit">{ident}</idno>
        <availability status="free">
          <licence target="https://creativecommons.org/licenses/by/4.0/">Creative Commons Attribution 4.0</licence>
        </availability>
      </publicationStmt>
      <sourceDesc>
        <p>{escape(source)}</p>
      </sourceDesc>
    </fileDesc>
    <encodingDesc>
      <editorialDecl>
        <p>Paragraphs are numbered; cite them by their passage IDs (p1, p2, …).</p>
      </editorialDecl>
      <refsDecl>
        <citeStructure unit="section" match="/TEI/text/body//div" use="@xml:id">
          <citeStructure unit="paragraph" match="p" use="@xml:id" delim="."/>
        </citeStructure>
      </refsDecl>
    </encodingDesc>
    <profileDesc>
      <langUsage>
        <language ident="{lang}">{lang}</language>
      </langUsage>
    </profileDesc>
    <revisionDesc>
      <change when="{today}" n="1.0.0">Created with teikit init.</change>
    </revisionDesc>
  </teiHeader>
  <text>
    <body>
      <div xml:id="s1">
{body}
      </div>
    </body>
  </text>
</TEI>
"""


REGISTER = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="register" xml:lang="en">
  <teiHeader>
    <fileDesc>
      <titleStmt>
        <title>Register of persons, places, organisations and events</title>
      </titleStmt>
      <publicationStmt>
        <p>Part of the edition.</p>
      </publicationStmt>
      <sourceDesc>
        <p>Compiled by the editors.</p>
      </sourceDesc>
    </fileDesc>
  </teiHeader>
  <standOff/>
</TEI>
"""

CONFIG = """# teikit's settings for this corpus.
# profile "tei": ordinary TEI P5; what teikit's house profile would add is reported as warnings.
# profile "house": teikit's strict subset (the edition it was built for uses it).
profile = "tei"

# [schema]
# relaxng = "schema/project.rng"       # a grammar of the project's own, checked as well
# schematron = ["schema/project.sch"]  # rules of the project's own, run after teikit's
"""


def blocks_of(text: str) -> list[str]:
    """The blocks of a plain text: runs of non-blank lines, each joined into one line."""
    blocks = [" ".join(line.strip() for line in block.splitlines() if line.strip())
              for block in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").replace("\r", "\n"))]
    return [b for b in blocks if b]


def init(folder: Path, *, tei_dir: Path | None = None, from_text: Path | None = None, title: str | None = None,
         author: str = "The editors", ident: str | None = None, lang: str = "en") -> Scaffold:
    """Create a new edition in ``folder`` (see the module's docstring)."""
    tei = tei_dir if tei_dir is not None else folder / "tei"
    paragraphs = ["The first paragraph of the text."]
    source = "Born digital: the editors' own text."
    if from_text is not None:
        try:
            raw = from_text.read_bytes()
        except OSError as exc:
            raise Unreadable(f"cannot read: {exc.strerror or exc}", path=str(from_text)) from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidInput(f"not UTF-8 text (byte {exc.start}): save it as UTF-8 first", path=str(from_text),
                               rule="init") from None
        if any(ord(c) < 32 and c not in "\t\n\r" for c in text):
            raise InvalidInput("holds control characters: not a plain-text article", path=str(from_text), rule="init")
        blocks = blocks_of(text)
        if len(blocks) < 2 and title is None:
            raise InvalidInput("needs a title (its first block) and at least one paragraph after a blank line",
                               path=str(from_text), rule="init")
        title, paragraphs = (title, blocks) if title is not None else (blocks[0], blocks[1:])
        source = f"Made from the plain-text file {from_text.name} by teikit init."
        ident = ident or from_text.stem
    title = title or "Untitled"
    ident = ident or "document"
    if not re.fullmatch(DOCUMENT_ID, ident) or reserved_id(ident):
        raise UsageProblem(f"“{ident}” cannot be a document ID (ASCII letters, digits, “_”, “-”, “.”; not a name "
                           "teikit uses): give one with --id")
    today = datetime.date.today().isoformat()
    planned = {
        tei / f"{ident}.xml": _document(ident, title, author, lang, paragraphs, source, today),
        tei / REGISTER_FILE: REGISTER,
        tei / "teikit.toml": CONFIG,
    }
    existing = [p for p in planned if os.path.lexists(p)] + [p for p in (tei / "passages.json",) if os.path.lexists(p)]
    if existing:
        raise OutputError(f"{existing[0]} exists; teikit init creates files and never replaces one: choose a new "
                          "folder", path=str(existing[0]))
    readme = folder / "README.md"
    written: list[Path] = []
    try:
        tei.mkdir(parents=True, exist_ok=True)
        for path, content in planned.items():
            with open(path, "x", encoding="utf-8") as fh:  # "x": never through an existing file or link
                fh.write(content)
            written.append(path)
        skipped = []
        if os.path.lexists(readme):
            skipped.append(readme)
        else:
            with open(readme, "x", encoding="utf-8") as fh:
                fh.write(README.format(title=title, ident=ident))
            written.append(readme)
    except OSError as exc:
        for path in written:  # only what this call created
            path.unlink(missing_ok=True)
        raise OutputError(f"cannot write: {exc.strerror or exc}", path=str(getattr(exc, "filename", None) or tei)) \
            from None
    from .load import Corpus
    from .passages import load_manifest, update_manifest, write_manifest

    corpus = Corpus.discover(tei)
    manifest, _ = update_manifest(corpus, load_manifest(tei / "passages.json"))
    write_manifest(tei / "passages.json", manifest)
    written.insert(3, tei / "passages.json")
    return Scaffold(folder, written, skipped)
