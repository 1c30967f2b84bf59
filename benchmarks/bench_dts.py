"""Bounded load test of the live DTS API on loopback: requests per second and latency percentiles.

Starts ``teikit serve`` on 127.0.0.1 (a free port), then runs CONCURRENCY asynchronous clients
that together send REQUESTS requests to one endpoint, for Navigation and for Document, and stops
the server.  Bounded in count and time; it sends nothing anywhere but loopback.

Usage: python benchmarks/bench_dts.py [--requests 2000] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
DOC = "deutscher-1959-khrushchev-mao"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def run(
    base: str, paths: list[str], requests: int, concurrency: int, limit_s: float
) -> tuple[float, list[float]]:
    latencies: list[float] = []
    queue = [random.choice(paths) for _ in range(requests)]
    deadline = time.perf_counter() + limit_s

    async def worker(client: httpx.AsyncClient) -> None:
        while queue and time.perf_counter() < deadline:
            path = queue.pop()
            t = time.perf_counter()
            r = await client.get(path)
            latencies.append(time.perf_counter() - t)
            assert r.status_code == 200, (path, r.status_code)

    start = time.perf_counter()
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    return time.perf_counter() - start, latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60.0, help="hard limit per endpoint")
    args = parser.parse_args()
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "teikit.cli", "serve", "--tei-dir", str(ROOT / "tei"),
                               "--port", str(port)],
                              cwd=ROOT, env={**os.environ}, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(base + "/api/dts", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        refs = [f"p{i}" for i in range(1, 32)] + [f"s{i}" for i in range(1, 7)]
        cases = {
            "navigation": [f"/api/dts/navigation?resource={DOC}&ref={r}&down=1" for r in refs]
            + [f"/api/dts/navigation?resource={DOC}&down=-1"],
            "document": [f"/api/dts/document?resource={DOC}&ref={r}" for r in refs],
        }
        print(f"{args.requests} requests per endpoint, {args.concurrency} concurrent clients, loopback")
        for name, paths in cases.items():
            asyncio.run(run(base, paths, 50, 4, 10))  # warm up
            elapsed, lat = asyncio.run(run(base, paths, args.requests, args.concurrency, args.seconds))
            lat.sort()
            p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
            print(f"{name:11s} {len(lat) / elapsed:8.1f} req/s   p50 {statistics.median(lat) * 1000:7.1f} ms"
                  f"   p99 {p99 * 1000:7.1f} ms   ({len(lat)} requests in {elapsed:.1f} s)")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
