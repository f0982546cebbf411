"""Regenerate each addon's i18n/<addon>.pot from the code and merge it into i18n/fr.po.

``python3 -m devtools.i18n_update`` installs both addons on a throwaway database (as the test
command does), exports the templates with ``odoo i18n export``, and merges them into fr.po,
keeping the existing translations. It then lists the entries that still need a French text.
"""

import subprocess
import sys
import tempfile
from pathlib import Path

from . import odooenv, pgcluster, translations


def main():
    import polib  # noqa: PLC0415 - installed by requirements-test.txt

    with tempfile.TemporaryDirectory(prefix="cabinet-i18n-") as workdir:
        Path(workdir).chmod(0o755)
        cluster = pgcluster.Cluster(Path(workdir) / "pg")
        cluster.start()
        try:
            config = odooenv.write_cluster_config(workdir, cluster)
            modules = ",".join(odooenv.BASE_MODULES + odooenv.OUR_MODULES)
            subprocess.run(
                odooenv.odoo_command(
                    "-c", str(config), "-d", "i18n", "-i", modules, "--stop-after-init",
                    "--log-level=warn",
                ),
                check=True,
            )  # fmt: skip
            exported = translations.export_templates(config, "i18n", workdir)
            for module, fresh in exported.items():
                i18n = odooenv.PROJECT_ADDONS / module / "i18n"
                i18n.mkdir(exist_ok=True)
                (i18n / f"{module}.pot").write_bytes(fresh.read_bytes())
                po_path = i18n / "fr.po"
                po = polib.pofile(str(po_path)) if po_path.exists() else polib.POFile()
                po.metadata.update(
                    {
                        "Project-Id-Version": "Odoo Server 19.0",
                        "Language": "fr",
                        "MIME-Version": "1.0",
                        "Content-Type": "text/plain; charset=UTF-8",
                        "Content-Transfer-Encoding": "8bit",
                        "Plural-Forms": "nplurals=2; plural=(n > 1);",
                    }
                )
                po.merge(polib.pofile(str(fresh)))
                po.save(str(po_path))
                print(f"{module}: i18n/{module}.pot and i18n/fr.po updated")
        finally:
            cluster.destroy()
    problems = translations.check_po_files(odooenv.PROJECT_ADDONS)
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
