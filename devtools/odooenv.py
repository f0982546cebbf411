"""Find Odoo 19 and write the configuration the project's commands run it with.

Odoo is found the way Python finds it: ``import odoo`` by this interpreter. Its community
addons are the ``addons/`` folder beside the ``odoo`` package of a source tree, or the
folder named by the ODOO_ADDONS_PATH environment variable.
"""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

from . import pgcluster

ROOT = Path(__file__).resolve().parent.parent
PROJECT_ADDONS = ROOT / "addons"
ODOO_REQUIREMENTS = ROOT / "requirements-odoo.txt"
OUR_MODULES = ("cabinet_dunning", "cabinet_online_services")
# What a French firm's database holds besides our addons: the French localisation, and Odoo's
# Chorus Pro fields for public bodies (our invoices fill them when it is installed).
BASE_MODULES = ("l10n_fr_account", "l10n_fr_facturx_chorus_pro")


class OdooMissing(RuntimeError):
    pass


def odoo_version():
    """Odoo's version string, or raise OdooMissing saying why it cannot be used."""
    if importlib.util.find_spec("odoo") is None:
        raise OdooMissing(
            f"`import odoo` fails for {sys.executable}: no Odoo 19.0 is installed for this "
            "Python (see README.md, 'Prerequisite')."
        )
    result = subprocess.run(
        [sys.executable, "-c", "import odoo.release as r; print(r.version)"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise OdooMissing(f"`import odoo.release` fails: {result.stderr.strip()[-500:]}")
    version = result.stdout.strip()
    if not version.startswith("19.0"):
        raise OdooMissing(f"Odoo {version} is installed; these addons need Odoo 19.0.")
    return version


def community_addons_path():
    env_path = os.environ.get("ODOO_ADDONS_PATH")
    if env_path:
        return env_path
    spec = importlib.util.find_spec("odoo")
    for location in spec.submodule_search_locations or []:
        candidate = Path(location).parent / "addons"
        if (candidate / "account" / "__manifest__.py").exists():
            return str(candidate)
    raise OdooMissing(
        "Odoo is importable but its community addons (account, l10n_fr_account...) were not "
        "found beside it; set ODOO_ADDONS_PATH to the folder that holds them."
    )


def write_config(path, *, db_host, db_port, data_dir, http_port=8069, extra=None):
    """Write an Odoo configuration file for our addons on the given database server."""
    options = {
        "addons_path": f"{community_addons_path()},{PROJECT_ADDONS}",
        "db_host": db_host,
        "db_port": db_port,
        "db_user": os.environ.get("PGUSER", "odoo"),
        "data_dir": data_dir,
        "http_interface": "127.0.0.1",
        "http_port": http_port,
        "list_db": "False",
        **(extra or {}),
    }
    if os.environ.get("PGPASSWORD"):
        options["db_password"] = os.environ["PGPASSWORD"]
    lines = ["[options]", *(f"{key} = {value}" for key, value in options.items())]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def odoo_command(*args):
    """The command line that runs Odoo's own CLI with this interpreter."""
    return [sys.executable, "-m", "odoo", *args]


def write_cluster_config(workdir, cluster):
    """The configuration of a throwaway run on a private cluster, in ``workdir``."""
    return write_config(
        Path(workdir) / "odoo.cfg",
        db_host=cluster.host,
        db_port=pgcluster.PORT,
        data_dir=Path(workdir) / "data",
        extra={"db_user": pgcluster.DB_USER},
    )
