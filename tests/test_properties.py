"""Property-based tests: random mutations of the edition never crash validate or build, and a
bounded fuzz of the live DTS server on loopback never gets a 5xx."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import FIXTURES, TEI_DIR
from teikit.errors import TeikitError, ValidationFailed
from teikit.publish import BuildOptions, build
from teikit.validate import ERROR, iter_errors

EDITION = (TEI_DIR / "deutscher-1959-khrushchev-mao.xml").read_bytes()
MINIMAL = (FIXTURES / "minimal" / "doc.xml").read_bytes()


def mutate(source: bytes, kind: str, seed: int) -> bytes:
    """One random structural or byte-level mutation of a document."""
    rng = random.Random(seed)
    if kind == "bytes":
        data = bytearray(source)
        for _ in range(rng.randint(1, 5)):
            pos = rng.randrange(len(data))
            data[pos:pos + rng.randint(0, 3)] = bytes(rng.randrange(256) for _ in range(rng.randint(0, 3)))
        return bytes(data)
    tree = etree.fromstring(source)
    elements = [e for e in tree.iter() if isinstance(e.tag, str) and e is not tree]
    target = rng.choice(elements)
    parent = target.getparent()
    assert parent is not None
    if kind == "delete":
        parent.remove(target)
    elif kind == "duplicate":
        parent.insert(parent.index(target), etree.fromstring(etree.tostring(target, with_tail=False)))
    elif kind == "shuffle-attributes":
        items = list(target.attrib.items())
        values = [v for _, v in items]
        rng.shuffle(values)
        target.attrib.clear()
        for (k, _), v in zip(items, values, strict=True):
            target.set(k, v)
    elif kind == "move":
        inside = set(target.iter())
        parent.remove(target)
        rng.choice([e for e in elements if e not in inside]).append(target)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


KINDS = st.sampled_from(["bytes", "delete", "duplicate", "shuffle-attributes", "move"])


def corpus(tmp: Path, data: bytes) -> Path:
    folder = tmp / "tei"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    shutil.copyfile(TEI_DIR / "register.xml", folder / "register.xml")
    shutil.copyfile(TEI_DIR / "teikit.toml", folder / "teikit.toml")
    (folder / "doc.xml").write_bytes(data)
    return folder


@given(kind=KINDS, seed=st.integers(0, 2**32 - 1))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_mutated_edition_validates_without_crashing(tmp_path: Path, kind: str, seed: int) -> None:
    folder = corpus(tmp_path, mutate(EDITION, kind, seed))
    problems = list(iter_errors(folder))
    for p in problems:
        assert p.rule and p.message and "\n" not in p.message


@given(kind=KINDS, seed=st.integers(0, 2**32 - 1))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_mutated_edition_builds_or_fails_cleanly(tmp_path: Path, kind: str, seed: int) -> None:
    folder = corpus(tmp_path, mutate(EDITION, kind, seed))
    out = tmp_path / "site"
    shutil.rmtree(out, ignore_errors=True)
    valid = not any(p.severity == ERROR for p in iter_errors(folder))
    try:
        result = build(folder, out, BuildOptions(jobs=1, without=("dts",)))
    except TeikitError as exc:
        assert not valid, f"validate passed but build failed: {exc}"
        assert isinstance(exc, ValidationFailed) and exc.exit_code == 1, exc  # refused as invalid, not crashed
        assert not out.exists()
    else:
        assert valid
        doc_id = result.documents[0]
        assert (out / doc_id / "index.html").read_text().startswith("<!DOCTYPE HTML>")
        assert (out / doc_id / f"{doc_id}.txt").stat().st_size > 0


# ------------------------------------------------------------------------ fuzzing the server

VALUES = st.one_of(
    st.sampled_from(["", "p1", "s1", "p31", "s6", "p0", "p32", "-1", "0", "1", "2", "99999999", "-2", "1e3",
                     "deutscher-1959-khrushchev-mao", "edition", "children", "parents", "application/tei+xml",
                     "text/html", "text/plain", "../../etc/passwd", "%00", "\u0000", "p1\"]", "*", "😀" * 3]),
    st.text(max_size=40),
    st.text(max_size=2000),
)
PARAMS = st.sampled_from(["resource", "ref", "start", "end", "down", "tree", "page", "id", "nav", "mediaType",
                          "x", "__proto__"])
PATHS = st.sampled_from(["/api/dts", "/api/dts/", "/api/dts/collection", "/api/dts/navigation", "/api/dts/document",
                         "/api/dts/navigation/", "/api/../../etc/passwd", "/api/dts/document%00", "/"])


@pytest.fixture(scope="module")
def live() -> object:
    from teikit.serve import running

    with running(TEI_DIR) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


@given(path=PATHS, query=st.lists(st.tuples(PARAMS, VALUES), max_size=6))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_fuzzed_requests_never_get_a_5xx(live: httpx.Client, path: str, query: list[tuple[str, str]]) -> None:
    r = live.get(path, params=query)
    assert r.status_code < 500, (path, query, r.text[:200])
    if r.status_code >= 400:
        body = r.json()
        assert body["statusCode"] == r.status_code and body["description"]


def test_server_still_answers_after_the_fuzz(live: httpx.Client) -> None:
    assert live.get("/api/dts").status_code == 200
