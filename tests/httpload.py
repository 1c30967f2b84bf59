"""A small HTTP/1.1 load client on asyncio sockets, for the server tests and the server benchmark.

It speaks only what it needs (GET with keep-alive, Content-Length bodies) and records, per request,
the status and the latency; idle and slow-sending sockets are opened the way an abusive client
would.  Every loop is bounded by a count and a deadline.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass


@dataclass
class Result:
    status: int
    seconds: float
    headers: dict[str, str]
    body: bytes


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers, body


async def _client(host: str, port: int, paths: list[str], out: list[Result], deadline: float) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        for path in paths:
            if time.monotonic() > deadline:
                break
            start = time.perf_counter()
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
            try:
                status, headers, body = await _read_response(reader)
            except (asyncio.IncompleteReadError, ConnectionError):  # closed: reconnect once
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
                writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
                status, headers, body = await _read_response(reader)
            out.append(Result(status, time.perf_counter() - start, headers, body))
    finally:
        writer.close()


async def load(host: str, port: int, paths: list[str], clients: int, seconds: float = 60) -> list[Result]:
    """``paths`` spread over ``clients`` keep-alive connections, all at once; every answer."""
    out: list[Result] = []
    deadline = time.monotonic() + seconds
    shares = [paths[i::clients] for i in range(clients)]
    await asyncio.gather(*(_client(host, port, share, out, deadline) for share in shares if share))
    return out


async def burst(host: str, port: int, path: str, count: int, seconds: float = 60) -> list[Result]:
    """``count`` connections opened at once, one request each (no keep-alive)."""
    async def one() -> Result:
        start = time.perf_counter()
        reader, writer = await asyncio.open_connection(host, port)
        try:
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode())
            status, headers, body = await _read_response(reader)
            return Result(status, time.perf_counter() - start, headers, body)
        finally:
            writer.close()

    return list(await asyncio.wait_for(asyncio.gather(*(one() for _ in range(count))), seconds))


async def hold_abusive_sockets(host: str, port: int, idle: int, slow: int, seconds: float) -> tuple[int, int]:
    """Keep ``idle`` sockets that send nothing and ``slow`` ones that send a request head one byte a
    second open for ``seconds`` (each reopened when the server closes it, as an attacker would);
    returns how many times the server closed an idle and a slow one."""
    closed = [0, 0]
    end = time.monotonic() + seconds

    async def idler() -> None:
        while time.monotonic() < end:
            reader, writer = await asyncio.open_connection(host, port)
            try:
                await asyncio.wait_for(reader.read(1 << 16), max(0.01, end - time.monotonic()))
                closed[0] += 1  # read returned: the server closed it (or answered)
            except (TimeoutError, ConnectionError):
                pass
            finally:
                writer.close()

    async def dribbler() -> None:
        head = f"GET /api/dts HTTP/1.1\r\nHost: {host}\r\nX-Slow: " + "a" * 1000
        while time.monotonic() < end:
            reader, writer = await asyncio.open_connection(host, port)
            try:
                for char in head:
                    if time.monotonic() > end:
                        return
                    writer.write(char.encode())
                    await writer.drain()
                    try:
                        await asyncio.wait_for(reader.read(1 << 16), 1.0)
                        closed[1] += 1
                        break
                    except TimeoutError:
                        continue
            except ConnectionError:
                closed[1] += 1
            finally:
                writer.close()

    await asyncio.gather(*(idler() for _ in range(idle)), *(dribbler() for _ in range(slow)))
    return closed[0], closed[1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0
