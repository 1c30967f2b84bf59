"""Serve stage: the live DTS 1.0 API (level 1) as an ASGI application, run by uvicorn.

The application reads only the corpus it was started on; it never fetches anything a request
names.  Every failure is a JSON error with a 4xx status; a request that is too long, uses a method
other than GET/HEAD or a path outside the API is refused the same way.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from . import dts
from .errors import TeikitError
from .load import Corpus
from .weburl import DEFAULT_BASE_URL

JSON_LD = "application/ld+json"
LOG = logging.getLogger("teikit.serve")
MAX_URL = 4096


def _json(body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body, ensure_ascii=False, indent=2) + "\n", status_code=status,
                    media_type=JSON_LD, headers=headers)


def _error(status: int, message: str) -> Response:
    return _json(dts.DtsError(status, message).body(), status)


class _Guard:
    """Refuse oversized and non-GET requests before routing; turn any escaped error into JSON."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = scope.get("raw_path") or b""
        query = scope.get("query_string") or b""
        if len(raw) + len(query) > MAX_URL:
            await _error(414, "request URL too long")(scope, receive, send)
            return
        if scope.get("method") not in ("GET", "HEAD"):
            await _error(405, "only GET and HEAD are supported")(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        except Exception:
            # The last line of defence: the client gets a JSON error, not a traceback page; the
            # operator gets the traceback in the server log, because this is a bug to fix.
            LOG.exception("unexpected error answering %s", scope.get("path"))
            await _error(400, "the request could not be answered")(scope, receive, send)


def create_app(tei_dir: Path | None = None, base_url: str = DEFAULT_BASE_URL) -> Starlette:
    """The DTS application for the corpus in ``tei_dir`` (default ./tei or the bundled edition)."""
    corpus = Corpus.discover(tei_dir)
    dc = dts.DtsCorpus(corpus)
    urls = dts.Urls()
    lock = threading.Lock()  # Saxon and the corpus cache are shared by the worker threads

    def params(request: Request) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for key, value in request.query_params.multi_items():
            out.setdefault(key, []).append(value)
        return out

    def endpoint(fn: Callable[[Request], Response]) -> Callable[[Request], Awaitable[Response]]:
        async def handler(request: Request) -> Response:
            from starlette.concurrency import run_in_threadpool

            def run() -> Response:
                try:
                    with lock:
                        return fn(request)
                except dts.DtsError as exc:
                    return _json(exc.body(), exc.status)
                except TeikitError as exc:
                    return _error(400, exc.message)
            return await run_in_threadpool(run)
        return handler

    def entry(request: Request) -> Response:
        return _json(dts.entry(urls))

    def collection(request: Request) -> Response:
        return _json(dts.collection(dc, urls, params(request)))

    def navigation(request: Request) -> Response:
        return _json(dts.navigation(dc, urls, params(request)))

    def document(request: Request) -> Response:
        result = dts.document(dc, urls, params(request), base_url)
        media = result.media_type + ("; charset=utf-8" if result.media_type.startswith("text/") else "")
        return Response(result.body, media_type=media, headers={"Link": result.link})

    async def not_found(request: Request, exc: Exception) -> Response:
        return _error(404, "no such endpoint; the API is at /api/dts")

    async def method_not_allowed(request: Request, exc: Exception) -> Response:
        return _error(405, "only GET and HEAD are supported")

    routes = [
        Route("/api/dts", endpoint(entry), methods=["GET", "HEAD"]),
        Route("/api/dts/", endpoint(entry), methods=["GET", "HEAD"]),
        Route("/api/dts/collection", endpoint(collection), methods=["GET", "HEAD"]),
        Route("/api/dts/navigation", endpoint(navigation), methods=["GET", "HEAD"]),
        Route("/api/dts/document", endpoint(document), methods=["GET", "HEAD"]),
    ]
    return Starlette(routes=routes, middleware=[Middleware(_Guard)],
                     exception_handlers={404: not_found, 405: method_not_allowed})


def run(tei_dir: Path | None, host: str, port: int, base_url: str = DEFAULT_BASE_URL) -> None:
    """Start uvicorn on ``host:port`` (loopback by default)."""
    import uvicorn

    app = create_app(tei_dir, base_url)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False,
                limit_concurrency=256, timeout_keep_alive=5)
