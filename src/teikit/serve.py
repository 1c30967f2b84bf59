"""Serve stage: the live DTS 1.0 API (level 1) over the corpus as it is on disk.

Two parts.  :class:`LiveApi` answers a request (method, target, host) with an :class:`Answer`; it
watches the corpus folder, revalidates what changed and keeps serving the last valid version of
a document that became invalid.  :class:`Server` is the HTTP/1.1 front: asyncio streams, GET,
HEAD and OPTIONS only, and bounded in every way an abusive client could exploit — the time a
connection may take to send a request head (slow or idle sockets are closed), the head's size,
the number of open connections, the number and size of cached answers.

Why not an ASGI server: uvicorn (used until 1.1) never closes a connection that sends nothing,
counts such sockets against its connection limit and answers everybody else with a plain-text
503 (measured: 300 idle sockets made every honest request fail), and it has no time limit for
a request head.  The API serves a handful of fixed paths with no request bodies, so the HTTP it
needs is small enough to own (see the README's security model).

Everything the server sends is JSON in the API's error shape when it is not an answer; every
response carries ``Access-Control-Allow-Origin: *`` (a public read-only API, as DTS APIs are).
The server reads only the corpus it was started on and never fetches anything a request names.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl

from . import dts
from .errors import TeikitError, quoted
from .load import Corpus, Document
from .problems import ERROR
from .xmlutil import parse_bytes

JSON_LD = "application/ld+json"
MAX_URL = 4096  # a request target longer than this is refused (414)
MAX_HEAD = 16384  # request line and headers together (431 beyond)
HEAD_TIMEOUT = 10.0  # seconds a connection has to send a complete request head
IDLE_TIMEOUT = 5.0  # seconds a kept-alive connection may wait for its next request
MAX_CONNECTIONS = 4096  # beyond this, a new connection gets a JSON 503 with Retry-After
CACHE_ENTRIES = 4096  # answers kept (least recently used dropped)
CACHE_BYTES = 64 * 1024 * 1024
POLL_SECONDS = 0.5  # how often the corpus folder is checked for changes
_HOST = re.compile(r"(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
REASONS = {200: "OK", 204: "No Content", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed",
           413: "Content Too Large", 414: "URI Too Long", 431: "Request Header Fields Too Large",
           500: "Internal Server Error", 503: "Service Unavailable", 505: "HTTP Version Not Supported"}
CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "Link, Teikit-Problem"}


@dataclass(frozen=True)
class Answer:
    """A complete response but for the connection's own headers."""

    status: int
    body: bytes
    media_type: str = JSON_LD
    headers: tuple[tuple[str, str], ...] = ()

    def head(self, keep_alive: bool, head_only: bool) -> bytes:
        lines = [f"HTTP/1.1 {self.status} {REASONS.get(self.status, 'Error')}",
                 f"Content-Type: {self.media_type}", f"Content-Length: {len(self.body)}",
                 "Cache-Control: no-cache", *(f"{k}: {v}" for k, v in CORS.items()),
                 *(f"{k}: {v}" for k, v in self.headers)]
        if not keep_alive:
            lines.append("Connection: close")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (b"" if head_only else self.body)


def error(status: int, message: str, headers: tuple[tuple[str, str], ...] = ()) -> Answer:
    """The API's JSON error shape for any failure, the server's own included."""
    body = json.dumps(dts.DtsError(status, message).body(), ensure_ascii=False, indent=2) + "\n"
    return Answer(status, body.encode("utf-8"), JSON_LD, headers)


def _json(data: dict[str, object], headers: tuple[tuple[str, str], ...] = ()) -> Answer:
    return Answer(200, (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8"), JSON_LD, headers)


PREFLIGHT = Answer(204, b"", JSON_LD, (("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS"),
                                       ("Access-Control-Allow-Headers", "*"),
                                       ("Access-Control-Max-Age", "86400")))
ENDPOINTS = {"/api/dts": "entry", "/api/dts/": "entry", "/api/dts/collection": "collection",
             "/api/dts/navigation": "navigation", "/api/dts/document": "document"}


# ------------------------------------------------------------------------------ the live corpus

@dataclass
class _State:
    """One consistent view of the corpus: what is served, and what is wrong with what is not."""

    dc: dts.DtsCorpus
    signature: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)  # path -> document ID
    problems: dict[str, str] = field(default_factory=dict)  # document ID -> its first error
    valid: dict[str, bytes] = field(default_factory=dict)  # document ID -> its last valid file
    generation: int = 0


class LiveApi:
    """The DTS API of the corpus in ``tei_dir`` as it is now.

    ``base_url``: the edition's address (the text formats link passages to it, and the API's own
    URLs are ``BASE/api/dts`` when it is given, as behind a reverse proxy); without it the API
    names itself after the request's ``Host``.  The last valid bytes of every document are kept
    (the size of the corpus files), so that a document whose file becomes invalid can go on being
    served as it was.
    """

    def __init__(self, tei_dir: Path | None = None, base_url: str | None = None,
                 report: Callable[[str], None] | None = None) -> None:
        from .weburl import DEFAULT_BASE_URL

        first = Corpus.discover(tei_dir)
        self.root = first.root
        self.base_url = base_url
        self.text_base = base_url or DEFAULT_BASE_URL
        self.report = report or (lambda line: print(line, file=sys.stderr, flush=True))
        self.lock = threading.Lock()  # Saxon and the corpus objects are shared by worker threads
        self.state = _State(dts.DtsCorpus(first, paths={}, base_url=self.text_base))
        self.refresh()

    @staticmethod
    def _signature(corpus: Corpus) -> dict[str, tuple[int, int, int]]:
        out = {}
        for path in [*corpus.document_paths, *([corpus.register_path] if corpus.register_path else [])]:
            with contextlib.suppress(OSError):
                st = path.stat()
                out[str(path)] = (st.st_mtime_ns, st.st_size, st.st_ino)
        return out

    def refresh(self) -> bool:
        """Look at the folder; revalidate what changed; returns whether the served corpus changed.

        A changed document that is valid replaces the old one; an invalid one is reported (on
        stderr, and in a ``Teikit-Problem`` header of the answers about it, or in a 404 body if it
        has no earlier valid version) while its last valid version stays served; a deleted one
        disappears; a new one appears.  A changed register revalidates every document.
        """
        from . import validate

        try:
            corpus = Corpus.discover(self.root)
        except TeikitError as exc:  # the folder emptied or went away: keep serving what was
            self._say(f"teikit: {exc} (the corpus as it was stays served)")
            return False
        old = self.state
        signature = self._signature(corpus)
        if signature == old.signature:
            return False
        reg_key = str(corpus.register_path) if corpus.register_path else ""
        register_changed = old.signature.get(reg_key) != signature.get(reg_key)
        register = corpus.register
        if register_changed and old.signature and corpus.register_path is not None and register is not None:
            bad = [p for p in validate.register_problems(corpus.register_path, register, corpus.config)
                   if p.severity == ERROR]
            if bad:
                self._say(f"{bad[0]} (the last valid register stays in use)")
                return False
        paths: dict[str, Path] = {}
        fresh: list[Document] = []
        pinned: dict[str, Document] = {}
        problems: dict[str, str] = {}
        ids: dict[str, str] = {}
        valid: dict[str, bytes] = {}
        changed: list[str] = []
        for path in corpus.document_paths:
            key = str(path)
            previous = old.ids.get(key)
            if previous is not None and not register_changed and old.signature.get(key) == signature.get(key):
                ids[key] = previous  # unchanged: as it was, problem and all
                if previous in old.valid:
                    valid[previous] = old.valid[previous]
                if previous in old.problems:
                    problems[previous] = old.problems[previous]
                    if previous in old.valid:
                        pinned[previous] = Document(path, parse_bytes(old.valid[previous], key))
                else:
                    paths[previous] = path
                continue
            try:
                data = path.read_bytes()
            except OSError:
                continue  # gone between the listing and now: the next look will see
            found, _, doc = validate.check_and_load(path, register, lint=False)
            errors = [p for p in found if p.severity == ERROR]
            ident = doc.id if doc is not None else (previous or path.stem)
            ids[key] = ident
            if not errors and doc is not None:
                fresh.append(doc)
                paths[ident] = path
                valid[ident] = data
                changed.append(ident)
                continue
            problems[ident] = str(errors[0]) if errors else f"{path}: error cannot be read"
            if ident in old.valid:
                valid[ident] = old.valid[ident]
                pinned[ident] = Document(path, parse_bytes(old.valid[ident], key))
                self._say(f"{problems[ident]} (the last valid version of {ident} stays served)")
            else:
                self._say(f"{problems[ident]} ({ident} is not served)")
        dc = dts.DtsCorpus(corpus, paths=paths, documents=fresh[: dts.DtsCorpus.CACHE], base_url=self.text_base,
                           pinned=pinned)
        gone = sorted(set(old.ids.values()) - set(ids.values()))
        with self.lock:
            self.state = _State(dc, signature, ids, problems, valid, old.generation + 1)
        if old.signature and (changed or gone):
            names = [*changed, *(f"{g} (removed)" for g in gone)]
            self._say(f"teikit: reloaded {', '.join(names[:10])}" + ("…" if len(names) > 10 else ""))
        return True

    def _say(self, line: str) -> None:
        from .errors import visible

        self.report(visible(line))

    # -- answering

    def api_base(self, host: str) -> str:
        from .weburl import api_base

        return api_base(self.base_url) if self.base_url else f"http://{host}/api/dts"

    def answer(self, endpoint: str, query: str, host: str) -> tuple[Answer, int]:
        """The answer to a GET of ``endpoint`` with ``query``; and the generation it belongs to."""
        try:
            pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=False, encoding="utf-8",
                              errors="strict")
        except UnicodeDecodeError:
            return error(400, "the query is not UTF-8"), self.state.generation
        params: dict[str, list[str]] = {}
        for key, value in pairs:
            params.setdefault(key, []).append(value)
        with self.lock:
            state = self.state
            urls = dts.Urls(base=self.api_base(host))
            try:
                return self._answer(state, endpoint, params, urls), state.generation
            except dts.DtsError as exc:
                body = (json.dumps(exc.body(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
                return Answer(exc.status, body), state.generation
            except TeikitError as exc:
                return error(400, exc.message), state.generation

    def _answer(self, state: _State, endpoint: str, params: dict[str, list[str]], urls: dts.Urls) -> Answer:
        resource = (params.get("resource") or params.get("id") or [""])[0]
        headers: tuple[tuple[str, str], ...] = ()
        if resource in state.problems:
            if resource not in state.valid:
                raise dts.DtsError(404, f"{quoted(resource)} is not served: {state.problems[resource]}")
            headers = (("Teikit-Problem", _header_value(state.problems[resource] + " (the last valid "
                                                         "version is served)")),)
        if endpoint == "entry":
            return _json(dts.entry(urls), headers)
        if endpoint == "collection":
            return _json(dts.collection(state.dc, urls, params), headers)
        if endpoint == "navigation":
            return _json(dts.navigation(state.dc, urls, params), headers)
        result = dts.document(state.dc, urls, params, self.text_base)
        media = result.media_type + ("; charset=utf-8" if result.media_type.startswith("text/") else "")
        return Answer(200, result.body.encode("utf-8"), media, (("Link", result.link), *headers))


def _header_value(text: str) -> str:
    """A header value of printable ASCII (a problem line may quote anything)."""
    return "".join(c if " " <= c <= "~" else f"\\u{ord(c):04x}" for c in text)[:2000]


# ---------------------------------------------------------------------------------- the server

class _Cache:
    """Answers by (generation, API base, endpoint, query), least recently used dropped first, bounded
    in entries and bytes, so a flood of distinct URLs cannot grow memory."""

    def __init__(self) -> None:
        self.items: OrderedDict[tuple[int, str, str, str], Answer] = OrderedDict()
        self.size = 0

    def get(self, key: tuple[int, str, str, str]) -> Answer | None:
        found = self.items.get(key)
        if found is not None:
            self.items.move_to_end(key)
        return found

    def put(self, key: tuple[int, str, str, str], answer: Answer) -> None:
        if key in self.items or len(answer.body) > CACHE_BYTES // 16:
            return
        self.items[key] = answer
        self.size += len(answer.body)
        while len(self.items) > CACHE_ENTRIES or self.size > CACHE_BYTES:
            _, dropped = self.items.popitem(last=False)
            self.size -= len(dropped.body)


class _Refused(Exception):
    def __init__(self, answer: Answer) -> None:
        self.answer = answer


@dataclass
class _Request:
    method: str
    path: str
    query: str
    host: str
    keep_alive: bool


def parse_head(head: bytes) -> _Request:
    """The request line and headers of one request, or :class:`_Refused` with the JSON answer."""
    try:
        text = head.decode("latin-1")
        request_line, *header_lines = text[:-4].split("\r\n")
        method, target, version = request_line.split(" ")
    except ValueError:
        raise _Refused(error(400, "malformed request line")) from None
    if version not in ("HTTP/1.1", "HTTP/1.0"):
        raise _Refused(error(505 if version.startswith("HTTP/") else 400, "only HTTP/1.0 and HTTP/1.1 are spoken"))
    if not _TOKEN.fullmatch(method):
        raise _Refused(error(400, "malformed method"))
    if len(target) > MAX_URL:
        raise _Refused(error(414, "request URL too long"))
    if not target.startswith("/"):
        raise _Refused(error(400, "the request target must be a path"))
    headers: dict[str, str] = {}
    for line in header_lines:
        name, sep, value = line.partition(":")
        if not sep or not _TOKEN.fullmatch(name):  # also refuses obsolete line folding
            raise _Refused(error(400, "malformed header line"))
        lower = name.lower()
        if lower in headers and lower in ("host", "content-length", "transfer-encoding"):
            raise _Refused(error(400, f"more than one {name} header"))
        headers[lower] = value.strip(" \t")
    if "transfer-encoding" in headers or headers.get("content-length", "0") not in ("0", ""):
        raise _Refused(error(413, "requests carry no body here"))
    host = headers.get("host", "")
    if (version == "HTTP/1.1" and not host) or (host and not _HOST.fullmatch(host)):
        raise _Refused(error(400, "a valid Host header is required"))
    connection = {t.strip().lower() for t in headers.get("connection", "").split(",")}
    keep_alive = "close" not in connection if version == "HTTP/1.1" else "keep-alive" in connection
    path, _, query = target.partition("?")
    return _Request(method, path, query.partition("#")[0], host or "localhost", keep_alive)


class Server:
    """The HTTP/1.1 front of a :class:`LiveApi` (see the module docstring for its limits)."""

    def __init__(self, api: LiveApi) -> None:
        self.api = api
        self.cache = _Cache()
        self.connections = 0
        self.server: asyncio.base_events.Server | None = None
        self.watcher: asyncio.Task[None] | None = None

    async def start(self, host: str, port: int) -> int:
        """Listen (a backlog for bursts); returns the port (useful with port 0)."""
        self.server = await asyncio.start_server(self._connection, host, port, limit=MAX_HEAD, backlog=4096,
                                                 reuse_address=True)
        self.watcher = asyncio.get_running_loop().create_task(self._watch())
        return int(self.server.sockets[0].getsockname()[1])

    async def close(self) -> None:
        """Stop watching and listening (open connections end with their requests)."""
        if self.watcher is not None:
            self.watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.watcher
        if self.server is not None:
            self.server.close()

    async def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(POLL_SECONDS)
            try:
                await loop.run_in_executor(None, self.api.refresh)
            except Exception as exc:  # the watcher must outlive any one bad moment on disk
                self.api._say(f"teikit: could not reload the corpus: {exc}")

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            if self.connections > MAX_CONNECTIONS:
                writer.write(error(503, "too many connections; retry shortly",
                                   (("Retry-After", "1"),)).head(False, False))
                return
            await self._serve(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, TimeoutError):
            pass
        finally:
            self.connections -= 1
            with contextlib.suppress(Exception):
                writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        first = True
        while True:
            try:
                # A complete head within the limit, however slowly it trickles: partial data does
                # not extend the time (a slow sender is closed like an idle one).
                async with asyncio.timeout(HEAD_TIMEOUT if first else IDLE_TIMEOUT):
                    head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.LimitOverrunError:
                writer.write(error(431, "request head too large").head(False, False))
                return
            except asyncio.IncompleteReadError as exc:
                if exc.partial.strip():
                    writer.write(error(400, "incomplete request").head(False, False))
                return
            first = False
            try:
                request = parse_head(head)
            except _Refused as refused:
                writer.write(refused.answer.head(False, False))
                return
            answer = await self._respond(request)
            writer.write(answer.head(request.keep_alive, request.method == "HEAD"))
            if writer.transport.get_write_buffer_size() > 1 << 20:
                await writer.drain()
            if not request.keep_alive:
                await writer.drain()
                return

    async def _respond(self, request: _Request) -> Answer:
        if request.method == "OPTIONS":
            return PREFLIGHT
        if request.method not in ("GET", "HEAD"):
            return error(405, "only GET, HEAD and OPTIONS are supported", (("Allow", "GET, HEAD, OPTIONS"),))
        endpoint = ENDPOINTS.get(request.path)
        if endpoint is None:
            return error(404, "no such endpoint; the API is at /api/dts")
        key = (self.api.state.generation, self.api.api_base(request.host), endpoint, request.query)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        loop = asyncio.get_running_loop()
        try:
            answer, generation = await loop.run_in_executor(None, self.api.answer, endpoint, request.query,
                                                            request.host)
        except Exception as exc:  # a bug: the client gets JSON, the operator the cause
            self.api._say(f"teikit: unexpected error answering {request.path}: {exc!r}")
            return error(500, "the request could not be answered")
        if generation == key[0]:
            self.cache.put(key, answer)
        return answer


def _raise_file_limit() -> None:
    """Let the server hold as many sockets as its connection limit (the soft limit is often 1024)."""
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        wanted = MAX_CONNECTIONS + 256
        if soft != resource.RLIM_INFINITY and soft < wanted:
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard) if hard != resource.RLIM_INFINITY
                                                        else wanted, hard))


async def _main(api: LiveApi, host: str, port: int, ready: Callable[[int], None] | None) -> int | None:
    """Serve until SIGINT or SIGTERM; returns the signal.  The loop takes the signals itself, so an
    interrupt never lands inside a request's code (where it would be logged as that request's
    failure) and the listening socket is closed before the command reports it."""
    import signal

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    received: list[int] = []

    def stopping(signum: int) -> None:
        received.append(signum)
        stop.set()

    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not in the main thread
            loop.add_signal_handler(signum, stopping, signum)
    server = Server(api)
    bound = await server.start(host, port)
    if ready is not None:
        ready(bound)
    await stop.wait()
    await server.close()
    return received[0] if received else None


def run(tei_dir: Path | None, host: str, port: int, base_url: str | None = None,
        ready: Callable[[int], None] | None = None) -> None:
    """Serve the corpus in ``tei_dir`` on ``host:port`` (loopback by default) until interrupted;
    then raise the interrupt (:class:`KeyboardInterrupt` or :class:`~teikit.errors.Terminated`)."""
    import signal

    from .errors import RECEIVED_SIGNALS, Terminated

    _raise_file_limit()
    api = LiveApi(tei_dir, base_url)
    received = asyncio.run(_main(api, host, port, ready))
    if received is not None:
        RECEIVED_SIGNALS.append(received)
        raise Terminated() if received == signal.SIGTERM else KeyboardInterrupt()


@contextlib.contextmanager
def running(tei_dir: Path | None, base_url: str | None = None, host: str = "127.0.0.1",
            report: Callable[[str], None] | None = None) -> Iterator[str]:
    """The server in a background thread on a free port; yields its origin (for tests and tools)."""
    api = LiveApi(tei_dir, base_url, report=report or (lambda line: None))
    loop = asyncio.new_event_loop()
    started = threading.Event()
    box: dict[str, int] = {}

    async def main() -> None:
        server = Server(api)
        box["port"] = await server.start(host, 0)
        started.set()
        await stop.wait()
        await server.close()

    thread = threading.Thread(target=lambda: loop.run_until_complete(main()), daemon=True)
    stop = asyncio.Event()
    thread.start()
    if not started.wait(60):
        raise RuntimeError("the server did not start")
    try:
        yield f"http://{host}:{box['port']}"
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=10)
        loop.close()

