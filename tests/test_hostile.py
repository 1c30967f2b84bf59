"""Hostile and broken input: every case ends in a clean result or one clear error line.

The corpus is ``tests/hostile/`` (committed files) plus cases made at run time (a 50 MB text node,
a directory, a missing file, a link out of the corpus, an unwritable output, a full disk, Ctrl-C,
two builds at once).  Each case is put in a small corpus beside the test register and run through
``teikit validate`` and ``teikit build`` (and ``teikit cite`` where a reference is involved),
asserting the exit code, the message and what must not happen: no traceback, nothing from
/etc/passwd, no live script, event handler or javascript: link in the HTML, no file outside the
output folder, the previous output left as it was.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, beside
from teikit import formats, publish
from teikit.cli import main
from teikit.publish import BuildOptions, build

HOSTILE = Path(__file__).parent / "hostile"
REGISTER = FIXTURES / "minimal" / "register.xml"
SECRET = re.compile(r"root:[x*]?:0:0|daemon:")

# case -> (validate exit code, rule or message fragment that must appear); build exits 1 unless 0 below.
CASES: dict[str, tuple[int, str]] = {
    "malformed-unclosed.xml": (1, "[xml-malformed]"),
    "malformed-bad-attribute.xml": (1, "[xml-malformed]"),
    "truncated.xml": (1, "[xml-malformed]"),
    "non-utf8-bytes.xml": (1, "[xml-malformed]"),
    "wrong-encoding-declared.xml": (1, "[xml-malformed]"),
    "binary.xml": (1, "[xml-binary]"),
    "empty.xml": (1, "[xml-empty]"),
    "whitespace-only.xml": (1, "[xml-empty]"),
    "bom-only.xml": (1, "[xml-malformed]"),
    "not-xml-text.xml": (1, "[xml-malformed]"),
    "html-not-tei.xml": (1, "[tei-root]"),
    "tei-wrong-namespace.xml": (1, "[tei-root]"),
    "tei-no-namespace.xml": (1, "[tei-root]"),
    "tei-corpus-root.xml": (1, "[tei-root]"),
    "xxe-file.xml": (1, "[xml-doctype]"),
    "xxe-network.xml": (1, "[xml-doctype]"),
    "parameter-entity.xml": (1, "[xml-doctype]"),
    "external-dtd.xml": (1, "[xml-doctype]"),
    "doctype-lowercase.xml": (1, "[xml-doctype]"),
    "billion-laughs.xml": (1, "[xml-doctype]"),
    "quadratic-blowup.xml": (1, "[xml-doctype]"),
    "xinclude-file.xml": (1, "[foreign-namespace]"),
    "xinclude-network.xml": (1, "[foreign-namespace]"),
    "deep-nesting.xml": (1, "[xml-malformed]"),
    "script-in-text.xml": (0, ""),
    "cdata-script.xml": (0, ""),
    "script-in-title.xml": (0, ""),
    "quotes-in-header.xml": (0, ""),
    "comment-with-markup.xml": (0, ""),
    "processing-instruction.xml": (0, ""),
    "huge-attribute.xml": (0, ""),
    "javascript-licence.xml": (1, "[link-safe-scheme]"),
    "data-uri-licence.xml": (1, "[link-safe-scheme]"),
    "javascript-ref.xml": (1, "[ref-form]"),
    "event-handler-attribute.xml": (1, "[grammar-unknown-attribute]"),
    "html-namespace-element.xml": (1, "[foreign-namespace]"),
    "path-traversal-id.xml": (1, "[grammar-value] @xml:id=“../../../tmp/evil” on <TEI>"),
    "reserved-document-id.xml": (1, "[document-id-reserved]"),
    "unicode-document-id.xml": (1, "[document-id-form]"),
    "odd-passage-id.xml": (1, "[passage-id-paragraph]"),
    "duplicate-ids.xml": (1, "[id-unique]"),
    "nul-character-ref.xml": (1, "[xml-malformed]"),
}


def test_the_corpus_has_every_case_and_at_least_forty() -> None:
    assert sorted(p.name for p in HOSTILE.iterdir()) == sorted(CASES)
    assert len(CASES) >= 40


# The same cases under the default "tei" profile (a user's own TEI, no teikit.toml), where they
# differ from the house profile's: other vocabularies are ignored with a warning (never
# processed: an XInclude is not followed, XHTML is not rendered), passage IDs are the user's own.
TEI_PROFILE: dict[str, tuple[int, str]] = {
    "html-namespace-element.xml": (0, "[foreign-namespace]"),
    "xinclude-file.xml": (0, "[foreign-namespace]"),
    "xinclude-network.xml": (0, "[foreign-namespace]"),
    "odd-passage-id.xml": (0, ""),
    "javascript-ref.xml": (1, "[link-safe-scheme]"),
}


def corpus_with(tmp_path: Path, case: Path | bytes, name: str = "doc.xml", profile: str = "house") -> Path:
    folder = tmp_path / "tei"
    folder.mkdir(exist_ok=True)
    shutil.copyfile(REGISTER, folder / "register.xml")
    if profile == "house":  # the cases were written for the edition's own profile
        (folder / "teikit.toml").write_text('profile = "house"\n', encoding="utf-8")
    target = folder / name
    if isinstance(case, bytes):
        target.write_bytes(case)
    else:
        shutil.copyfile(case, target)
    return folder


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"uncaught {type(result.exception).__name__}: {result.exception}")
    return result.exit_code, result.stdout, result.stderr


def assert_clean_failure(code: int, out: str, err: str, fragment: str, expected: int) -> None:
    """One located failure with exactly the expected exit code (1 invalid, 2 unreadable or usage)."""
    text = out + err
    assert code == expected, text
    assert "Traceback" not in text and not SECRET.search(text)
    assert fragment in text, text


def assert_safe_site(out_dir: Path) -> None:
    """Nothing hostile became live in the HTML as a browser parses it (html5lib implements the HTML
    standard's tokeniser: script data, comments and all); nothing was written outside."""
    import html5lib

    for page in out_dir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not SECRET.search(text)
        tree = html5lib.parse(text, namespaceHTMLElements=False)
        for script in tree.iter("script"):
            src, kind = script.get("src"), script.get("type")
            ours = src in ("../assets/teikit.js", "../assets/search.js") and not (script.text or "").strip()
            assert ours or kind in ("application/ld+json", "application/json"), (page, src, kind, script.text)
        for el in tree.iter():
            if not isinstance(el.tag, str):
                continue
            for name, value in el.attrib.items():
                assert not name.lower().startswith("on"), (page, el.tag, name)
                if name in ("href", "src", "action", "formaction"):
                    assert not re.match(r"\s*(javascript|data|vbscript|file):", value, re.I), (page, value)
        assert not [el for el in tree.iter() if el.tag in ("iframe", "object", "embed", "img", "svg", "math")]
        assert len([el for el in tree.iter("script")]) <= 3
    for path in out_dir.rglob("*"):
        assert path.resolve().is_relative_to(out_dir.resolve())


@pytest.mark.parametrize("case", sorted(CASES))
def test_validate_and_build(case: str, tmp_path: Path) -> None:
    _validate_and_build(case, tmp_path, "house", *CASES[case])


@pytest.mark.parametrize("case", sorted(CASES))
def test_validate_and_build_under_the_tei_profile(case: str, tmp_path: Path) -> None:
    _validate_and_build(case, tmp_path, "tei", *TEI_PROFILE.get(case, CASES[case]))


def _validate_and_build(case: str, tmp_path: Path, profile: str, code_expected: int, fragment: str) -> None:
    tei = corpus_with(tmp_path, HOSTILE / case, profile=profile)
    start = time.monotonic()
    code, out, err = run("validate", str(tei))
    assert time.monotonic() - start < 60  # bounded, whatever the input
    if code_expected == 0:
        assert code == 0, out + err
        assert fragment in out + err, out + err
    else:
        assert_clean_failure(code, out, err, fragment, code_expected)
        if fragment.startswith("[xml-") or fragment == "[tei-root]":
            [line] = [ln for ln in out.splitlines() if "error" in ln]
            assert line.startswith(str(tei / "doc.xml") + ":")
    site = tmp_path / "site"
    build(FIXTURES / "minimal", site, BuildOptions(jobs=1))  # a previous output, which must survive a failure
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    code, out, err = run("build", "--tei-dir", str(tei), "--out", str(site), "-j", "1")
    if code_expected == 0:
        assert code == 0, out + err
        assert_safe_site(site)
    else:
        assert_clean_failure(code, out, err, fragment, code_expected)
        assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    leftovers = [n for n in beside(tmp_path) if n.startswith(".site.")]
    assert leftovers == []  # no staging folder, and no lock file either


def test_escaping_of_markup_in_title_and_text(tmp_path: Path) -> None:
    tei = corpus_with(tmp_path, HOSTILE / "script-in-title.xml")
    build(tei, tmp_path / "site", BuildOptions(jobs=1))
    html = (tmp_path / "site" / "minimal" / "index.html").read_text()
    assert "<title>A &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; \"quoted\" title" in html
    # In attribute values HTML needs only the quote escaped; the markup there is inert text.
    assert 'content="A </script&gt;<script&gt;alert(1)</script&gt; &#34;quoted&#34; title"' in html
    assert "\\u003c\\/script\\u003e\\u003cscript\\u003ealert(1)\\u003c\\/script\\u003e" in html  # in the JSON-LD


def test_big_text_node_is_refused_in_bounded_time(tmp_path: Path) -> None:
    src = (FIXTURES / "minimal" / "doc.xml").read_text()
    data = src.replace("went to", "went " + "x" * (50 * 1024 * 1024) + " to").encode()
    tei = corpus_with(tmp_path, data)
    start = time.monotonic()
    code, out, err = run("validate", str(tei))
    assert time.monotonic() - start < 30
    assert_clean_failure(code, out, err, "[xml-too-large]", 1)


def test_large_but_allowed_text_node_is_reported_not_crashed(tmp_path: Path) -> None:
    src = (FIXTURES / "minimal" / "doc.xml").read_text()
    tei = corpus_with(tmp_path, src.replace("went to", "went " + "x" * (12 * 1024 * 1024) + " to").encode())
    code, out, err = run("validate", str(tei))
    assert_clean_failure(code, out, err, "[xml-malformed]", 1)  # libxml2 refuses text nodes over 10 MB


def test_directory_instead_of_file_and_missing_file(tmp_path: Path) -> None:
    folder = tmp_path / "looks-like.xml"
    folder.mkdir()
    code, out, err = run("validate", str(folder))
    assert_clean_failure(code, out, err, "no TEI documents", 2)
    code, out, err = run("validate", str(tmp_path / "missing.xml"))
    assert code == 2 and "no such file or directory" in out
    code, out, err = run("build", "--tei-dir", str(tmp_path / "missing"), "--out", str(tmp_path / "o"))
    assert code == 2 and "no such file or directory" in err and not (tmp_path / "o").exists()


def test_link_out_of_the_corpus_is_not_followed(tmp_path: Path) -> None:
    tei = corpus_with(tmp_path, FIXTURES / "minimal" / "doc.xml")
    os.symlink("/etc/passwd", tei / "passwd.xml")
    for args in (["validate", str(tei)], ["build", "--tei-dir", str(tei), "--out", str(tmp_path / "o")],
                 ["info", "--tei-dir", str(tei)]):
        code, out, err = run(*args)
        assert_clean_failure(code, out, err, "[outside-corpus]", 1)


def test_links_below_the_corpus_folder(tmp_path: Path) -> None:
    """A linked file in a subfolder that stays inside the corpus is read; one that leads outside
    is refused; a linked folder is not walked at all, so nothing outside is read through it."""
    from teikit.load import Corpus

    tei = corpus_with(tmp_path, FIXTURES / "minimal" / "doc.xml")
    (tei / "sub").mkdir()
    os.symlink(tei / "doc.xml", tei / "sub" / "same.xml")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    shutil.copyfile(FIXTURES / "minimal" / "doc.xml", outside / "other.xml")
    os.symlink(outside, tei / "linked")
    assert [p.relative_to(tei).as_posix() for p in Corpus.discover(tei).document_paths] == ["doc.xml", "sub/same.xml"]
    os.symlink(outside / "other.xml", tei / "sub" / "away.xml")
    for args in (["validate", str(tei)], ["build", "--tei-dir", str(tei), "--out", str(tmp_path / "o")],
                 ["info", "--tei-dir", str(tei)]):
        code, out, err = run(*args)
        assert_clean_failure(code, out, err, "[outside-corpus]", 1)
        assert "sub/away.xml" in out + err


def test_unwritable_output(tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder")
    code, out, err = run("build", "--tei-dir", str(FIXTURES / "minimal"), "--out", str(blocker / "dist"))
    assert_clean_failure(code, out, err, "cannot write", 2)


def test_full_disk_leaves_previous_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    build(FIXTURES / "minimal", site, BuildOptions(jobs=1))
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    real = formats.write

    def full(staging: Path, rel: str, data: str | bytes) -> str:
        if rel.endswith(".txt"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(staging / rel))
        return real(staging, rel, data)

    monkeypatch.setattr(formats, "write", full)  # where every format writes its files
    code, out, err = run("build", "--tei-dir", str(FIXTURES / "minimal"), "--out", str(site), "-j", "1", "--base-url",
                         "https://changed.example/")
    assert_clean_failure(code, out, err, "No space left on device", 2)
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before


def test_ctrl_c_leaves_previous_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    build(FIXTURES / "minimal", site, BuildOptions(jobs=1))
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}

    def interrupted(path: Path, text: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(publish, "_write", interrupted)
    code, _out, err = run("build", "--tei-dir", str(FIXTURES / "minimal"), "--out", str(site), "-j", "1", "--base-url",
                          "https://changed.example/")
    assert code == 130 and "interrupted" in err and "Traceback" not in err
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("ref", ['p1" or "1"="1', "p1]/..//*[1", "../../etc/passwd", "p1;rm -rf /", "$(id)",
                                 "p" * 1000, "\x00p1", "urn:cts:../../etc/passwd:p1"])
def test_hostile_references(ref: str) -> None:
    code, out, err = run("cite", ref, "--tei-dir", str(FIXTURES / "minimal"))
    assert_clean_failure(code, out, err, "passage reference" if len(ref) < 1000 else "malformed", 1)
    assert err.count("\n") == 1
