"""The live DTS server under honest load and under abuse, on loopback (issue 14, point 5).

Starts ``teikit serve`` (a free port on 127.0.0.1) and measures, against the targets:
1. throughput and p99 of Navigation and Document answers at 64 concurrent clients (wrk, from
   Debian's ``wrk`` package; without it, this script's own asyncio client, which is slower than
   the server and says so): target >= 2,000 requests/s, p99 < 100 ms;
2. honest requests while 300 idle and 20 slow-sending sockets are held (reopened whenever the
   server closes one) for 30 s: target every one answered 200, p99 < 250 ms;
3. a burst of 1,000 concurrent connections: target every one answered, no 5xx;
4. the server's resident memory over 20,000 mixed requests (valid and invalid, many distinct
   URLs): target growth < 10 %.
Bounded in count and time; nothing leaves loopback.

Usage: python benchmarks/bench_serve.py [--seconds 30] [--duration 10]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from httpload import burst, hold_abusive_sockets, load, percentile  # noqa: E402

DOC = "deutscher-1959-khrushchev-mao"
NAV = f"/api/dts/navigation?resource={DOC}&ref=p12&down=1"
DOCUMENT = f"/api/dts/document?resource={DOC}&ref=p12"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_kib(pid: int) -> int:
    text = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"VmRSS:\s+(\d+) kB", text)
    return int(match.group(1)) if match else 0


def wrk(url: str, seconds: int) -> tuple[float, float] | None:
    if shutil.which("wrk") is None:
        return None
    out = subprocess.run(["wrk", "-t1", "-c64", f"-d{seconds}s", "--latency", url], capture_output=True,
                         text=True, timeout=seconds + 60).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    assert p99 is not None and "Non-2xx" not in out, out
    scale = {"us": 1e-3, "ms": 1.0, "s": 1e3}[p99.group(2)]
    return rate, float(p99.group(1)) * scale


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=30.0, help="how long the abusive sockets are held")
    parser.add_argument("--duration", type=int, default=10, help="seconds per throughput run")
    args = parser.parse_args()
    port = free_port()
    teikit = Path(sys.executable).parent / "teikit"
    proc = subprocess.Popen([str(teikit), "serve", "--tei-dir", str(ROOT / "tei"), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    host = "127.0.0.1"
    rows: list[tuple[str, str, str]] = []
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection((host, port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None, "server did not start"
                time.sleep(0.1)
        asyncio.run(load(host, port, [NAV, DOCUMENT] * 50, clients=4))  # warm: compiled and cached
        for name, path in (("Navigation", NAV), ("Document", DOCUMENT)):
            measured = wrk(f"http://{host}:{port}{path}", args.duration)
            if measured is None:
                results = asyncio.run(load(host, port, [path] * 20000, clients=64, seconds=args.duration * 3))
                took = sum(r.seconds for r in results) / 64
                measured = (len(results) / took, percentile([r.seconds for r in results], 0.99) * 1000)
                name += " (wrk not installed: this script's client, slower than the server)"
            rate, p99 = measured
            ok = rate >= 2000 and p99 < 100
            rows.append((f"{name}, 64 clients", f"{rate:,.0f} req/s, p99 {p99:.1f} ms",
                         "met" if ok else "NOT met (>= 2,000 req/s, p99 < 100 ms)"))

        async def abused() -> tuple[tuple[int, int], list[float], list[int]]:
            abuse = asyncio.ensure_future(hold_abusive_sockets(host, port, idle=300, slow=20, seconds=args.seconds))
            await asyncio.sleep(1.0)
            honest: list[float] = []
            statuses: list[int] = []
            end = time.monotonic() + args.seconds - 2
            while time.monotonic() < end:
                for r in await load(host, port, [NAV, DOCUMENT, "/api/dts"] * 10, clients=3, seconds=10):
                    honest.append(r.seconds)
                    statuses.append(r.status)
                await asyncio.sleep(0.05)
            return await abuse, honest, statuses

        (closed_idle, closed_slow), honest, statuses = asyncio.run(abused())
        p99 = percentile(honest, 0.99) * 1000
        ok = statuses.count(200) == len(statuses) and p99 < 250
        rows.append((f"honest requests while 300 idle + 20 slow sockets are held {args.seconds:.0f} s",
                     f"{len(statuses):,} requests, {statuses.count(200):,} × 200, p99 {p99:.1f} ms; the server "
                     f"closed {closed_idle:,} idle and {closed_slow:,} slow sockets",
                     "met" if ok else "NOT met (all 200, p99 < 250 ms)"))

        results = asyncio.run(burst(host, port, NAV, 1000, seconds=120))
        codes = [r.status for r in results]
        fives = sum(c >= 500 for c in codes)
        rows.append(("burst of 1,000 concurrent connections",
                     f"{len(codes):,} answered, {codes.count(200):,} × 200, {fives} × 5xx, "
                     f"slowest {max(r.seconds for r in results) * 1000:.0f} ms",
                     "met" if len(codes) == 1000 and fives == 0 else "NOT met"))

        rng = random.Random(14)
        mixed = [rng.choice([NAV, DOCUMENT, "/api/dts", f"/api/dts/collection?id={DOC}",
                             f"/api/dts/navigation?resource={DOC}&ref=p{rng.randint(1, 40)}&down={rng.choice('01')}",
                             f"/api/dts/document?resource={DOC}&ref=x{rng.randint(0, 10**9)}",
                             f"/nowhere/{rng.randint(0, 10**9)}"]) for _ in range(20000)]
        asyncio.run(load(host, port, mixed[:2000], clients=16))
        before = rss_kib(proc.pid)
        asyncio.run(load(host, port, mixed, clients=16, seconds=300))
        after = rss_kib(proc.pid)
        growth = (after - before) / before * 100
        rows.append(("resident memory over 20,000 mixed requests (after 2,000 to warm up)",
                     f"{before / 1024:.1f} → {after / 1024:.1f} MiB ({growth:+.1f} %)",
                     "met" if growth < 10 else "NOT met (< 10 %)"))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    print("| measure | result | target |")
    print("|---|---|---|")
    for row in rows:
        print(f"| {row[0]} | {row[1]} | {row[2]} |")


if __name__ == "__main__":
    main()
