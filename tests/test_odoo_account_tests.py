"""The comparison of Odoo's account tests with and without our addons (devtools)."""

from devtools import odoo_account_tests as oat


def _junit(tmp_path, name, cases):
    body = "".join(
        f'<testcase classname="c" name="{test}">{inner}</testcase>' for test, inner in cases
    )
    path = tmp_path / name
    path.write_text(f'<testsuites><testsuite name="s">{body}</testsuite></testsuites>')
    return path


def test_a_test_passing_without_our_addons_must_pass_with_them(tmp_path):
    without = oat.outcomes(
        _junit(tmp_path, "base.xml", [("a", ""), ("b", ""), ("c", "<failure/>"), ("d", "")])
    )
    with_ours = oat.outcomes(
        _junit(tmp_path, "ours.xml", [("a", ""), ("b", "<error/>"), ("c", "<failure/>")])
    )
    passed, regressions, both = oat.compare(with_ours, without)
    assert passed == ["c.a"]
    assert regressions == ["c.b", "c.d"], "failed with ours, or missing from the run"
    assert both == ["c.c"]


def test_skipped_tests_are_neither_passed_nor_failed(tmp_path):
    results = oat.outcomes(_junit(tmp_path, "r.xml", [("a", "<skipped/>")]))
    assert results == {"c.a": "skipped"}
    assert oat.compare(results, results) == ([], [], [])


def test_a_missing_report_has_no_outcome(tmp_path):
    assert oat.outcomes(tmp_path / "none.xml") == {}


def test_the_baseline_holds_our_dependencies_not_our_addons():
    modules = oat.baseline_modules()
    assert "l10n_fr_account" in modules
    assert "account_banking_sepa_direct_debit" in modules
    assert not {"cabinet_dunning", "cabinet_online_services"} & set(modules)
