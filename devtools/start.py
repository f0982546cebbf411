"""Start Odoo with both addons and the French demo firm: `bin/cabinet-start` (README.md).

On first run it creates the database (French localisation, both addons, French language) and
builds the demo firm in it; later runs update our addons in it and start Odoo. The database
lives in the PostgreSQL server named by the usual PGHOST/PGPORT/PGUSER/PGPASSWORD variables,
or, when PGHOST is not set, in a private cluster under .local/pg that this command starts.
"""

import argparse
import getpass
import os
import subprocess
import sys

from . import odooenv, pgcluster

LOCAL = odooenv.ROOT / ".local"


def database_exists(host, port, user, password, dbname):
    import psycopg2  # noqa: PLC0415 - one of Odoo's own requirements

    connection = psycopg2.connect(
        host=host, port=port, user=user, password=password or None, dbname="postgres"
    )
    try:
        with connection.cursor() as cr:
            cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname])
            return bool(cr.fetchone())
    finally:
        connection.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-d", "--database", default="cabinet")
    parser.add_argument("-p", "--port", type=int, default=8069, help="HTTP port")
    parser.add_argument("--clients", type=int, default=30, help="size of the demo firm")
    parser.add_argument(
        "--stop-db", action="store_true", help="stop the private PostgreSQL cluster and exit"
    )
    args = parser.parse_args(argv)

    if args.stop_db:
        pgcluster.Cluster(LOCAL / "pg").stop()
        print("Private PostgreSQL cluster stopped.")
        return 0
    try:
        version = odooenv.odoo_version()
    except odooenv.OdooMissing as exc:
        print(f"Cannot start: {exc}", file=sys.stderr)
        return 2
    if subprocess.run(
        [sys.executable, "-c", "import odoo.addons.account_banking_sepa_direct_debit"],
        capture_output=True,
        check=False,
    ).returncode:
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "-r", str(odooenv.ODOO_REQUIREMENTS)],
            check=True,
        )

    LOCAL.mkdir(exist_ok=True)
    os.chmod(LOCAL, 0o755)
    if os.environ.get("PGHOST"):
        host, port = os.environ["PGHOST"], int(os.environ.get("PGPORT", 5432))
        # As psql does: the current user unless PGUSER names another.
        user = os.environ.get("PGUSER") or getpass.getuser()
    else:
        cluster = pgcluster.Cluster(LOCAL / "pg")
        cluster.start()
        host, port, user = cluster.host, pgcluster.PORT, pgcluster.DB_USER
        print(f"PostgreSQL: private cluster in {cluster.path} (stop it with --stop-db)")
    config = odooenv.write_config(
        LOCAL / "odoo.cfg",
        db_host=host,
        db_port=port,
        data_dir=LOCAL / "data",
        http_port=args.port,
        extra={"db_user": user, "dbfilter": f"^{args.database}$"},
    )
    import psycopg2  # noqa: PLC0415 - one of Odoo's own requirements

    try:
        exists = database_exists(host, port, user, os.environ.get("PGPASSWORD"), args.database)
    except psycopg2.OperationalError as error:
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
        print(
            f"Cannot start: PostgreSQL at {host}:{port} refused user {user!r} ({reason}); "
            "set PGUSER (and PGPASSWORD) to a role that may create databases, or unset PGHOST "
            "to use a private cluster.",
            file=sys.stderr,
        )
        return 2
    if not exists:
        print(f"First run: creating database {args.database!r} (Odoo {version})...", flush=True)
        modules = ",".join(odooenv.BASE_MODULES + odooenv.OUR_MODULES)
        subprocess.run(
            odooenv.odoo_command(
                "-c", str(config), "-d", args.database, "-i", modules, "--load-language=fr_FR",
                "--stop-after-init", "--log-level=warn",
            ),
            check=True,
        )  # fmt: skip
        subprocess.run(
            [sys.executable, str(odooenv.ROOT / "data" / "demo_firm.py"), "-c", str(config),
             "-d", args.database, "--clients", str(args.clients)],
            check=True,
        )  # fmt: skip
    print(
        f"\nOdoo {version} with the demo firm 'Cabinet': http://localhost:{args.port}\n"
        f"  database: {args.database}   login: admin   password: admin\n",
        flush=True,
    )
    # Our addons are updated at each start, so a database made by an older checkout follows.
    command = odooenv.odoo_command(
        "-c", str(config), "-d", args.database, "-u", ",".join(odooenv.OUR_MODULES)
    )
    os.execv(command[0], command)
    return 0


if __name__ == "__main__":
    sys.exit(main())
