import json
import os
import resource
import signal
import subprocess
import sys
import threading
from pathlib import Path

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..rules import facturx_cii
from ..tools import facturx_checker
from .common import OnlineServicesCase, stored_facturx_xml

# Odoo's default limit_memory_hard, which its server sets as the soft RLIMIT_AS.
ODOO_LIMIT_MEMORY_HARD = 2560 * 1024 * 1024
CHECKER = Path(facturx_checker.__file__)
UNDER_ODOOS_LIMIT = """
import importlib.util, json, resource, sys
_soft, hard = resource.getrlimit(resource.RLIMIT_AS)
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]), hard))
if sys.argv[2] == "in-process":
    from saxonche import PySaxonProcessor
    PySaxonProcessor(license=False)
    sys.exit(0)
spec = importlib.util.spec_from_file_location("checker", sys.argv[2])
checker = importlib.util.module_from_spec(spec)
spec.loader.exec_module(checker)
documents = [document.encode() for document in json.load(sys.stdin)]
print(json.dumps({"limit": resource.getrlimit(resource.RLIMIT_AS)[0],
                  "problems": checker.check(documents), "checker": checker.checker().pid}))
"""


@tagged("post_install", "-at_install")
class TestFacturxChecker(OnlineServicesCase):
    """The XSD and schematron checks run in one long-lived checker process per server
    process, started once for many invoices, started again when it dies, and able to run
    under the address-space limit an Odoo server sets itself."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_french_invoicing()
        cls.client.einvoice_email = "factures@boulangerie-martin.example"

    def _invoices(self, count):
        result = self.env["cabinet.billing.run"].run_billing("2026-11-25")
        first = self.env["account.move"].browse(result["invoice_ids"])
        others = self.env["account.move"].concat(*(first.copy() for _index in range(count - 1)))
        others.action_post()
        return first | others

    def _rename(self, invoice, name):
        """The invoice number the French rules refuse (a space: BR-FR-02)."""
        invoice.button_draft()
        invoice.name = name
        invoice.action_post()

    def test_one_checker_process_checks_each_chunk_and_outlives_it(self):
        checker = facturx_checker.checker()
        checker.close()
        starts, exchanges = checker.starts, checker.exchanges
        invoices = self._invoices(3)
        invoices[:2]._cabinet_issue_facturx()
        pid = checker.pid
        self.assertTrue(pid)
        self.assertNotEqual(pid, os.getpid(), "the checks run in a process of their own")
        self.assertEqual(
            (checker.starts, checker.exchanges),
            (starts + 1, exchanges + 1),
            "one process started, one exchange for the two invoices of the chunk",
        )
        invoices[2:]._cabinet_issue_facturx()
        self.assertEqual(checker.pid, pid, "the same process checks the next chunk")
        self.assertEqual((checker.starts, checker.exchanges), (starts + 1, exchanges + 2))
        self.assertEqual(len(stored_facturx_xml(invoices)), 3)

    def test_a_dead_checker_is_started_again(self):
        invoice = self._invoices(1)
        self.assertEqual(invoice._cabinet_facturx_problems(), [])
        checker = facturx_checker.checker()
        dead, starts = checker.pid, checker.starts
        os.kill(dead, signal.SIGKILL)
        self._rename(invoice, "FAC 2026 0001")
        [(rule, message)] = invoice._cabinet_facturx_problems()
        self.assertIn("BR-FR-02", rule)
        self.assertIn("FAC 2026 0001", message)
        self.assertNotIn(checker.pid, (None, dead))
        self.assertEqual(checker.starts, starts + 1)

    def test_an_invoice_the_schematrons_reject_is_not_issued_and_says_why(self):
        invoices = self._invoices(2)
        self._rename(invoices[1], "FAC 2026 0002")
        with self.assertRaisesRegex(UserError, "FAC 2026 0002: missing BR-FR CTC BR-FR-02"):
            invoices._cabinet_issue_facturx()
        self.assertFalse(stored_facturx_xml(invoices))

    def test_in_a_sending_only_the_invoice_the_schematrons_reject_fails(self):
        self.client.write({"invoice_edi_format": "cabinet_facturx",
                           "einvoice_agreed_on": "2026-10-01"})  # fmt: skip
        invoices = self._invoices(3)
        self._rename(invoices[1], "FAC 2026 0002")
        batch = self.env["cabinet.einvoice.batch"]._queue(invoices)
        self.env.flush_all()
        with self.enter_registry_test_mode():
            self.env.ref("cabinet_online_services.ir_cron_send_einvoices").method_direct_trigger()
        self.env.invalidate_all()
        states = {line.move_id: line.state for line in batch.line_ids}
        self.assertEqual(
            states, {invoices[0]: "queued", invoices[1]: "failed", invoices[2]: "queued"}
        )
        failed = batch.line_ids.filtered(lambda line: line.state == "failed")
        self.assertIn("BR-FR-02", failed.message)
        self.assertEqual(
            set(stored_facturx_xml(invoices).mapped("res_id")), set((invoices - invoices[1]).ids)
        )

    def test_threads_share_the_checker_and_each_get_their_own_answer(self):
        invoice = self._invoices(1)
        good = invoice._cabinet_facturx_xml()
        data = invoice._cabinet_facturx_invoice()
        data.buyer.siren = self.client.company_registry
        bad = facturx_cii.build_cii(data)
        answers = {}

        def check(name, documents):
            answers[name] = [facturx_checker.check(documents) for _round in range(3)]

        threads = [
            threading.Thread(target=check, args=("good", [good, good])),
            threading.Thread(target=check, args=("bad", [bad])),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(answers["good"], [[[], []]] * 3)
        for [problems] in answers["bad"]:
            self.assertTrue(any("BR-FR" in rule for rule, _text in problems), problems)

    def test_the_checks_run_under_the_address_space_limit_odoo_sets(self):
        invoice = self._invoices(1)
        data = invoice._cabinet_facturx_invoice()
        data.buyer.siren = self.client.company_registry
        documents = [invoice._cabinet_facturx_xml().decode(), facturx_cii.build_cii(data).decode()]
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        self.assertTrue(
            hard == resource.RLIM_INFINITY or hard > 4 * ODOO_LIMIT_MEMORY_HARD,
            "the checker lifts its soft limit to the hard one",
        )

        def run(target):
            return subprocess.run(
                [sys.executable, "-c", UNDER_ODOOS_LIMIT, str(ODOO_LIMIT_MEMORY_HARD), target],
                input=json.dumps(documents),
                capture_output=True,
                text=True,
                check=False,
                timeout=300,
            )

        in_process = run("in-process")
        self.assertNotEqual(in_process.returncode, 0, "Saxon cannot start under the limit")
        completed = run(str(CHECKER))
        self.assertEqual(completed.returncode, 0, completed.stderr)
        answer = json.loads(completed.stdout)
        self.assertEqual(answer["limit"], ODOO_LIMIT_MEMORY_HARD)
        good, bad = answer["problems"]
        self.assertEqual(good, [])
        self.assertTrue(any("BR-FR" in rule for rule, _text in bad), bad)
        with self.assertRaises(ProcessLookupError, msg="stopped when its parent exits"):
            os.kill(answer["checker"], 0)
