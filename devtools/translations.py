"""Checks of each addon's i18n/: fr.po translates every entry of the .pot, and the .pot
matches what Odoo exports from the code today."""

import subprocess
from pathlib import Path

from . import odooenv


def _polib():
    import polib  # noqa: PLC0415 - installed by requirements-test.txt

    return polib


def check_po_files(addons_dir):
    """Problems (strings) with the committed translation files of every addon."""
    polib = _polib()
    problems = []
    for manifest in sorted(Path(addons_dir).glob("*/__manifest__.py")):
        addon = manifest.parent
        pot_path = addon / "i18n" / f"{addon.name}.pot"
        po_path = addon / "i18n" / "fr.po"
        if not pot_path.exists() or not po_path.exists():
            problems.append(f"{addon.name}: i18n/{addon.name}.pot and i18n/fr.po are required")
            continue
        pot = polib.pofile(str(pot_path))
        po = {entry.msgid: entry for entry in polib.pofile(str(po_path))}
        for entry in pot:
            translated = po.get(entry.msgid)
            if translated is None or not translated.msgstr or "fuzzy" in translated.flags:
                problems.append(f"{addon.name}: no French translation for {entry.msgid!r}")
            elif translated.msgstr.count("%(") != entry.msgid.count("%("):
                problems.append(f"{addon.name}: placeholders differ in {entry.msgid!r}")
    return problems


class ExportError(RuntimeError):
    pass


def export_templates(config, db, outdir, modules=odooenv.OUR_MODULES):
    """Export a fresh .pot per module into outdir; returns {module: path}."""
    paths = {}
    for module in modules:
        path = Path(outdir) / f"{module}.pot"
        result = subprocess.run(
            odooenv.odoo_command(
                "i18n", "export", "-c", str(config), "-d", db, "-o", str(path), module
            ),
            check=False,
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise ExportError(
                f"odoo i18n export of {module} failed ({result.returncode}):\n"
                f"{(result.stdout + result.stderr)[-3000:]}"
            )
        paths[module] = path
    return paths


def check_templates_fresh(config, db, workdir):
    polib = _polib()
    problems = []
    for module, fresh_path in export_templates(config, db, workdir).items():
        committed_path = odooenv.PROJECT_ADDONS / module / "i18n" / f"{module}.pot"
        fresh = {e.msgid for e in polib.pofile(str(fresh_path))}
        committed = (
            {e.msgid for e in polib.pofile(str(committed_path))}
            if committed_path.exists()
            else set()
        )
        problems += [
            f"{module}: not in i18n/{module}.pot: {m!r}" for m in sorted(fresh - committed)
        ]
        problems += [f"{module}: no longer in the code: {m!r}" for m in sorted(committed - fresh)]
    return problems
