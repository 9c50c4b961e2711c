"""Debian's nginx with deploy/nginx-cache.conf.template, on this machine: the shared HTTP
cache of docker-compose.yml's "proxy" service, for bench/run.py and bench/tests/test_proxy.py.

    with caching_proxy(upstream="127.0.0.1:8711", port=8714) as proxy: ...
"""

import contextlib
import os
import shutil
import signal
import socket
import string
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench import processes

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "deploy" / "nginx-cache.conf.template"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def available() -> bool:
    return Path(NGINX).is_file() and os.access(NGINX, os.X_OK)


def render(upstream: str, listen: str, cache_dir: Path) -> str:
    """The template with compose's ${...} values given, nginx's own $variables untouched."""
    values = {"LATTICE_UPSTREAM": upstream, "PROXY_LISTEN": listen, "PROXY_CACHE_DIR": cache_dir}
    return string.Template(TEMPLATE.read_text()).safe_substitute(values)


@dataclass
class Proxy:
    port: int
    directory: Path
    process: subprocess.Popen

    def error_log(self) -> str:
        path = self.directory / "error.log"
        return path.read_text() if path.exists() else ""


@contextlib.contextmanager
def caching_proxy(upstream: str, port: int, workers: int = 1) -> Iterator[Proxy]:
    """Run nginx in the foreground on 127.0.0.1:port until the block ends."""
    with tempfile.TemporaryDirectory(prefix="lattice-nginx-") as tmp:
        directory = Path(tmp)
        directory.chmod(0o755)
        site = directory / "lattice.conf"
        site.write_text(render(upstream, f"127.0.0.1:{port}", directory / "cache"))
        # Run by root, nginx's workers would switch to "nobody", who cannot write here.
        user = "user root;\n" if os.geteuid() == 0 else ""
        (directory / "nginx.conf").write_text(
            f"{user}worker_processes {workers};\npid {directory}/nginx.pid;\n"
            f"error_log {directory}/error.log warn;\n"
            "events { worker_connections 1024; }\n"
            "http {\n    access_log off;\n"
            + "".join(
                f"    {kind}_temp_path {directory}/{kind};\n"
                for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
            )
            + f"    include {site};\n}}\n"
        )  # fmt: skip
        process = subprocess.Popen(
            [NGINX, "-p", str(directory), "-c", str(directory / "nginx.conf"), "-g",
             "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        try:
            _wait_for_port(port, process, directory)
            yield Proxy(port, directory, process)
        finally:
            # SIGQUIT: nginx's graceful shutdown.
            processes.stop(process, signal.SIGQUIT)


def _wait_for_port(port: int, process: subprocess.Popen, directory: Path) -> None:
    for _ in range(100):
        if process.poll() is not None:
            log = (
                (directory / "error.log").read_text() if (directory / "error.log").exists() else ""
            )
            raise RuntimeError(f"nginx exited with {process.returncode}: {log[-2000:]}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nginx did not listen on 127.0.0.1:{port} within 5 s")


def version() -> str:
    """nginx's own version line, e.g. "nginx/1.22.1"."""
    out = subprocess.run([NGINX, "-v"], capture_output=True, text=True).stderr
    return out.strip().rsplit(": ", 1)[-1]
