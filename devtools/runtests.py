"""Run every test of the project: `bin/cabinet-test` (README.md).

1. What needs no Odoo: the plain-Python rules (pytest + hypothesis on tests/), ruff, and
   pylint with the OCA's pylint-odoo checks.
2. Where Odoo 19 is importable: a throwaway PostgreSQL cluster and database, the French
   localisation and both addons installed (the log must stay clean), the addons' Odoo tests
   with pytest-odoo, Odoo's own ``account`` tests for what we override (with our addons and
   on a database without them: none may fail only with ours), the translation files checked
   against a fresh export, the demo firm built, both addons uninstalled (cleanly), and
   everything dropped.

The last lines give the counts of each part and say when, and why, the Odoo part was skipped.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from . import odoo_account_tests, odooenv, pgcluster, translations

ROOT = odooenv.ROOT
REQUIREMENTS = ROOT / "requirements-test.txt"
LINTED = ["addons", "bench", "data", "devtools", "tests"]


class Report:
    def __init__(self):
        self.lines = []
        self.passed = 0
        self.failed = 0
        self.ok = True

    def step(self, title, ok, detail=""):
        self.ok &= ok
        self.lines.append(f"{title}: {'ok' if ok else 'FAILED'}{' - ' + detail if detail else ''}")

    def tests(self, title, counts):
        passed, failed, skipped = counts
        self.passed += passed
        self.failed += failed
        self.ok &= not failed and passed > 0
        extra = f", {skipped} skipped" if skipped else ""
        self.lines.append(f"{title}: {passed} passed, {failed} failed{extra}")

    def note(self, line):
        self.lines.append(line)


def banner(text):
    print(f"\n===== {text} =====", flush=True)


def run(cmd, **kw):
    print("$ " + " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run(cmd, check=False, **kw)


def ensure_requirements(path, probe_modules):
    """Install the project's pinned tools when one of them is missing."""
    missing = [
        m
        for m in probe_modules
        if subprocess.run([sys.executable, "-c", f"import {m}"], capture_output=True).returncode
    ]
    if missing:
        print(f"Installing {path.name} (missing: {', '.join(missing)})", flush=True)
        run([sys.executable, "-m", "pip", "install", "-q", "-r", str(path)])


def junit_counts(path):
    """(passed, failed, skipped) from a pytest JUnit XML report."""
    if not Path(path).exists():
        return 0, 1, 0
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else list(root)
    tests = sum(int(s.get("tests", 0)) for s in suites)
    failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
    skipped = sum(int(s.get("skipped", 0)) for s in suites)
    return tests - failed - skipped, failed, skipped


def plain_part(report, workdir):
    banner("Plain-Python rules (no Odoo)")
    ensure_requirements(
        REQUIREMENTS,
        ["pytest", "hypothesis", "ruff", "pylint_odoo", "polib", "lxml", "facturx", "saxonche"],
    )
    junit = Path(workdir) / "plain.xml"
    run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:odoo",
            "-p",
            "no:cacheprovider",
            "-q",
            f"--junitxml={junit}",
            str(ROOT / "tests"),
        ],
        cwd=ROOT,
    )
    report.tests("Plain-Python tests (tests/)", junit_counts(junit))

    banner("ruff")
    check = run([sys.executable, "-m", "ruff", "check", *LINTED], cwd=ROOT)
    fmt = run([sys.executable, "-m", "ruff", "format", "--check", *LINTED], cwd=ROOT)
    report.step("ruff check and format", check.returncode == 0 and fmt.returncode == 0)

    banner("pylint-odoo (OCA checks)")
    addons = sorted(str(p.parent) for p in (ROOT / "addons").glob("*/__manifest__.py"))
    lint = run(
        [sys.executable, "-m", "pylint", f"--rcfile={ROOT / '.pylintrc'}", *addons], cwd=ROOT
    )
    report.step("pylint-odoo", lint.returncode == 0)

    banner("Translation files")
    problems = translations.check_po_files(ROOT / "addons")
    for problem in problems:
        print(problem)
    report.step("fr.po complete for every .pot entry", not problems, f"{len(problems)} problems")


def log_problems(log_path):
    """Lines of an Odoo log that a clean install must not have: any error, and the warnings
    from our modules or about them (the database's name, also in each line, does not count)."""
    bad = []
    pattern = re.compile(r"^\S+ \S+ \d+ (WARNING|ERROR|CRITICAL) \S+ (.*)$")
    for line in Path(log_path).read_text(encoding="utf-8", errors="replace").splitlines():
        match = pattern.match(line)
        if not match:
            continue
        if match.group(1) != "WARNING" or any(m in match.group(2) for m in odooenv.OUR_MODULES):
            bad.append(line)
    return bad


def odoo_part(report, workdir):
    banner("Odoo 19")
    try:
        version = odooenv.odoo_version()
        odooenv.community_addons_path()
    except odooenv.OdooMissing as exc:
        report.note(f"Odoo tests: SKIPPED - {exc}")
        return
    ensure_requirements(
        odooenv.ODOO_REQUIREMENTS,
        ["pytest_odoo", "odoorpc", "websocket", "odoo.addons.account_banking_sepa_direct_debit"],
    )
    print(f"Odoo {version}", flush=True)
    cluster = pgcluster.Cluster(Path(workdir) / "pg")
    try:
        cluster.start()
    except (pgcluster.ClusterError, subprocess.CalledProcessError) as exc:
        report.step("PostgreSQL cluster", False, str(exc))
        return
    try:
        _odoo_steps(report, workdir, cluster)
    finally:
        cluster.destroy()


def _odoo_steps(report, workdir, cluster):
    db = "cabinet_test"
    config = odooenv.write_cluster_config(workdir, cluster)
    modules = ",".join(odooenv.BASE_MODULES + odooenv.OUR_MODULES)

    banner(f"Install {modules} on a fresh database")
    install_log = Path(workdir) / "install.log"
    started = time.monotonic()
    install = run(
        odooenv.odoo_command(
            "-c",
            str(config),
            "-d",
            db,
            "-i",
            modules,
            "--load-language=fr_FR",
            "--stop-after-init",
            f"--logfile={install_log}",
        )
    )
    problems = log_problems(install_log)
    for line in problems:
        print(line)
    report.step(
        "Install on a fresh database (l10n_fr_account + both addons, fr_FR)",
        install.returncode == 0 and not problems,
        f"{time.monotonic() - started:.0f} s, {len(problems)} warnings/errors in the log",
    )
    if install.returncode:
        print(install_log.read_text(encoding="utf-8", errors="replace")[-5000:])
        return

    banner("Odoo tests (pytest-odoo)")
    junit = Path(workdir) / "odoo.xml"
    test_dirs = [str(ROOT / "addons" / m / "tests") for m in odooenv.OUR_MODULES]
    _pytest_odoo(config, db, junit, [d for d in test_dirs if Path(d).is_dir()])
    report.tests("Odoo tests (pytest-odoo, both addons)", junit_counts(junit))

    banner("Odoo's account tests, with our addons and without them")
    _odoo_account_tests(report, workdir, cluster, config)

    banner("Translation templates against a fresh export")
    try:
        stale = translations.check_templates_fresh(config, db, workdir)
    except translations.ExportError as exc:
        stale = [str(exc)]
    for problem in stale:
        print(problem)
    report.step("i18n/*.pot up to date with the code", not stale, f"{len(stale)} problems")

    banner("Demo firm")
    demo = run(
        [
            sys.executable,
            str(ROOT / "data" / "demo_firm.py"),
            "-c",
            str(config),
            "-d",
            db,
            "--clients",
            "30",
        ]
    )
    report.step("Demo firm built (30 clients)", demo.returncode == 0)

    banner("Uninstall both addons")
    uninstall_log = Path(workdir) / "uninstall.log"
    uninstall = run(
        [
            sys.executable,
            "-m",
            "devtools.uninstall_check",
            "-c",
            str(config),
            "-d",
            db,
            f"--logfile={uninstall_log}",
        ],
        cwd=ROOT,
    )
    problems = log_problems(uninstall_log)
    for line in problems:
        print(line)
    report.step("Uninstall, data left behind checked", uninstall.returncode == 0 and not problems)


def _pytest_odoo(config, db, junit, paths, extra=()):
    return run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-q",
            "--odoo-http",
            f"--odoo-config={config}",
            f"--odoo-database={db}",
            f"--junitxml={junit}",
            *extra,
            *paths,
        ],
        cwd=ROOT,
    )


def _odoo_account_tests(report, workdir, cluster, config):
    """Odoo's account tests for what we override, on a database with our addons and on the
    same database without them: a test passing without our addons must pass with them.

    Both databases are in English, as Odoo's tests expect (journal codes, mail texts); the
    database with our addons is the other one plus our addons installed on it, the way a
    firm installs them on its existing database (its log must stay clean too).
    """
    title = "Odoo's account tests (with our addons, as without them)"
    baseline, with_ours = "cabinet_baseline", "cabinet_account"
    steps = [
        (baseline, ",".join(odoo_account_tests.baseline_modules())),
        (with_ours, ",".join(odooenv.OUR_MODULES)),
    ]
    for name, modules in steps:
        if name == with_ours:
            cluster.psql(f'CREATE DATABASE "{with_ours}" TEMPLATE "{baseline}"')
            filestore = Path(workdir) / "data" / "filestore"
            if (filestore / baseline).is_dir():
                shutil.copytree(filestore / baseline, filestore / with_ours)
        log = Path(workdir) / f"install_{name}.log"
        install = run(
            odooenv.odoo_command(
                "-c", str(config), "-d", name, "-i", modules, "--stop-after-init",
                f"--logfile={log}",
            )
        )  # fmt: skip
        problems = log_problems(log)
        for line in problems:
            print(line)
        if install.returncode or problems:
            report.step(title, False, f"installing {modules} on {name} failed")
            return
    results = {}
    for name in (with_ours, baseline):
        junit = Path(workdir) / f"account_{name}.xml"
        # One line for each failure: most fail without our addons too (listed below).
        _pytest_odoo(config, name, junit, odoo_account_tests.test_paths(), ["--tb=line"])
        results[name] = odoo_account_tests.outcomes(junit)
    passed, regressions, both = odoo_account_tests.compare(results[with_ours], results[baseline])
    for test in both:
        print(f"fails without our addons too: {test}")
    for test in regressions:
        print(f"REGRESSION (passes without our addons): {test}")
    report.passed += len(passed)
    report.failed += len(regressions)
    report.step(
        title,
        bool(passed) and not regressions,
        f"{len(passed)} passed, {len(regressions)} failing only with our addons, "
        f"{len(both)} failing without them too",
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-odoo", action="store_true", help="run only what needs no Odoo")
    args = parser.parse_args(argv)
    report = Report()
    with tempfile.TemporaryDirectory(prefix="cabinet-test-") as workdir:
        os.chmod(workdir, 0o755)
        plain_part(report, workdir)
        if args.no_odoo:
            report.note("Odoo tests: SKIPPED - --no-odoo was given")
        else:
            odoo_part(report, workdir)
    banner("Summary")
    for line in report.lines:
        print(line)
    print(f"{report.passed} passed, {report.failed} failed", flush=True)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
