"""A private PostgreSQL cluster in a directory, reachable only through a Unix socket.

Used when no database server is configured: the start command keeps one under
``.local/pg`` and the test command makes a throwaway one in a temporary directory.
PostgreSQL refuses to run as root, so when we are root the server runs as the
``postgres`` system user that Debian's package creates.
"""

import glob
import os
import pwd
import shutil
import subprocess
import time
from pathlib import Path

PORT = 5432
DB_USER = "odoo"


class ClusterError(RuntimeError):
    pass


def _bindir():
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    if not candidates:
        raise ClusterError(
            "PostgreSQL server binaries not found: install Debian's 'postgresql' package."
        )
    return Path(candidates[0]).parent


class Cluster:
    def __init__(self, path):
        self.path = Path(path).resolve()
        self.data = self.path / "data"
        self.bindir = _bindir()
        self._as_postgres = os.geteuid() == 0

    # -- helpers -------------------------------------------------------------------------
    def _run(self, args, **kw):
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self._as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)

    @property
    def host(self):
        """The socket directory, which libpq and Odoo accept as ``db_host``."""
        return str(self.path)

    def is_initialised(self):
        return (self.data / "PG_VERSION").exists()

    def is_running(self):
        result = subprocess.run(
            [str(self.bindir / "pg_isready"), "-q", "-h", self.host, "-p", str(PORT)],
            check=False,
        )
        return result.returncode == 0

    # -- life cycle ----------------------------------------------------------------------
    def init(self):
        self.path.mkdir(parents=True, exist_ok=True)
        if self._as_postgres:
            pw = pwd.getpwnam("postgres")
            os.chown(self.path, pw.pw_uid, pw.pw_gid)
        self._run(
            [
                "initdb",
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        )
        conf = self.data / "postgresql.conf"
        with open(conf, "a", encoding="utf-8") as fh:
            # Socket only: no TCP port, so several clusters never collide.
            fh.write(
                "\nlisten_addresses = ''\n"
                f"unix_socket_directories = '{self.path}'\n"
                f"port = {PORT}\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                "max_connections = 200\nshared_buffers = 256MB\n"
            )

    def start(self):
        if not self.is_initialised():
            self.init()
        if self.is_running():
            return
        self._run(
            [
                "pg_ctl",
                "-D",
                str(self.data),
                "-l",
                str(self.path / "server.log"),
                "-w",
                "-t",
                "60",
                "start",
            ]
        )
        for _ in range(50):
            if self.is_running():
                break
            time.sleep(0.2)
        else:
            raise ClusterError(f"PostgreSQL did not start; see {self.path / 'server.log'}")
        self.psql(
            "DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'odoo') "
            "THEN CREATE ROLE odoo LOGIN SUPERUSER; END IF; END$$;"
        )

    def stop(self):
        if self.is_initialised() and self.is_running():
            self._run(["pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop"])

    def destroy(self):
        self.stop()
        shutil.rmtree(self.path, ignore_errors=True)

    def psql(self, sql, dbname="postgres"):
        return self._run(
            ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", self.host, "-p", str(PORT),
             "-U", "postgres", "-d", dbname, "-c", sql]
        ).stdout  # fmt: skip
