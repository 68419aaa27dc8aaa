"""Real servers for the production-mode tests: each on a free loopback port, stopped afterwards."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
KARVAN = [sys.executable, "-m", "karvan.cli"]
REPOSITORY = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on port {port} after {timeout} s")


def require(binary: str) -> str:
    """An installed program's path; without it the test fails in CI and is skipped elsewhere."""
    from tests.conftest import REQUIRE_ALL

    path = shutil.which(binary) or (str(BIN / binary) if (BIN / binary).exists() else None)
    if path is None:
        if REQUIRE_ALL:
            pytest.fail(f"{binary} is not installed")
        pytest.skip(f"{binary} is not installed")
    return path


def karvan_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """A clean environment for a Karvan process: none of the caller's KARVAN_ settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("KARVAN_", "DATABASE_URL", "CELERY_", "DJANGO_SETTINGS"))
    }
    pythonpath = [str(REPOSITORY / "src"), str(REPOSITORY)]
    env["PYTHONPATH"] = os.pathsep.join([*pythonpath, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["KARVAN_DATA_DIR"] = str(data_dir)
    env.update(extra)
    return env


def stop(process: subprocess.Popen, timeout: float = 20) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)


@contextlib.contextmanager
def redis_server(directory: Path) -> Iterator[str]:
    """A redis-server on a free port; yields its URL."""
    binary = require("redis-server")
    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(directory)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for_port(port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop(server)


@contextlib.contextmanager
def moto_server() -> Iterator[str]:
    """moto's S3-compatible server on a free port; yields its endpoint URL."""
    binary = require("moto_server")
    port = free_port()
    server = subprocess.Popen(
        [binary, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(server)
