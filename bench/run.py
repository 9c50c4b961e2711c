"""Lattice against the floor: one command, one table (see bench/README.md).

    .venv/bin/python bench/run.py [--scale 1] [--duration 5] [--check-scales 0.1,1]

Generates (or reuses) the synthetic database on 127.0.0.1, serves Lattice (gunicorn,
2 workers) and the floor (bench/floor.py, same workers), drives both with wrk and prints
requests/s, p50, p99 and the ratio Lattice/floor per endpoint: once with the response
cache off, once with a warm Redis cache. Then the query-count and EXPLAIN checks.
"""

import argparse
import datetime
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PG = "postgres://postgres@127.0.0.1:5432"
LATTICE_PORT, FLOOR_PORT = 8711, 8712
AS_OF = "2012-06-30"


def database_name(scale: float) -> str:
    return "lattice_bench" if scale == 1 else f"lattice_bench_{str(scale).replace('.', '_')}"


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


def endpoints(url: str) -> list[tuple[str, str, str]]:
    """(label, Lattice path, floor path) for every measured endpoint."""
    with psycopg.connect(url) as conn:
        q = lambda sql: conn.execute(sql).fetchone()  # noqa: E731
        largest = q(
            "SELECT n.slug FROM networks_network n JOIN networks_membership m "
            "ON m.network_id = n.id GROUP BY n.id ORDER BY count(*) DESC, n.id LIMIT 1"
        )[0]
        small = q(
            "SELECT n.slug FROM networks_network n JOIN networks_membership m "
            "ON m.network_id = n.id GROUP BY n.id HAVING count(*) = 30 ORDER BY n.id LIMIT 1"
        )[0]
        jslug, jcode = q(
            "SELECT j.slug, j.code FROM institutions_jurisdiction j JOIN "
            "institutions_institution i ON i.jurisdiction_id = j.id "
            "GROUP BY j.id ORDER BY count(*) DESC, j.id LIMIT 1"
        )
        one = q("SELECT slug FROM institutions_institution ORDER BY id LIMIT 1 OFFSET 123")[0]
    members = f"/api/v1/networks/{largest}/members/"
    rows = [
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
    return [(label, path, path) for label, path in rows]


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
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def rss_mb(process: subprocess.Popen) -> float:
    """The largest resident size among the gunicorn workers (children of the master)."""
    peak = 0.0
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    for pid in children.read_text().split() if children.exists() else []:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):  # peak resident set size
                    peak = max(peak, int(line.split()[1]) / 1024)
        except OSError:
            pass
    return peak


def fetch(port: int, path: str, timeout: int = 180) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return 0, b""


def drain(port: int) -> None:
    """Wait (bounded) until the workers have finished what wrk left queued."""
    fetch(port, "/api/v1/", timeout=180)


def wrk(port: int, path: str, duration: int) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", "-c8", f"-d{duration}s", "--timeout", "30s", "--latency",
         f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, timeout=duration + 60,
    ).stdout  # fmt: skip

    def ms(label: str) -> float:
        match = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not match:
            return float("nan")
        return float(match[1]) * {"us": 0.001, "ms": 1, "s": 1000}[match[2]]

    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(rps[1]) if rps else 0.0,
        "p50": ms("50%"),
        "p99": ms("99%"),
        "errors": int(non2xx[1]) if non2xx else 0,
    }


def same_content(lattice: bytes, floor: bytes) -> str:
    """'yes' when the API's JSON equals the floor's; for HTML, the floor's JSON size."""
    try:
        # Links are absolute: the two apps differ only in their port.
        a = json.loads(lattice)
        b = json.loads(floor.replace(b":%d/" % FLOOR_PORT, b":%d/" % LATTICE_PORT))
    except ValueError:
        return f"html {len(lattice) // 1024} KB / json {len(floor) // 1024} KB"
    return "yes" if a == b else "differs"


def measure(url: str, points: list, duration: int, cached: bool) -> tuple[list, float]:
    logs = ROOT / "bench" / "logs"
    logs.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CONN_MAX_AGE": "600",
        "ALLOWED_HOSTS": "127.0.0.1",
        "API_ANON_RATE": "100000000/minute",
        "LOG_LEVEL": "WARNING",
        "CACHE_RESPONSE_SECONDS": "600" if cached else "0",
        "CACHE_URL": "redis://127.0.0.1:6379/9",
    }
    if cached:
        subprocess.run(["redis-cli", "-n", "9", "flushdb"], capture_output=True)
    lattice = serve("config.wsgi:application", LATTICE_PORT, env, logs / "lattice.log")
    floor = serve("bench.floor:app", FLOOR_PORT, env, logs / "floor.log")
    results = []
    try:
        for label, path, floor_path in points:
            status, body = fetch(LATTICE_PORT, path)
            fstatus, fbody = fetch(FLOOR_PORT, floor_path)
            if status != 200 or fstatus != 200:
                results.append((label, path, None, None, f"HTTP {status}/{fstatus}"))
                continue
            lat = wrk(LATTICE_PORT, path, duration)
            drain(LATTICE_PORT)
            flo = wrk(FLOOR_PORT, floor_path, duration)
            drain(FLOOR_PORT)
            results.append((label, path, lat, flo, same_content(body, fbody)))
        memory = rss_mb(lattice)
    finally:
        stop(lattice)
        stop(floor)
    return results, memory


def table(title: str, results: list, target: float) -> str:
    lines = [
        f"### {title}",
        "",
        "| endpoint | Lattice req/s | p50 ms | p99 ms | floor req/s | p50 ms | p99 ms "
        "| ratio | target | same JSON |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for label, _path, lat, flo, same in results:
        if lat is None:
            lines.append(f"| {label} | - | - | - | - | - | - | - | - | {same} |")
            continue
        goal = target if target else (0.3 if label.startswith("HTML") else 0.5)
        ratio = lat["rps"] / flo["rps"] if flo["rps"] else float("nan")
        mark = "ok" if ratio >= goal else "MISS"
        errs = f" ({lat['errors']} non-2xx)" if lat["errors"] else ""
        lines.append(
            f"| {label} | {lat['rps']:.0f}{errs} | {lat['p50']:.1f} | {lat['p99']:.1f} "
            f"| {flo['rps']:.0f} | {flo['p50']:.1f} | {flo['p99']:.1f} "
            f"| {ratio:.2f}x | ≥{goal}x {mark} | {same} |"
        )
    return "\n".join(lines)


def checks(scales: list[float]) -> str:
    per_scale = {}
    for scale in scales:
        url = prepare(scale)
        paths = [path for _label, path, _f in endpoints(url)]
        env = {**os.environ, "DATABASE_URL": url, "CACHE_RESPONSE_SECONDS": "0",
               "API_ANON_RATE": "100000000/minute", "LOG_LEVEL": "WARNING"}  # fmt: skip
        out = subprocess.run(
            [PY, "bench/checks.py", *paths], cwd=ROOT, env=env, capture_output=True, text=True
        )
        if out.returncode:
            return f"checks failed at scale {scale}:\n{out.stderr[-3000:]}"
        per_scale[scale] = list(json.loads(out.stdout.strip().splitlines()[-1]).values())
    labels = [label for label, _p, _f in endpoints(prepare(scales[-1]))]
    head = " | ".join(f"queries @ {s:g}" for s in scales)
    lines = [
        "### Query counts and plans",
        "",
        f"| endpoint | {head} | same at every scale | seq scans of large tables |",
        "|---|" + "---:|" * len(scales) + "---|---|",
    ]
    for i, label in enumerate(labels):
        counts = [per_scale[s][i]["queries"] for s in scales]
        scans = sorted({t for s in scales for t in per_scale[s][i]["seq_scans"]})
        lines.append(
            f"| {label} | " + " | ".join(map(str, counts))
            + f" | {'yes' if len(set(counts)) == 1 else 'NO'} | {', '.join(scans) or 'none'} |"
        )  # fmt: skip
    return "\n".join(lines)


def ensure_wrk() -> None:
    """wrk drives the load; a fresh machine of ours gets it from Debian (as .ci/run gets
    Chromium), anything else is told what to install."""
    if shutil.which("wrk"):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing wrk from Debian's packages…", flush=True)
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    if not shutil.which("wrk"):
        sys.exit("bench/run.py needs wrk on the PATH (Debian: apt-get install -y wrk).")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--duration", type=int, default=5, help="Seconds of wrk per run.")
    parser.add_argument("--check-scales", default="0.1,1")
    parser.add_argument("--skip-checks", action="store_true")
    args = parser.parse_args()
    ensure_wrk()
    url = prepare(args.scale)
    points = endpoints(url)
    out = [
        f"## Lattice vs floor, scale {args.scale:g}, "
        f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"wrk -t2 -c8 -d{args.duration}s on 127.0.0.1; both apps gunicorn -w 2; "
        f"floor JSON via {'orjson' if has_orjson() else 'json (orjson not installed)'}.",
        "",
    ]
    cold, memory_cold = measure(url, points, args.duration, cached=False)
    out += [table("Response cache off", cold, 0), ""]
    print("\n".join(out), flush=True)
    warm, memory_warm = measure(url, points, args.duration, cached=True)
    out += [table("Warm Redis response cache", warm, 1.0), ""]
    out.append(
        f"Peak RSS of a Lattice gunicorn worker: {memory_cold:.0f} MB (cache off), "
        f"{memory_warm:.0f} MB (warm cache); target < 200 MB."
    )
    if not args.skip_checks:
        out += ["", checks([float(s) for s in args.check_scales.split(",")])]
    text = "\n".join(out) + "\n"
    print(text)
    (ROOT / "bench" / "RESULTS.md").write_text("# Last benchmark run\n\n" + text)


def has_orjson() -> bool:
    try:
        import orjson  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
