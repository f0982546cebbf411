import base64

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import OnlineServicesCase


@tagged("post_install", "-at_install")
class TestUsageImport(OnlineServicesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_letters()
        cls._valid_mandate(cls.client)
        cls.letter.write(
            {
                "start_date": "2026-10-01",
                "line_ids": [(0, 0, {"product_id": cls.entries.product_variant_id.id})],
            }
        )
        cls.letter.line_ids.date_start = "2026-10-01"
        cls._activate(cls.letter)
        cls.payroll.product_tmpl_id.write(
            {"service_vendor_id": cls.vendor.id, "vendor_service_code": "PAI",
             "standard_price": 20.0}
        )  # fmt: skip
        cls.other_client.write({"online_services_account_code": "CLI-7"})
        cls.Import = cls.env["cabinet.usage.import"]

    def _import(self, text, kind="usage", month="2026-11-01"):
        raw = text if isinstance(text, bytes) else text.encode()
        record = self.Import.create(
            {
                "name": "Relevé novembre",
                "kind": kind,
                "statement_month": month,
                "vendor_id": self.vendor.id,
                "file": base64.b64encode(raw),
                "filename": "releve.csv",
            }
        )
        record.action_check()
        return record

    def test_a_clean_statement_is_imported_and_billed_with_tiers(self):
        record = self._import("client;service;période;quantité\n552 032 534;ECR;2026-11;2300\n")
        self.assertFalse(record.error_ids)
        self.assertEqual(record.line_ids.state, "draft", "checked, not imported yet")
        record.action_import()
        self.assertEqual(record.line_ids.state, "to_bill")
        result = self.env["cabinet.billing.run"].run_billing("2026-12-01")
        invoices = self.env["account.move"].browse(result["invoice_ids"])
        usage_lines = invoices.invoice_line_ids.filtered(
            lambda line: line.product_id == self.entries.product_variant_id
        )
        self.assertEqual(usage_lines.mapped("quantity"), [500.0, 1500.0, 300.0])
        self.assertAlmostEqual(sum(usage_lines.mapped("price_subtotal")), 50 + 120 + 15)
        self.assertEqual(record.line_ids.state, "billed")
        self.assertEqual(record.line_ids.move_id, usage_lines.move_id)
        self.assertEqual(
            usage_lines.move_id, invoices.sorted("id")[-1], "with the latest period's services"
        )
        again = self.env["cabinet.billing.run"].run_billing("2026-12-02")
        self.assertFalse(again["invoice_ids"], "usage is billed once")

    def test_usage_of_the_current_month_waits_for_its_end(self):
        self._import(
            "client;service;période;quantité\n552032534;ECR;2026-12;10\n", month="2026-12-01"
        ).action_import()
        result = self.env["cabinet.billing.run"].run_billing("2026-12-31")
        self.assertFalse(
            self.env["account.move"]
            .browse(result["invoice_ids"])
            .invoice_line_ids.filtered(
                lambda line: line.product_id == self.entries.product_variant_id
            )
        )

    def test_bad_rows_are_reported_and_nothing_is_imported(self):
        record = self._import(
            "client;service;période;quantité\n"
            "552032534;ECR;2026-11;100\n"
            "999999999;ECR;2026-11;100\n"
            "552032534;XXX;2026-11;100\n"
            "552032534;PAI;2026-11;beaucoup\n"
            "552032534;PAI;novembre;3\n"
            "552032534;ECR;11/2026;5\n"
            "cli-7;PAI;2026-11;2\n"
        )
        self.assertEqual(
            [(error.row_number, error.code) for error in record.error_ids],
            [(3, "unknown_client"), (4, "unknown_service"), (5, "bad_number"),
             (6, "bad_date"), (7, "duplicate")],
        )  # fmt: skip
        self.assertEqual(record.line_count, 2)
        with self.assertRaisesRegex(UserError, "5 rows with errors: nothing is imported"):
            record.action_import()
        self.assertEqual(set(record.line_ids.mapped("state")), {"draft"})
        with self.assertRaisesRegex(UserError, "5 lignes en erreur : rien n'est importé"):
            record.with_context(lang="fr_FR").action_import()
        record.action_import_valid_lines()
        self.assertEqual(set(record.line_ids.mapped("state")), {"to_bill"})
        self.assertEqual(record.line_ids.partner_id, self.client | self.other_client)
        again = self._import("client;service;période;quantité\n552032534;ECR;2026-11;100\n")
        self.assertEqual(again.error_ids.code, "already_imported")
        self.assertEqual(again.error_ids.value, record.name)

    def test_usage_without_a_letter_is_reported_by_the_run(self):
        record = self._import("client;service;période;quantité\nCLI-7;PAI;2026-11;2\n")
        record.action_import()
        run = self.env["cabinet.billing.run"].browse(
            self.env["cabinet.billing.run"].run_billing("2026-12-01")["run_id"]
        )
        self.assertEqual(run.issue_ids.reason, "usage_without_letter")
        self.assertEqual(run.issue_ids.partner_id, self.other_client)
        self.assertEqual(record.line_ids.state, "to_bill", "kept for a later run")

    def test_the_vendor_control_report_finds_each_kind_of_gap(self):
        # November billed: dashboard (not the vendor's), payroll x3 (vendor PAI), entries usage.
        self._import("client;service;période;quantité\n552032534;ECR;2026-11;100\n").action_import()
        self.env["cabinet.billing.run"].run_billing("2026-12-01")
        self.other_client.write({"company_registry": "73282932000074"})
        detail = self._import(
            "client;service;période;quantité;montant\n"
            "552032534;PAI;2026-11;2;40,00\n"  # billed 3, vendor 2
            "732829320;PAI;2026-11;1;20,00\n"  # a client never billed
            "552032534;ECR;2026-11;100;5,00\n",  # 100 x 0.04 = 4.00 expected
            kind="vendor_invoice",
        )
        self.assertFalse(detail.error_ids)
        detail.action_import()
        categories = {
            (line.partner_id, line.product_id.product_tmpl_id, line.category): line
            for line in detail.control_line_ids
        }
        mismatch = categories[(self.client, self.payroll.product_tmpl_id, "quantity_mismatch")]
        self.assertEqual((mismatch.billed_quantity, mismatch.vendor_quantity), (3.0, 2.0))
        self.assertIn((self.other_client, self.payroll.product_tmpl_id, "used_not_billed"),
                      categories)  # fmt: skip
        price = categories[(self.client, self.entries, "price_mismatch")]
        self.assertEqual((price.expected_amount, price.amount_difference), (4.0, 1.0))
        self.assertEqual(len(detail.control_line_ids), 3)
        action = detail.action_view_control_report()
        self.assertEqual(action["domain"], [("import_id", "=", detail.id)])

    def test_a_client_still_billed_but_gone_at_the_vendor(self):
        self.env["cabinet.billing.run"].run_billing("2026-12-01")
        detail = self._import(
            "client;service;période;quantité;montant\n732829320;XXX;2026-11;1;1\n",
            kind="vendor_invoice",
        )
        self.assertEqual(detail.error_ids.code, "unknown_client")
        detail.write(
            {
                "statement_month": "2026-10-01",
                "file": base64.b64encode(
                    "client;service;période;quantité;montant\nCLI-7;PAI;2026-10;1;20\n".encode()
                ),
            }
        )
        self.assertEqual(detail.state, "draft", "a new file is checked again")
        detail.action_check()
        detail.action_import()
        gone = detail.control_line_ids.filtered(lambda line: line.category == "billed_not_used")
        self.assertEqual(gone.partner_id, self.client)
        self.assertEqual(gone.billed_quantity, 3.0)

    def test_only_managers_import(self):
        with self.assertRaises(AccessError):
            self.Import.with_user(self.user).create({"name": "x"})
        record = self._import("client;service;période;quantité\n552032534;ECR;2026-11;1\n")
        self.assertEqual(self.Import.with_user(self.user).search([]), record)
        self.assertFalse(self.Import.with_user(self.other_company_user).search([]))
        with self.assertRaises(AccessError):
            self.Import.with_user(self.portal_user).search([])

    def test_rows_of_another_month_are_errors_and_never_billed(self):
        record = self._import(
            "client;service;période;quantité\n552032534;ECR;2026-11;10\n552032534;PAI;2027-03;4\n"
        )
        self.assertEqual(record.error_ids.mapped("code"), ["out_of_month"])
        self.assertEqual(record.error_ids.row_number, 3)
        self.assertEqual(record.line_ids.mapped("row_number"), [2])

    def test_binary_files_and_formulas_get_a_row_and_stay_harmless(self):
        record = self._import("client;service;période;quantité\n\x00\x01\x02")
        self.assertEqual((record.error_ids.code, record.error_ids.row_number), ("not_text", 2))
        # An image given for the CSV: neither UTF-8 nor Windows-1252 reads all its bytes.
        record = self._import(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x81\x8d\x8f")
        self.assertEqual(record.state, "checked")
        self.assertEqual(record.error_ids.code, "not_text")
        record = self._import(
            'client;service;période;quantité\n=HYPERLINK("http://x");ECR;2026-11;1e20\n'
            "552032534;ECR;2026-11;99999999\n"
        )
        self.assertEqual(record.error_ids.mapped("code"), ["bad_number", "too_large"])
        self.assertEqual(record.error_ids[0].value, "1e20")
        self.assertFalse(record.line_ids)

    def test_an_import_billed_cannot_be_deleted_only_cancelled_with_its_reason(self):
        record = self._import(
            "client;service;période;quantité\n552032534;ECR;2026-11;100\ncli-7;PAI;2026-11;2\n"
        )
        record.action_import()
        self.env["cabinet.billing.run"].run_billing("2026-12-01", letter_ids=self.letter.ids)
        billed = record.line_ids.filtered(lambda line: line.state == "billed")
        self.assertTrue(billed.move_id)
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            record.unlink()
        with self.assertRaisesRegex(UserError, "Say why"):
            record.action_cancel()
        record.cancel_reason = "Relevé corrigé envoyé par l'éditeur"
        record.action_cancel()
        self.assertEqual(record.state, "cancelled")
        self.assertEqual(record.line_ids, billed, "what is billed stays, the rest is gone")
        self.assertEqual(billed.state, "billed")
        with self.assertRaisesRegex(UserError, "cannot change"):
            record.statement_month = "2026-10-01"

    def test_each_service_has_its_plausible_monthly_quantity(self):
        self.payroll.product_tmpl_id.usage_max_quantity = 500  # payslips of a small firm
        record = self._import(
            "client;service;période;quantité\ncli-7;PAI;2026-11;2400\n552032534;ECR;2026-11;2400\n"
        )
        self.assertEqual(
            [(error.row_number, error.code, error.value) for error in record.error_ids],
            [(2, "too_large", "2400")],
        )
        self.assertEqual(record.line_ids.mapped("row_number"), [3], "other services: no bound")
