"""Start a throwaway PostgreSQL cluster for the test suite.

    with postgres_server() as base_url:   # "postgresql+psycopg://postgres@127.0.0.1:PORT"
        ...

The cluster (initdb --auth=trust, UTF8, C locale, durability switched off for
speed) lives in a fresh temporary directory, on /dev/shm when it has room, else
in $TMPDIR (override: BILLING_PG_TMPDIR). It listens on 127.0.0.1 on a free
port plus a unix socket inside that directory, and is stopped and deleted when
the ``with`` block ends, also on errors. PostgreSQL refuses to run as root, so
as root the binaries run as the ``postgres`` system user.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

PG_SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "full_page_writes": "off",
    "synchronous_commit": "off",
    "max_connections": "100",
    "shared_buffers": "32MB",
}
START_TIMEOUT = 60.0  # seconds until the server must accept connections
MIN_SHM_BYTES = 1 << 30  # use /dev/shm only if it has this much room (Docker: 64 MB)


def find_pg_bindir() -> Path | None:
    """Directory holding initdb and postgres, or None if not installed."""
    candidates: list[str] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, timeout=10
            )
            candidates.append(out.stdout.strip())
    candidates.append("/usr/lib/postgresql/15/bin")
    for name in ("initdb", "postgres"):
        found = shutil.which(name)
        if found:  # resolve e.g. /usr/local/bin/initdb -> /usr/lib/postgresql/15/bin
            candidates.append(str(Path(found).resolve().parent))
    # Any other Debian-packaged version, newest first.
    candidates += sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda p: int(p.split("/")[-2]) if p.split("/")[-2].isdigit() else 0,
        reverse=True,
    )
    for directory in candidates:
        if directory and all(
            os.access(Path(directory, exe), os.X_OK) for exe in ("initdb", "postgres")
        ):
            return Path(directory)
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_as() -> dict:
    """subprocess kwargs that drop root privileges to the postgres user."""
    if os.geteuid() != 0:
        return {}
    try:
        pw = pwd.getpwnam("postgres")
    except KeyError:
        raise RuntimeError(
            "running as root, but there is no 'postgres' system user to run "
            "PostgreSQL as (PostgreSQL refuses to run as root)"
        ) from None
    return {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": []}


def _world_traversable(path: str) -> bool:
    p = Path(path).resolve()
    return all(os.stat(d).st_mode & 0o001 for d in [p, *p.parents])


def _tempdir_parent() -> str | None:
    """Prefer tmpfs (/dev/shm): initdb and CREATE DATABASE are ~10x faster than on disk."""
    if os.environ.get("BILLING_PG_TMPDIR"):
        return os.environ["BILLING_PG_TMPDIR"]
    shm = "/dev/shm"
    with contextlib.suppress(OSError):
        st = os.statvfs(shm)
        if os.access(shm, os.W_OK | os.X_OK) and st.f_bavail * st.f_frsize >= MIN_SHM_BYTES:
            return shm
    if os.geteuid() == 0 and not _world_traversable(tempfile.gettempdir()):
        return "/tmp"  # the postgres user must be able to reach the cluster
    return None  # tempfile's default


def _make_tempdir() -> str:
    tmp = tempfile.mkdtemp(prefix="billing-pg-", dir=_tempdir_parent())
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.chown(tmp, pw.pw_uid, pw.pw_gid)
    return tmp


def _die_with_parent_hook():
    """preexec_fn for the server: if pytest gets killed hard, take the server with it.

    Linux only. ctypes is loaded here, in the parent: after dropping to the
    postgres user the child may not be allowed to read the Python stdlib.
    """
    if sys.platform != "linux":
        return None
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (ImportError, OSError, AttributeError):
        return None
    PR_SET_PDEATHSIG = 1
    return lambda: prctl(PR_SET_PDEATHSIG, int(signal.SIGQUIT))  # immediate shutdown


def _stop(proc: subprocess.Popen) -> None:
    # SIGINT = "fast" shutdown; SIGQUIT = immediate; SIGKILL as a last resort.
    for sig, timeout in ((signal.SIGINT, 30), (signal.SIGQUIT, 10), (signal.SIGKILL, 10)):
        if proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout)


def _wait_until_ready(proc: subprocess.Popen, port: int, log: Path) -> None:
    import psycopg

    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if proc.poll() is not None:
            raise RuntimeError(
                f"postgres exited with code {proc.returncode}:\n{log.read_text(errors='replace')}"
            )
        try:
            psycopg.connect(
                host="127.0.0.1", port=port, user="postgres", dbname="postgres",
                connect_timeout=2,
            ).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"postgres did not accept connections within {START_TIMEOUT}s:\n"
                    f"{log.read_text(errors='replace')}"
                ) from None
            time.sleep(0.05)


@contextlib.contextmanager
def postgres_server(bindir: Path | None = None) -> Iterator[str]:
    """Run a temporary cluster; yield ``postgresql+psycopg://postgres@127.0.0.1:PORT``."""
    bindir = bindir or find_pg_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL server binaries (initdb, postgres) not found")
    run_as = _run_as()
    tmp = _make_tempdir()
    proc = None
    try:
        data = Path(tmp, "data")
        init = subprocess.run(
            [str(bindir / "initdb"), "-D", str(data), "--auth=trust", "-E", "UTF8",
             "--locale=C", "--username=postgres", "--no-sync", "--no-instructions"],
            cwd=tmp, capture_output=True, text=True, **run_as,
        )
        if init.returncode != 0:
            raise RuntimeError(f"initdb failed:\n{init.stdout}\n{init.stderr}")

        log = Path(tmp, "postgres.log")
        for attempt in range(3):  # the free port may be grabbed before we bind it
            port = _free_port()
            socket_dir = tmp if len(tmp) < 80 else ""  # unix socket paths max ~107 bytes
            settings = {**PG_SETTINGS, "port": str(port), "unix_socket_directories": socket_dir}
            args = [str(bindir / "postgres"), "-D", str(data)]
            for key, value in settings.items():
                args += ["-c", f"{key}={value}"]
            with open(log, "wb") as log_file:
                proc = subprocess.Popen(
                    args, cwd=tmp, stdin=subprocess.DEVNULL, stdout=log_file,
                    stderr=subprocess.STDOUT, start_new_session=True,  # no Ctrl-C
                    preexec_fn=_die_with_parent_hook(),
                    **run_as,
                )
            try:
                _wait_until_ready(proc, port, log)
                break
            except RuntimeError:
                port_taken = "could not bind" in log.read_text(errors="replace")
                if attempt == 2 or proc.poll() is None or not port_taken:
                    raise
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        if proc is not None:
            _stop(proc)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":  # manual check: python tests/postgres_server.py
    t0 = time.perf_counter()
    with postgres_server() as url:
        print(f"{url} ready after {time.perf_counter() - t0:.2f}s")
