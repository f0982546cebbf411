"""Odoo's own ``account`` tests, with our addons and without them.

Our addons override partners (create, copy, the one-account rule), invoices (posting,
sending, reports, portal), payment terms and payments. The test command runs the Odoo test
classes that exercise those on the database with our addons, and on a database with the same
modules but ours, and compares: a test that passes without our addons must pass with them.
A test that fails on both (it depends on what the other modules or the French language change)
is listed, not counted against us.
"""

import ast
import xml.etree.ElementTree as ET
from pathlib import Path

from . import odooenv

# account/tests/<file>: what it exercises of what we override.
TEST_FILES = (
    "test_account_partner.py",  # partners: create, VAT, bank accounts
    "test_res_partner_merge.py",  # partners: merge
    "test_duplicate_res_partner_bank.py",  # partners: bank accounts
    "test_account_move_duplicate.py",  # invoices and partners: copy, duplicate warning
    "test_account_payment_register.py",  # payments: register
    "test_account_move_payments_widget.py",  # payments: outstanding widget
    "test_account_move_reconcile.py",  # reconciliation
    "test_account_move_send.py",  # Send & Print
    "test_ir_actions_report.py",  # invoice PDF
    "test_account_invoice_report.py",  # invoice analysis
    "test_portal_invoice.py",  # portal: invoices
    "test_portal_attachment.py",  # portal: attachments
    "test_fiscal_position.py",  # fiscal positions (two partners, one VAT)
    "test_payment_term.py",  # payment terms
)


def baseline_modules():
    """What the database without our addons holds: the French firm's modules and every
    module our addons depend on, ours excepted."""
    modules = set(odooenv.BASE_MODULES)
    for name in odooenv.OUR_MODULES:
        manifest = ast.literal_eval((odooenv.PROJECT_ADDONS / name / "__manifest__.py").read_text())
        modules |= set(manifest.get("depends", []))
    return sorted(modules - set(odooenv.OUR_MODULES))


def test_paths():
    tests = Path(odooenv.community_addons_path()) / "account" / "tests"
    return [str(tests / name) for name in TEST_FILES]


def outcomes(junit_path):
    """{test id: "passed" | "failed" | "skipped"} from a pytest JUnit XML report."""
    results = {}
    if not Path(junit_path).exists():
        return results
    for case in ET.parse(junit_path).getroot().iter("testcase"):
        test_id = f"{case.get('classname')}.{case.get('name')}"
        if case.find("failure") is not None or case.find("error") is not None:
            results[test_id] = "failed"
        elif case.find("skipped") is not None:
            results[test_id] = "skipped"
        else:
            results[test_id] = "passed"
    return results


def compare(with_ours, without_ours):
    """(passed, regressions, failing on both): a regression is a test that passes without
    our addons and not with them (or is missing from the run with them)."""
    passed = sorted(test for test, outcome in with_ours.items() if outcome == "passed")
    regressions = sorted(
        test
        for test, outcome in without_ours.items()
        if outcome == "passed" and with_ours.get(test) != "passed"
    )
    both = sorted(
        test
        for test, outcome in with_ours.items()
        if outcome == "failed" and without_ours.get(test) == "failed"
    )
    return passed, regressions, both
