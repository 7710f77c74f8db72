#!/usr/bin/env python3
"""Load on loopback, bounded in time: the API under gunicorn next to a bare Flask app.

    .venv/bin/python scripts/bench/bench_load.py [--seconds 10] [--clients 16]
        [--upload-rate 1] [--upload-seconds 60]     # --upload-seconds 300: "several minutes"

Starts FerretDB (scripts/mongo-server), the model service and the API under their gunicorn
configs (docker/api/gunicorn.conf.py for the API and, unchanged, for the hello app), then:
1. reads: GET /hello (bare Flask), GET /api/v1/profiles/{handle} and GET /api/v1/me, each for
   --seconds with --clients keep-alive connections (2 processes x threads); requests/s, p50,
   p99, each API figure also as a ratio to the hello app's measured in the same run;
2. uploads: PUT /api/v1/me/avatar at a steady --upload-rate for --upload-seconds (each
   account has one upload in flight at most); errors, latency and the resident memory of the
   API and model workers every 10 s; the latency also as a ratio to a full Pillow decode of
   the uploaded pictures, measured in the same run.
The client shares the machine with the servers: numbers are relative, not capacity.
Prints; never fails on timings.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts" / "bench"))

from benchlib import free_port, percentile, pillow_decode, say, stop, timed  # noqa: E402

from tests.topology.servers import mongo_server  # noqa: E402
from tests.utils.images import encode, photo  # noqa: E402

API_CONF = ROOT / "docker" / "api" / "gunicorn.conf.py"
MODELS_CONF = ROOT / "backend" / "portrait_models" / "gunicorn.conf.py"
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
ACCOUNTS = 24


def start(argv: list[str], env: dict[str, str], ready_url: str) -> subprocess.Popen:
    process = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        with contextlib.suppress(requests.RequestException):
            if requests.get(ready_url, timeout=5).ok:
                return process
        time.sleep(0.3)
    stop(process)
    raise RuntimeError(f"{argv} never answered {ready_url}")


def gunicorn_env(port: int, **extra: str) -> dict[str, str]:
    return {**os.environ, "GUNICORN_BIND": f"127.0.0.1:{port}", "LOG_LEVEL": "WARNING", **extra}


def start_servers(stack: contextlib.ExitStack, mongo_port: int) -> dict[str, object]:
    ports = {name: free_port() for name in ("models", "api", "hello")}
    models_env = {**os.environ, "MODELS_HOST": "127.0.0.1", "MODELS_PORT": str(ports["models"])}
    models_url = f"http://127.0.0.1:{ports['models']}"
    models = start(
        [GUNICORN, "-c", str(MODELS_CONF), "portrait_models:create_app()"],
        models_env,
        models_url + "/readyz",
    )
    stack.callback(stop, models)
    api_env = gunicorn_env(
        ports["api"],
        PORTRAIT_ENV="production",
        SECRET_KEY=uuid.uuid4().hex * 2,
        MONGO_URI=f"mongodb://127.0.0.1:{mongo_port}/bench_{uuid.uuid4().hex[:8]}",
        MODELS_URL=models_url,
        WEB_DIST=str(ROOT / "nonexistent"),
        **{
            f"RATELIMIT_{k}": "1000000 per minute" for k in ("SIGNUP", "LOGIN", "REFRESH", "AVATAR")
        },
    )
    api_url = f"http://127.0.0.1:{ports['api']}"
    api = start(
        [GUNICORN, "-c", str(API_CONF), "portrait:create_app()"], api_env, api_url + "/readyz"
    )
    stack.callback(stop, api)
    hello_url = f"http://127.0.0.1:{ports['hello']}"
    hello_argv = [GUNICORN, "-c", str(API_CONF), "--chdir", str(ROOT / "scripts/bench")]
    hello = start(
        [*hello_argv, "hello_app:app"], gunicorn_env(ports["hello"]), hello_url + "/hello"
    )
    stack.callback(stop, hello)
    return {"api": api_url, "hello": hello_url, "pids": {"api": api.pid, "models": models.pid}}


def signup_accounts(api: str) -> list[dict]:
    accounts = []
    for n in range(ACCOUNTS):
        handle = f"load_{n}_{uuid.uuid4().hex[:6]}"
        body = {
            "email": f"{handle}@example.com",
            "password": "load test password",
            "handle": handle,
            "display_name": f"Load {n}",
        }
        response = requests.post(f"{api}/api/v1/auth/signup", json=body, timeout=30)
        response.raise_for_status()
        accounts.append({"handle": handle, "token": response.json()["access_token"]})
    return accounts


def _client(args: tuple) -> list[tuple[float, int]]:
    """One process: `threads` keep-alive connections, each requesting until the deadline."""
    base, requests_list, threads, deadline = args
    host, port = base.removeprefix("http://").split(":")
    results: list[tuple[float, int]] = []

    def loop(index: int) -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        n = index
        while time.time() < deadline:
            path, headers = requests_list[n % len(requests_list)]
            n += threads
            start = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection(host, int(port), timeout=30)
                status = 0
            results.append((time.perf_counter() - start, status))
        connection.close()

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(loop, range(threads)))
    return results


def run_reads(
    name: str, base: str, paths: list, clients: int, seconds: float, baseline=None
) -> tuple[float, float]:
    """Requests/s and p50 seconds; with `baseline` (the hello app's), their ratios too."""
    processes = 2
    deadline = time.time() + seconds
    jobs = [(base, paths, clients // processes, deadline)] * processes
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        results = [r for chunk in pool.map(_client, jobs) for r in chunk]
    times = sorted(t for t, _ in results)
    errors = sum(1 for _, status in results if status != 200)
    rps, p50 = len(results) / seconds, percentile(times, 0.5)
    say(
        f"{name:26} {rps:8.0f} req/s   p50 {p50 * 1000:6.1f} ms   "
        f"p99 {percentile(times, 0.99) * 1000:6.1f} ms   errors {errors}/{len(results)}"
    )
    if baseline:
        say(f"{'':26} = {rps / baseline[0]:.3f} x hello's req/s, p50 {p50 / baseline[1]:.1f} x")
    return rps, p50


def rss_mb(master_pid: int) -> float:
    """Resident memory of a gunicorn master's workers (its child processes), in MB."""
    total = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        with contextlib.suppress(OSError):
            stat = Path(f"/proc/{pid}/stat").read_text()
            if int(stat.rsplit(")", 1)[1].split()[1]) == master_pid:
                status = Path(f"/proc/{pid}/status").read_text()
                total += int(
                    next(x for x in status.splitlines() if x.startswith("VmRSS")).split()[1]
                )
    return total / 1024


def run_uploads(servers: dict, accounts: list[dict], rate: float, seconds: float) -> None:
    pictures = [encode(photo((1024, 768), seed=n), "JPEG", quality=88) for n in range(8)]

    results: list[tuple[float, int]] = []
    busy = {a["handle"]: threading.Lock() for a in accounts}
    session = requests.Session()

    def one(n: int) -> None:
        account = accounts[n % len(accounts)]
        with busy[account["handle"]]:
            start = time.perf_counter()
            try:
                status = session.put(
                    f"{servers['api']}/api/v1/me/avatar",
                    data=pictures[n % len(pictures)],
                    headers={
                        "Authorization": f"Bearer {account['token']}",
                        "Content-Type": "image/jpeg",
                    },
                    timeout=60,
                ).status_code
            except requests.RequestException:
                status = 0
            results.append((time.perf_counter() - start, status))

    pids = servers["pids"]
    say(f"== uploads: {rate:g}/s for {seconds:g} s (1024x768 JPEG, real model service)")
    say("   t (s)   done  errors   API workers RSS (MB)   model workers RSS (MB)")
    start, n, next_sample = time.monotonic(), 0, 0.0
    with ThreadPoolExecutor(32) as pool:
        while (elapsed := time.monotonic() - start) < seconds:
            if elapsed >= next_sample:
                bad = sum(1 for _, s in results if s != 200)
                say(
                    f"   {elapsed:5.0f}  {len(results):5}  {bad:6}   {rss_mb(pids['api']):20.0f}"
                    f"   {rss_mb(pids['models']):22.0f}"
                )
                next_sample += 10
            if n < elapsed * rate:
                pool.submit(one, n)
                n += 1
            time.sleep(0.005)
    times = sorted(t for t, _ in results)
    codes: dict[int, int] = {}
    for _, status in results:
        codes[status] = codes.get(status, 0) + 1
    say(f"   end    {len(results):5}  statuses {codes}   API RSS {rss_mb(pids['api']):.0f} MB")
    # the reference right after the uploads, under the same neighbours
    reference = statistics.median(timed(lambda: pillow_decode(pictures[0]), 20))
    if times:
        p50, p99 = percentile(times, 0.5), percentile(times, 0.99)
        say(
            f"   upload latency p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms"
            f"   = {p50 / reference:.1f} / {p99 / reference:.1f} x decode"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10, help="each read scenario")
    parser.add_argument("--clients", type=int, default=16, help="concurrent connections")
    parser.add_argument("--upload-rate", type=float, default=1.0, help="uploads per second")
    parser.add_argument("--upload-seconds", type=float, default=60, help="upload phase length")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack, tempfile.TemporaryDirectory() as data:
        mongo_port = stack.enter_context(mongo_server(Path(data)))
        servers = start_servers(stack, mongo_port)
        accounts = signup_accounts(servers["api"])
        say(
            f"== reads: {args.clients} connections x {args.seconds:g} s each "
            f"(API: {os.cpu_count()} cores, gunicorn config {API_CONF.relative_to(ROOT)})"
        )
        hello = run_reads(
            "GET /hello (bare Flask)",
            servers["hello"],
            [("/hello", {})],
            args.clients,
            args.seconds,
        )
        profiles = [(f"/api/v1/profiles/{a['handle']}", {}) for a in accounts]
        run_reads(
            "GET /profiles/{handle}", servers["api"], profiles, args.clients, args.seconds, hello
        )
        mine = [("/api/v1/me", {"Authorization": f"Bearer {a['token']}"}) for a in accounts]
        run_reads("GET /me (signed in)", servers["api"], mine, args.clients, args.seconds, hello)
        run_uploads(servers, accounts, args.upload_rate, args.upload_seconds)


if __name__ == "__main__":
    main()
