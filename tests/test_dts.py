"""The DTS 1.0 API, live on 127.0.0.1 and static in the build, against the specification's tables."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from conftest import EDITION_VERSION, TEI_DIR
from teikit import dts
from teikit.serve import running

DOC = "deutscher-1959-khrushchev-mao"
TEI = "{http://www.tei-c.org/ns/1.0}"
DTS = "{https://w3id.org/api/dts#}"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with running(TEI_DIR) as url:
        yield url


@pytest.fixture(scope="module")
def client(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=30) as c:
        yield c


def get(client: httpx.Client, path: str, **params: str) -> httpx.Response:
    return client.get(path, params=params)


def nav(client: httpx.Client, **params: str) -> httpx.Response:
    return get(client, "/api/dts/navigation", resource=DOC, **params)


def ids(body: dict[str, Any]) -> list[str]:
    return [m["identifier"] for m in body["member"]]


PARAS = [f"p{i}" for i in range(1, 32)]
SECTION_OF = {**{f"p{i}": "s1" for i in range(1, 5)}, **{f"p{i}": "s2" for i in range(5, 9)},
              **{f"p{i}": "s3" for i in range(9, 14)}, **{f"p{i}": "s4" for i in range(14, 20)},
              **{f"p{i}": "s5" for i in range(20, 24)}, **{f"p{i}": "s6" for i in range(24, 32)}}
ALL = [u for s in (f"s{i}" for i in range(1, 7)) for u in [s, *[p for p in PARAS if SECTION_OF[p] == s]]]


# ----------------------------------------------------------------------------------- entry

def test_entry(client: httpx.Client, server: str) -> None:
    r = get(client, "/api/dts")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")
    body = r.json()
    assert body["@type"] == "EntryPoint" and body["dtsVersion"] == "1.0"
    assert body["@context"] == "https://dtsapi.org/context/v1.0.json"
    # Absolute, named after the request's own origin (a client fetches an expanded template as is).
    assert body["collection"] == f"{server}/api/dts/collection{{?id,page,nav}}"
    assert body["navigation"] == f"{server}/api/dts/navigation{{?resource,ref,start,end,down,tree,page}}"
    assert body["document"] == f"{server}/api/dts/document{{?resource,ref,start,end,tree,mediaType}}"


# ------------------------------------------------------------------------------ collection

def test_root_collection(client: httpx.Client) -> None:
    body = get(client, "/api/dts/collection").json()
    assert body["@type"] == "Collection" and body["totalParents"] == 0 and body["totalChildren"] == 1
    [res] = body["member"]
    assert res["@id"] == DOC and res["@type"] == "Resource" and res["totalParents"] == 1
    assert res["title"] == "Khrushchev, Mao and Stalin’s Ghost"
    dc = res["dublinCore"]
    assert dc["creator"] == ["Isaac Deutscher"] and dc["date"] == "1959-02-19" and dc["hasVersion"] == EDITION_VERSION
    assert dc["title"] == [{"lang": "en", "value": "Khrushchev, Mao and Stalin’s Ghost"}]
    tree = res["citationTrees"][0]["citeStructure"][0]
    assert tree["citeType"] == "section" and tree["citeStructure"][0]["citeType"] == "paragraph"
    assert res["mediaTypes"] == ["application/tei+xml", "text/html", "text/plain"]
    assert "{&ref,start,end,down,tree,page}" in res["navigation"]


def test_resource_and_parents(client: httpx.Client) -> None:
    body = get(client, "/api/dts/collection", id=DOC).json()
    assert body["@type"] == "Resource" and body["totalChildren"] == 0 and body["member"] == []
    parents = get(client, "/api/dts/collection", id=DOC, nav="parents").json()
    assert [m["@id"] for m in parents["member"]] == ["edition"]
    assert get(client, "/api/dts/collection", id="edition", nav="parents").json()["member"] == []


@pytest.mark.parametrize(("params", "status"), [
    ({"id": "nope"}, 404), ({"nav": "siblings"}, 400), ({"page": "0"}, 400), ({"page": "x"}, 400),
    ({"page": "2"}, 404), ({"id": "../../etc/passwd"}, 404)])
def test_collection_errors(client: httpx.Client, params: dict[str, str], status: int) -> None:
    r = get(client, "/api/dts/collection", **params)
    assert r.status_code == status and r.json()["@type"] == "Error" and r.json()["statusCode"] == status


def test_collection_paging(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from test_build import two_document_corpus

    monkeypatch.setattr(dts, "PAGE_SIZE", 1)
    with running(two_document_corpus(tmp_path / "tei")) as url, httpx.Client(base_url=url) as tc:
        first = tc.get("/api/dts/collection").json()
        assert [m["@id"] for m in first["member"]] == ["alpha"]
        assert first["view"]["@type"] == "Pagination" and first["view"]["last"].endswith("page=2")
        second = tc.get("/api/dts/collection", params={"page": "2"}).json()
        assert [m["@id"] for m in second["member"]] == ["beta"]
        assert second["view"]["previous"].endswith("page=1")
        assert tc.get("/api/dts/collection", params={"page": "3"}).status_code == 404
        navp = tc.get("/api/dts/navigation", params={"resource": "alpha", "down": "-1", "page": "2"}).json()
        assert len(navp["member"]) == 1 and navp["view"]["last"].endswith("page=4")


# ------------------------------------------------------------------------------ navigation
# Rows of the specification's table "Usage of down, ref, start and end", in its order.

def test_row_nothing_is_400(client: httpx.Client) -> None:
    assert nav(client).status_code == 400


def test_row_ref_only(client: httpx.Client) -> None:
    body = nav(client, ref="p12").json()
    assert body["ref"]["identifier"] == "p12" and "member" not in body
    assert body["ref"] == {"identifier": "p12", "@type": "CitableUnit", "level": 2, "parent": "s3",
                           "citeType": "paragraph", "dublinCore": {"title": [{"lang": "en", "value": "¶12"}]}}


def test_row_start_end_only(client: httpx.Client) -> None:
    body = nav(client, start="p3", end="p6").json()
    assert body["start"]["identifier"] == "p3" and body["end"]["identifier"] == "p6" and "member" not in body


def test_row_down0_alone_is_400(client: httpx.Client) -> None:
    assert nav(client, down="0").status_code == 400


def test_row_down0_ref_gives_siblings(client: httpx.Client) -> None:
    assert ids(nav(client, ref="p6", down="0").json()) == ["p5", "p6", "p7", "p8"]
    assert ids(nav(client, ref="s2", down="0").json()) == [f"s{i}" for i in range(1, 7)]


def test_row_down0_range_is_400(client: httpx.Client) -> None:
    assert nav(client, start="p1", end="p2", down="0").status_code == 400


def test_row_down_positive_from_root(client: httpx.Client) -> None:
    body = nav(client, down="1").json()
    assert ids(body) == [f"s{i}" for i in range(1, 7)] and "ref" not in body
    assert [m["dublinCore"]["title"][0]["value"] for m in body["member"]] == [
        "Section 1", "Revision and Revolt", "The Skeleton Battle", "Two Steps Forwards…", "… One Step Backwards",
        "Family Quarrel"]
    assert all(m["parent"] is None and m["level"] == 1 and m["citeType"] == "section" for m in body["member"])
    assert ids(nav(client, down="2").json()) == ALL
    assert ids(nav(client, down="7").json()) == ALL


def test_row_down_positive_ref(client: httpx.Client) -> None:
    body = nav(client, ref="s2", down="1").json()
    assert body["ref"]["identifier"] == "s2" and ids(body) == ["s2", "p5", "p6", "p7", "p8"]
    assert ids(nav(client, ref="p12", down="1").json()) == ["p12"]


def test_row_down_positive_range(client: httpx.Client) -> None:
    assert ids(nav(client, start="s1", end="s2", down="1").json()) == ALL[:ALL.index("p8") + 1]
    assert ids(nav(client, start="p3", end="p6", down="1").json()) == ["p3", "p4", "s2", "p5", "p6"]


def test_rows_down_minus_one(client: httpx.Client) -> None:
    assert ids(nav(client, down="-1").json()) == ALL
    assert ids(nav(client, ref="s6", down="-1").json()) == ["s6", *[f"p{i}" for i in range(24, 32)]]
    assert ids(nav(client, start="s5", end="s6", down="-1").json()) == ALL[ALL.index("s5"):]


def test_members_are_citable_units_in_document_order(client: httpx.Client) -> None:
    members = nav(client, down="-1").json()["member"]
    for m in members:
        assert m["@type"] == "CitableUnit" and set(m) >= {"identifier", "level", "parent", "citeType", "dublinCore"}
        assert (m["parent"] is None) == (m["level"] == 1)
        if m["level"] == 2:
            assert m["parent"] == SECTION_OF[m["identifier"]]


def test_navigation_has_resource_and_own_id(client: httpx.Client, server: str) -> None:
    body = nav(client, ref="p2", down="0").json()
    assert body["@type"] == "Navigation" and body["dtsVersion"] == "1.0"
    assert unquote(body["@id"]) == f"{server}/api/dts/navigation?resource={DOC}&ref=p2&down=0"
    assert body["resource"]["@id"] == DOC and body["resource"]["citationTrees"]


@pytest.mark.parametrize(("params", "status"), [
    ({"resource": None, "ref": "p1"}, 400),
    ({"ref": "p1", "start": "p1", "end": "p2"}, 400),
    ({"ref": "p1", "start": "p1"}, 400),
    ({"start": "p1"}, 400),
    ({"end": "p2"}, 400),
    ({"ref": "p99"}, 404),
    ({"start": "p1", "end": "p99"}, 404),
    ({"start": "p99", "end": "p1"}, 404),
    ({"ref": "p1", "tree": "pages"}, 404),
    ({"resource": "nope", "ref": "p1"}, 404),
    ({"down": "-2"}, 400),
    ({"down": "one"}, 400),
    ({"ref": "p1", "page": "0"}, 400),
    ({"ref": "p1\"]|//*[\"", "down": "1"}, 404),
])
def test_navigation_errors(client: httpx.Client, params: dict[str, str | None], status: int) -> None:
    query = {"resource": DOC, **params}
    r = client.get("/api/dts/navigation", params={k: v for k, v in query.items() if v is not None})
    assert r.status_code == status, r.text
    body = r.json()
    assert body["statusCode"] == status and body["description"]


# -------------------------------------------------------------------------------- document

def doc_get(client: httpx.Client, **params: str) -> httpx.Response:
    return get(client, "/api/dts/document", resource=DOC, **params)


def test_document_whole_is_the_tei(client: httpx.Client, server: str) -> None:
    r = doc_get(client)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/tei+xml")
    assert r.headers["link"] == f'<{server}/api/dts/collection?id={DOC}>; rel="collection"'
    root = etree.fromstring(r.content)
    assert root.tag == f"{TEI}TEI" and len(root.findall(f".//{TEI}body/{TEI}div/{TEI}p")) == 31


def test_document_ref_is_wrapped(client: httpx.Client) -> None:
    root = etree.fromstring(doc_get(client, ref="p12").content)
    assert root.tag == f"{TEI}TEI" and root.find(f"{TEI}teiHeader") is not None
    wrapper = root.find(f".//{DTS}wrapper")
    assert wrapper is not None and [p.get("{http://www.w3.org/XML/1998/namespace}id") for p in wrapper] == ["p12"]


def test_document_range(client: httpx.Client) -> None:
    wrapper = etree.fromstring(doc_get(client, start="p3", end="p6").content).find(f".//{DTS}wrapper")
    assert [p.get("{http://www.w3.org/XML/1998/namespace}id") for p in wrapper] == ["p3", "p4", "p5", "p6"]
    wrapper = etree.fromstring(doc_get(client, start="s1", end="p6").content).find(f".//{DTS}wrapper")
    assert [p.get("{http://www.w3.org/XML/1998/namespace}id") for p in wrapper] == ["s1", "p5", "p6"]


def test_document_media_types(client: httpx.Client) -> None:
    r = doc_get(client, ref="p5", mediaType="text/plain")
    assert r.headers["content-type"].startswith("text/plain") and r.text.startswith("Revision and Revolt: In the first")
    r = doc_get(client, ref="p22", mediaType="text/html")
    assert r.headers["content-type"].startswith("text/html") and 'id="p22"' in r.text and "<!DOCTYPE html>" in r.text


@pytest.mark.parametrize(("params", "status"), [
    ({"resource": None}, 400), ({"ref": "p1", "start": "p1", "end": "p2"}, 400), ({"start": "p1"}, 400),
    ({"end": "p1"}, 400), ({"ref": "p99"}, 404), ({"resource": "nope"}, 404), ({"mediaType": "application/pdf"}, 404),
    ({"ref": "p1", "tree": "x"}, 404), ({"start": "p5", "end": "p1"}, 400)])
def test_document_errors(client: httpx.Client, params: dict[str, str | None], status: int) -> None:
    query = {"resource": DOC, **params}
    r = client.get("/api/dts/document", params={k: v for k, v in query.items() if v is not None})
    assert r.status_code == status and r.json()["statusCode"] == status


# ----------------------------------------------------------------------------- transport

@pytest.mark.parametrize(("method", "path", "status"), [
    ("POST", "/api/dts", 405), ("DELETE", "/api/dts/document", 405), ("GET", "/", 404),
    ("GET", "/api/dts/../../etc/passwd", 404), ("GET", "/api/dts/document?" + "a=1&" * 2000, 414)])
def test_malformed_requests(client: httpx.Client, method: str, path: str, status: int) -> None:
    r = client.request(method, path)
    assert r.status_code == status and r.json()["statusCode"] == status


def test_duplicate_parameters_are_refused(client: httpx.Client) -> None:
    r = client.get("/api/dts/navigation", params=[("resource", DOC), ("ref", "p1"), ("ref", "p2")])
    assert r.status_code == 400


# ----------------------------------------------------------------------- static agrees live

URL_KEYS = {"@id", "collection", "navigation", "document", "view"}


def strip_urls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: strip_urls(v) for k, v in value.items() if k not in URL_KEYS or (k == "@id" and
                "/api/dts" not in str(v))}
    if isinstance(value, list):
        return [strip_urls(v) for v in value]
    return value


def static_params(head: str) -> dict[str, str]:
    """``resource;k=v;k=v`` (the static templates' path-style expansion) as request parameters."""
    resource, *pairs = head.split(";")
    return {"resource": resource, **dict(pair.split("=", 1) for pair in pairs)}


def test_static_files_agree_with_live_answers(built: Path, client: httpx.Client) -> None:
    root = built / "api" / "dts"
    assert strip_urls(json.loads((root / "index.json").read_text())) == strip_urls(get(client, "/api/dts").json())
    static_entry = json.loads((root / "index.json").read_text())
    # Absolute, from the base URL: a client expands the template and fetches the result as it is.
    assert static_entry["navigation"] == ("https://teikit.example.org/api/dts/navigation/"
                                          "{resource}{;down,start,end}{/ref}.json")
    checked = ranges = 0
    for path in sorted(root.rglob("*.json")):
        rel = path.relative_to(root).as_posix()
        if rel == "index.json":
            continue
        kind, _, rest = rel.partition("/")
        rest = unquote(rest[: -len(".json")])
        if kind == "collection.json":  # the root, for a template expanded with no id
            live = get(client, "/api/dts/collection")
        elif kind == "collection":
            ident, _, navv = rest.partition("/")
            params = {"id": ident, **({"nav": navv} if navv else {})}
            live = get(client, "/api/dts/collection", **params)
        else:
            head, _, ref = rest.partition("/")
            params = {**static_params(head), **({"ref": ref} if ref else {})}
            ranges += "start" in params
            live = get(client, "/api/dts/navigation", **params)
        assert live.status_code == 200, rel
        assert strip_urls(json.loads(path.read_text())) == strip_urls(live.json()), rel
        checked += 1
    for path in sorted((root / "document").rglob("*.xml")):
        rel = unquote(path.relative_to(root / "document").as_posix()[: -len(".xml")])
        head, _, ref = rel.partition("/")
        params = {**static_params(head), **({"ref": ref} if ref else {})}
        live = get(client, "/api/dts/document", **params)
        assert live.text == path.read_text(), rel
        checked += 1
    assert ranges == 15 * 2  # the pairs of the 6 sections, down absent and 1
    # Navigation: 3 from the root, 4 per unit (down absent, 0, 1, -1; 37 units of depth <= 1 below them).
    assert checked >= 3 + 37 * 4 + 6 + 38 + 15 * 3


def test_static_navigation_text_is_the_general_answer_byte_for_byte(tmp_path: Path) -> None:
    """The static writer joins pre-serialised JSON; it must equal navigation() + _dump_navigation."""
    from teikit.load import Corpus

    corpus = Corpus.discover(TEI_DIR)
    dc = dts.DtsCorpus(corpus)
    urls = dts.Urls(static=True)
    res = dc.resource(DOC)
    fast = dts._StaticNavigation(dc, res, urls)
    compared = 0
    for ref in [None, *res.units()]:
        for down in ([None, "0"] if ref is not None else []) + ["1", "2", "-1"]:
            query = {"resource": [DOC]} | ({"ref": [ref.id]} if ref else {}) | ({"down": [down]} if down else {})
            general = dts._dump_navigation(dts.navigation(dc, urls, query), res, urls)
            path = fast.path(ref, down)
            assert json.loads(general)["@id"] == path
            assert fast.text(ref, down, path) == general, (ref, down)
            compared += 1
    assert compared == 3 + 37 * 5
    summary, files = dts.write_static_resource(dc, DOC, tmp_path)
    assert summary["@id"] == DOC
    sections = sum(1 for p in res.units() if res.level(p) == 1)
    pairs = sections * (sections - 1) // 2  # ranges of top-level units: navigation (two) and document
    assert len(files) == len(set(files)) == 2 + 3 + 37 * 4 + 1 + 37 + pairs * 3
    assert all(Path(f).is_file() and Path(f).is_relative_to(tmp_path) for f in files)


def test_no_two_static_navigation_files_differ_only_in_their_id(built: Path) -> None:
    """Issue 21: the static API is sized by what clients need.  A ``down`` deeper than the tree
    below a unit answers the same members as ``down=-1`` (only @id, the request's URL, differs), so
    those files are not written (the live server answers them; a static host, 404).  What remains
    alike is, for the root and each unit, ``down=-1`` ("everything below") and the ``down`` that
    reaches the bottom of the tree: 1 for a section or a paragraph (a walker asks every unit for its
    children with 1), 2 from the root."""
    root = built / "api" / "dts" / "navigation"
    bodies: dict[str, list[str]] = {}
    for path in sorted(root.rglob("*.json")):
        body = json.loads(path.read_text())
        del body["@id"]
        bodies.setdefault(json.dumps(body, sort_keys=True), []).append(unquote(path.relative_to(root).as_posix()))
    alike = sorted(names for names in bodies.values() if len(names) > 1)
    res_units = 37
    assert len(alike) == 1 + res_units
    for names in alike:
        downs = {n.split("/")[0].removesuffix(".json").split(";")[1] for n in names}
        assert len(names) == 2 and downs == ({"down=2", "down=-1"} if "/" not in names[0] else {"down=1", "down=-1"})
    files = sum(len(names) for names in bodies.values())
    assert files == 3 + res_units * 4 + 15 * 2  # before issue 21: 3 + 37 * 5 + 15 * 2


def test_cli_serve_listens_on_loopback_by_default() -> None:
    import subprocess
    import sys

    from teikit.cli import serve as serve_command

    host = next(p for p in serve_command.params if p.name == "host")
    assert host.default == "127.0.0.1"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    proc = subprocess.Popen([sys.executable, "-m", "teikit.cli", "serve", "--tei-dir", str(TEI_DIR),
                             "--port", str(port)],
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/api/dts", timeout=2)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline and proc.poll() is None, "server did not start"
                time.sleep(0.1)
        assert r.status_code == 200 and r.json()["@type"] == "EntryPoint"
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=20)
    assert "DTS API on http://127.0.0.1:" in err and "Traceback" not in err


@given(st.text())
def test_static_paths_are_json_strings_as_the_encoder_writes_them(text: str) -> None:
    """The shortcut for plain ASCII paths gives exactly what the JSON encoder gives, for any text."""
    assert dts._json_string(text) == dts._compact(text)
