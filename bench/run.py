"""Lattice against its peers: one command, one table (see bench/README.md).

    .venv/bin/python bench/run.py [--scale 1] [--growth-scale 5] [--duration 5]

Generates (or reuses) the synthetic database on 127.0.0.1 and serves, side by side:
Lattice cold (gunicorn, 2 workers, every cache off), Lattice through the shared HTTP
cache it ships (Debian's nginx with deploy/nginx-cache.conf.template), the floor
(bench/floor.py, same workers) and Datasette (bench/datasette.py, one process, the same
directory exported to SQLite with FTS5). Drives each endpoint of each with wrk and prints
requests/s, p99, CPU milliseconds per request (server and database) and the ratios; then
Lattice cold at the growth scale, query counts at both scales, response sizes with and
without compression, and a cProfile of every endpoint that misses a target.
"""

import argparse
import contextlib
import datetime
import gzip
import json
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import datasette, processes, proxy, records

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PG = "postgres://postgres@127.0.0.1:5432"
LATTICE_PORT, FLOOR_PORT, DATASETTE_PORT, PROXY_PORT = 8711, 8712, 8713, 8714
AS_OF = "2012-06-30"
LOGS = ROOT / "bench" / "logs"
PROFILES = ROOT / "bench" / "profiles"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# Targets of issue #16 for the cold path (no cache of any kind).
LISTS = {
    "institutions by jurisdiction",
    "search (20 hits)",
    "largest network members (1000/page)",
    "largest network as of 2012 (1000/page)",
}


def targets(label: str) -> tuple[float, float]:
    """(Lattice cold ÷ Datasette, Lattice cold ÷ floor) that the endpoint must reach."""
    return (3.0 if label in LISTS else 1.0), (0.3 if label.startswith("HTML") else 0.5)


def database_name(scale: float) -> str:
    return "lattice_bench" if scale == 1 else f"lattice_bench_{f'{scale:g}'.replace('.', '_')}"


def prepare(scale: float) -> str:
    name = database_name(scale)
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    url = f"{PG}/{name}"
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [PY, "manage.py", "generate_synthetic", "--scale", str(scale), "--reuse"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return url


def endpoints(url: str) -> list[tuple[str, str]]:
    """(label, Lattice path) for every measured endpoint; the floor serves the same paths."""
    chosen = records.benchmarked(url)
    largest, small, one = chosen.largest, chosen.small, chosen.institution
    jslug, jcode = chosen.jurisdiction_slug, chosen.jurisdiction_code
    members = f"/api/v1/networks/{largest}/members/"
    return [
        ("institutions by jurisdiction", f"/api/v1/institutions/?jurisdiction={jcode}"),
        ("one institution", f"/api/v1/institutions/{one}/"),
        ("search (20 hits)", "/api/v1/institutions/?search=securities+authority&page_size=20"),
        ("largest network members (1000/page)", f"{members}?page_size=1000"),
        ("~30-member network members", f"/api/v1/networks/{small}/members/"),
        ("largest network as of 2012 (1000/page)", f"{members}?as_of={AS_OF}&page_size=1000"),
        ("HTML network page (largest)", f"/networks/{largest}/"),
        ("HTML jurisdiction page (largest)", f"/jurisdictions/{jslug}/"),
        # The whole lattice at scale 1 links 2,000 networks by millions of shared-member
        # pairs: the question a reader asks is one sector's lattice.
        ("lattice graph JSON (finance)", "/api/v1/lattice/?sector=finance"),
    ]


# Servers -----------------------------------------------------------------------------------


def serve(app: str, port: int, env: dict, log: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [GUNICORN, "-w", "2", "-b", f"127.0.0.1:{port}", "--timeout", "120", app],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/", timeout=2)
            break
        except urllib.error.HTTPError:
            break
        except OSError:
            time.sleep(0.2)
    return process


def stop(process: subprocess.Popen) -> None:
    # SIGINT: gunicorn's quick shutdown (SIGTERM waits for busy workers).
    processes.stop(process, signal.SIGINT)


def lattice_env(url: str, *, response_cache: bool) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "CONN_MAX_AGE": "600",
        "ALLOWED_HOSTS": "127.0.0.1",
        "API_ANON_RATE": "100000000/minute",
        "LOG_LEVEL": "WARNING",
        "CACHE_RESPONSE_SECONDS": "600" if response_cache else "0",
        "CACHE_URL": "redis://127.0.0.1:6379/9",
    }


# Measuring ---------------------------------------------------------------------------------


def tree(pid: int) -> list[int]:
    """A process and all its descendants."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            with contextlib.suppress(OSError):
                todo += [int(child) for child in (task / "children").read_text().split()]
    return found


def postgres_pids() -> list[int]:
    """Every PostgreSQL server process (the backends serving the apps among them)."""
    try:
        uid = pwd.getpwnam("postgres").pw_uid
    except KeyError:
        return []
    return [
        int(entry.name)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and _owner(entry) == uid
    ]


def _owner(entry: Path) -> int | None:
    try:
        return entry.stat().st_uid
    except OSError:
        return None


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime
    return seconds


def spent(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(value - before.get(pid, 0.0) for pid, value in after.items())


def fetch(port: int, path: str, timeout: int = 180, **headers) -> tuple[int, bytes, dict]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:
            return r.status, r.read(), dict(r.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)
    except OSError:
        return 0, b"", {}


def wrk(port: int, path: str, duration: int, server: int | None) -> dict:
    """wrk against one path; with `server` (a pid), the CPU its process tree and the
    database spent per completed request."""
    pids = tree(server) if server else []
    before_app, before_db = cpu_seconds(pids), cpu_seconds(postgres_pids())
    out = subprocess.run(
        ["wrk", "-t2", "-c8", f"-d{duration}s", "--timeout", "30s", "--latency",
         f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, timeout=duration + 60,
    ).stdout  # fmt: skip
    app = spent(before_app, cpu_seconds(pids))
    db = spent(before_db, cpu_seconds(postgres_pids()))

    def ms(label: str) -> float:
        match = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not match:
            return float("nan")
        return float(match[1]) * {"us": 0.001, "ms": 1, "s": 1000}[match[2]]

    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    count = re.search(r"(\d+) requests in", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    requests = int(count[1]) if count else 0
    # Wait (bounded) until the workers have finished what wrk left queued.
    fetch(port, "/", timeout=180)
    return {
        "rps": float(rps[1]) if rps else 0.0,
        "p50": ms("50%"),
        "p99": ms("99%"),
        "errors": int(non2xx[1]) if non2xx else 0,
        "app_ms": app * 1000 / requests if requests else float("nan"),
        "db_ms": db * 1000 / requests if requests else float("nan"),
    }


def rss_mb(process: subprocess.Popen) -> float:
    """The largest peak resident size among the gunicorn workers."""
    peak = 0.0
    for pid in tree(process.pid)[1:]:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]) / 1024)
        except OSError:
            pass
    return peak


def same_content(lattice: bytes, floor: bytes) -> str:
    """'yes' when the API's JSON equals the floor's; for HTML, the sizes."""
    try:
        # Links are absolute: the two apps differ only in their port.
        a = json.loads(lattice)
        b = json.loads(floor.replace(b":%d/" % FLOOR_PORT, b":%d/" % LATTICE_PORT))
    except ValueError:
        return f"html {len(lattice) // 1024} KB / floor json {len(floor) // 1024} KB"
    return "yes" if a == b else "differs"


def measure(url: str, points: list, peer: dict[str, str], duration: int) -> tuple[dict, dict]:
    """Every endpoint against Lattice cold, Lattice through the proxy, the floor and
    Datasette; plus response sizes with and without compression (through the proxy)."""
    LOGS.mkdir(exist_ok=True)
    env = lattice_env(url, response_cache=False)
    lattice = serve("config.wsgi:application", LATTICE_PORT, env, LOGS / "lattice.log")
    floor = serve("bench.floor:app", FLOOR_PORT, env, LOGS / "floor.log")
    peer_process = datasette.serve(datasette.DEFAULT_PATH, DATASETTE_PORT, LOGS / "datasette.log")
    results, sizes = {}, {}
    try:
        with proxy.caching_proxy(f"127.0.0.1:{LATTICE_PORT}", PROXY_PORT, workers=2) as nginx:
            for label, path in points:
                status, body, _ = fetch(LATTICE_PORT, path)
                fstatus, fbody, _ = fetch(FLOOR_PORT, path)
                dstatus, _dbody, _ = fetch(DATASETTE_PORT, peer[label])
                if {status, fstatus, dstatus} != {200}:
                    results[label] = f"HTTP {status}/{fstatus}/{dstatus}"
                    continue
                row = {"same": same_content(body, fbody)}
                row["cold"] = wrk(LATTICE_PORT, path, duration, lattice.pid)
                fetch(PROXY_PORT, path)  # the first request fills the proxy's cache
                row["proxy"] = wrk(PROXY_PORT, path, duration, nginx.process.pid)
                row["floor"] = wrk(FLOOR_PORT, path, duration, floor.pid)
                row["datasette"] = wrk(DATASETTE_PORT, peer[label], duration, peer_process.pid)
                results[label] = row
                _, packed, headers = fetch(PROXY_PORT, path, **{"Accept-Encoding": "gzip"})
                if headers.get("Content-Encoding") == "gzip":
                    sizes[label] = (len(gzip.decompress(packed)), len(packed))
                else:
                    sizes[label] = (len(packed), len(packed))
        results["_rss"] = rss_mb(lattice)
    finally:
        stop(lattice)
        stop(floor)
        datasette.stop(peer_process)
    return results, sizes


def measure_lattice(url: str, points: list, duration: int, *, response_cache: bool) -> dict:
    """Lattice alone: cold, or with its in-Django Redis response cache warm (database 9 of
    the local Redis, flushed first); no proxy in front."""
    if response_cache:
        subprocess.run(["redis-cli", "-n", "9", "flushdb"], capture_output=True)
    env = lattice_env(url, response_cache=response_cache)
    log = LOGS / f"lattice-{'redis' if response_cache else 'cold'}.log"
    lattice = serve("config.wsgi:application", LATTICE_PORT, env, log)
    try:
        results = {}
        for label, path in points:
            fetch(LATTICE_PORT, path)  # warm: the Redis entry, the worker's imports
            results[label] = wrk(LATTICE_PORT, path, duration, lattice.pid)
    finally:
        stop(lattice)
    return results


def query_checks(url: str, points: list) -> dict:
    env = {**lattice_env(url, response_cache=False)}
    out = subprocess.run(
        [PY, "bench/checks.py", *[path for _label, path in points]],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    if out.returncode:
        raise RuntimeError(f"bench/checks.py failed:\n{out.stderr[-3000:]}")
    answers = json.loads(out.stdout.strip().splitlines()[-1])
    return {label: answers[path] for label, path in points}


def profiles(url: str, points: list) -> dict[str, str]:
    env = lattice_env(url, response_cache=False)
    args = [f"{label}={path}" for label, path in points]
    out = subprocess.run(
        [PY, "bench/profiling.py", str(PROFILES), *args],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    if out.returncode:
        return {label: f"profile failed: {out.stderr[-300:]}" for label, _ in points}
    paths = out.stdout.strip().splitlines()
    pairs = zip(points, paths, strict=True)
    return {label: Path(path).relative_to(ROOT).as_posix() for (label, _), path in pairs}


# Tables ------------------------------------------------------------------------------------


def ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def main_table(results: dict, redis: dict | None) -> tuple[str, list[str]]:
    lines = [
        "| endpoint | cold req/s | p99 ms | CPU ms/req app+db | proxy req/s | floor req/s "
        "| Datasette req/s | its CPU ms/req | cold ÷ Datasette | cold ÷ floor "
        "| proxy ÷ floor | Redis-cached req/s | same JSON |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|---|---:|---|",
    ]
    missed = []
    for label, row in results.items():
        if label.startswith("_"):
            continue
        if isinstance(row, str):
            lines.append(f"| {label} | {row} |" + " |" * 11)
            continue
        cold, prox, flo, ds = row["cold"], row["proxy"], row["floor"], row["datasette"]
        goal_ds, goal_floor = targets(label)
        r_ds, r_floor, r_proxy = (
            ratio(cold["rps"], ds["rps"]),
            ratio(cold["rps"], flo["rps"]),
            ratio(prox["rps"], flo["rps"]),
        )
        marks = [
            "ok" if r_ds >= goal_ds else "MISS",
            "ok" if r_floor >= goal_floor else "MISS",
            "ok" if r_proxy >= 1 else "MISS",
        ]
        if "MISS" in marks[:2]:
            missed.append(label)
        errors = sum(m["errors"] for m in (cold, prox, flo, ds))
        note = f" ({errors} non-2xx)" if errors else ""
        cached = f"{redis[label]['rps']:.0f}" if redis and label in redis else "-"
        lines.append(
            f"| {label}{note} | {cold['rps']:.0f} | {cold['p99']:.0f} "
            f"| {cold['app_ms']:.1f}+{cold['db_ms']:.1f} | {prox['rps']:.0f} | {flo['rps']:.0f} "
            f"| {ds['rps']:.0f} | {ds['app_ms']:.1f} "
            f"| {r_ds:.2f}x (≥{goal_ds:g} {marks[0]}) "
            f"| {r_floor:.2f}x (≥{goal_floor:g} {marks[1]}) "
            f"| {r_proxy:.2f}x (≥1 {marks[2]}) | {cached} | {row['same']} |"
        )
    return "\n".join(lines), missed


def growth_table(base: dict, grown: dict, q_base: dict, q_grown: dict, scales) -> str:
    small, large = scales
    lines = [
        f"| endpoint | queries @ {small:g} | queries @ {large:g} | same | p99 ms @ {small:g} "
        f"| p99 ms @ {large:g} | growth | ≤2x | seq scans of large tables @ {large:g} |",
        "|---|---:|---:|---|---:|---:|---:|---|---|",
    ]
    for label, row in base.items():
        if label.startswith("_") or isinstance(row, str) or label not in grown:
            continue
        p_small, p_large = row["cold"]["p99"], grown[label]["p99"]
        growth = ratio(p_large, p_small)
        qa, qb = q_base[label]["queries"], q_grown[label]["queries"]
        scans = ", ".join(q_grown[label]["seq_scans"]) or "none"
        lines.append(
            f"| {label} | {qa} | {qb} | {'yes' if qa == qb else 'NO'} | {p_small:.0f} "
            f"| {p_large:.0f} | {growth:.2f}x | {'ok' if growth <= 2 else 'MISS'} | {scans} |"
        )
    return "\n".join(lines)


def size_table(sizes: dict) -> str:
    lines = ["| endpoint | bytes | gzip bytes | saved |", "|---|---:|---:|---:|"]
    for label, (plain, packed) in sorted(sizes.items(), key=lambda item: -item[1][0]):
        lines.append(f"| {label} | {plain:,} | {packed:,} | {1 - ratio(packed, plain):.0%} |")
    return "\n".join(lines)


# Set-up ------------------------------------------------------------------------------------


def ensure_tools() -> None:
    """wrk drives the load and nginx is the proxy: a fresh machine of ours gets them from
    Debian (as .ci/run gets Chromium); Datasette comes from the bench dependency group."""
    missing = [tool for tool, found in (("wrk", shutil.which("wrk")), ("nginx", proxy.available()))
               if not found]  # fmt: skip
    if missing and os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"Installing {' '.join(missing)} from Debian's packages…", flush=True)
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True)
    if not shutil.which("wrk") or not proxy.available():
        sys.exit("bench/run.py needs wrk and nginx (Debian: apt-get install -y wrk nginx).")
    if not (ROOT / ".venv" / "bin" / "datasette").exists():
        print("Installing the bench dependency group (Datasette)…", flush=True)
        subprocess.run(
            [str(ROOT / ".venv" / "bin" / "uv"), "sync", "--frozen", "--inexact", "--group",
             "bench"],
            cwd=ROOT, env={**os.environ, "UV_PROJECT_ENVIRONMENT": str(ROOT / ".venv")},
            check=True,
        )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--growth-scale", type=float, default=5.0, help="0 skips growth.")
    parser.add_argument("--duration", type=int, default=5, help="Seconds of wrk per run.")
    parser.add_argument("--skip-redis", action="store_true", help="No Redis-cached column.")
    parser.add_argument("--skip-profiles", action="store_true")
    args = parser.parse_args()
    ensure_tools()
    url = prepare(args.scale)
    points = endpoints(url)
    datasette.export(url, datasette.DEFAULT_PATH)
    peer = datasette.endpoints(url, datasette.DEFAULT_PATH)
    started = datetime.datetime.now(datetime.UTC)

    results, sizes = measure(url, points, peer, args.duration)
    redis = (
        None
        if args.skip_redis
        else measure_lattice(url, points, args.duration, response_cache=True)
    )
    table, missed = main_table(results, redis)
    out = [
        f"## Lattice, its proxy, the floor and Datasette: scale {args.scale:g}, "
        f"{started:%Y-%m-%d %H:%M} UTC",
        "",
        f"wrk -t2 -c8 -d{args.duration}s on 127.0.0.1. Lattice and the floor: gunicorn -w 2 on "
        "PostgreSQL; *cold* = every cache off; *proxy* = Debian's nginx "
        f"({proxy.version()}, 2 workers) with deploy/nginx-cache.conf.template in front of "
        "that same cold Lattice; Datasette "
        f"{datasette.version()}: one process, `--immutable`, SQLite with FTS5. CPU ms/req: "
        "the server's processes (Lattice: its workers; Datasette: its process, SQLite "
        "included) and PostgreSQL's, per completed request. Redis-cached: Lattice alone with "
        "its in-Django response cache warm.",
        "",
        table,
        "",
        f"Peak RSS of a Lattice gunicorn worker (cold): {results['_rss']:.0f} MB.",
    ]
    print("\n".join(out), flush=True)

    q_base = query_checks(url, points)
    if args.growth_scale:
        grown_url = prepare(args.growth_scale)
        grown_points = endpoints(grown_url)
        grown = measure_lattice(grown_url, grown_points, args.duration, response_cache=False)
        q_grown = query_checks(grown_url, grown_points)
        out += [
            "",
            f"### Growth: Lattice cold at scale {args.scale:g} and {args.growth_scale:g}",
            "",
            growth_table(results, grown, q_base, q_grown, (args.scale, args.growth_scale)),
        ]
    out += ["", "### Compression through the proxy (Accept-Encoding: gzip)", "", size_table(sizes)]
    if missed and not args.skip_profiles:
        files = profiles(url, [(label, path) for label, path in points if label in missed])
        out += ["", "### Profiles of the endpoints that miss a cold target", ""]
        out += [f"- {label}: `{files[label]}`" for label in missed]
    text = "\n".join(out) + "\n"
    print(text)
    (ROOT / "bench" / "RESULTS.md").write_text("# Last benchmark run\n\n" + text)


if __name__ == "__main__":
    sys.exit(main())
