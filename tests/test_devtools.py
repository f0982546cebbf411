"""The test command's own logic: Odoo discovery, log checks, report counts."""

import importlib.util

import pytest

from devtools import odooenv, runtests


def test_missing_odoo_is_reported_with_the_reason(monkeypatch):
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "odoo" else real_find_spec(name, *a),
    )
    with pytest.raises(odooenv.OdooMissing, match="`import odoo` fails"):
        odooenv.odoo_version()


def test_log_problems_keep_our_warnings_and_every_error(tmp_path):
    log = tmp_path / "odoo.log"
    log.write_text(
        "2026-11-23 10:00:00,000 1 INFO db odoo.modules.loading: loading 1 modules...\n"
        "2026-11-23 10:00:00,000 1 WARNING db odoo.addons.base.models.ir_model: "
        "Two fields of res.partner() [Modules: cabinet_dunning]\n"
        "2026-11-23 10:00:00,000 1 WARNING db odoo.addons.mail: unrelated warning\n"
        "2026-11-23 10:00:00,000 1 WARNING cabinet_test odoo.modules.module: not ours\n"
        "2026-11-23 10:00:00,000 1 WARNING db odoo.addons.cabinet_online_services.models.x: "
        "ours\n"
        "2026-11-23 10:00:00,000 1 ERROR db odoo.sql_db: bad query\n",
        encoding="utf-8",
    )
    problems = runtests.log_problems(log)
    assert len(problems) == 3
    assert "cabinet_dunning" in problems[0]
    assert problems[1].endswith("ours")
    assert "bad query" in problems[2]


def test_junit_counts(tmp_path):
    report = tmp_path / "junit.xml"
    report.write_text(
        '<testsuites><testsuite tests="7" failures="1" errors="1" skipped="2"/></testsuites>',
        encoding="utf-8",
    )
    assert runtests.junit_counts(report) == (3, 2, 2)
    assert runtests.junit_counts(tmp_path / "missing.xml") == (0, 1, 0)


def test_a_part_that_runs_no_test_fails_the_report():
    report = runtests.Report()
    report.tests("Nothing collected", (0, 0, 0))
    assert not report.ok
    report = runtests.Report()
    report.tests("Plain", (3, 0, 1))
    report.note("Odoo tests: SKIPPED - no Odoo")
    assert report.ok
    assert report.lines == ["Plain: 3 passed, 0 failed, 1 skipped", "Odoo tests: SKIPPED - no Odoo"]


def test_start_explains_a_refused_connection_in_one_line(monkeypatch, tmp_path, capsys):
    pytest.importorskip("psycopg2")
    try:
        odooenv.odoo_version()
    except odooenv.OdooMissing as missing:
        pytest.skip(f"bin/cabinet-start needs Odoo first: {missing}")
    from devtools import start  # noqa: PLC0415 - imports nothing of Odoo itself

    monkeypatch.setenv("PGHOST", str(tmp_path))  # no server listens there
    monkeypatch.delenv("PGUSER", raising=False)
    monkeypatch.setattr(start, "LOCAL", tmp_path / ".local")
    assert start.main(["-d", "cabinet_nowhere"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith(f"Cannot start: PostgreSQL at {tmp_path}:5432 refused user")
    assert "PGUSER" in err[0]
