"""Two requests issue the same Factur-X at the same moment: two real database cursors, as
two Odoo workers (two XML-RPC calls, or Send & Print and an integrator) would have.

What these tests create is committed, so they remove it after, and put back the firm's
identity they completed.
"""

from functools import partial

from stdnum import luhn

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.service.model import retrying
from odoo.tests import tagged
from odoo.tests.common import TransactionCase
from odoo.tools import mute_logger

from odoo.addons.cabinet_dunning.tests.common import at_once

IBAN = "FR7630006000011234567890189"
FIRM_FIELDS = ("company_registry", "vat", "street", "zip", "city", "country_id")


@tagged("post_install", "-at_install")
class TestFacturXConcurrency(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.env["account.journal"].search_count(
            [("type", "=", "sale"), ("company_id", "=", cls.env.company.id)], limit=1
        ):
            cls.skipTest(cls, "the database's main company has no chart of accounts")

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            firm = env.company.partner_id
            self.firm_before = {name: firm[name] for name in FIRM_FIELDS}
            self.currency_before = env.company.currency_id
            if self.currency_before != env.ref("base.EUR"):
                # French e-invoices are in euros (BR-FR-CO-12), as _setup_french_invoicing.
                try:
                    env.company.currency_id = env.ref("base.EUR")
                except UserError as refused:
                    self.skipTest(f"the main company cannot be set in euros: {refused}")
            siren = "82305401" + luhn.calc_check_digit("82305401")
            firm.write(
                {
                    "company_registry": siren + "0001" + luhn.calc_check_digit(siren + "0001"),
                    "vat": f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}",
                    "street": "1 rue de la Paix", "zip": "75002", "city": "Paris",
                    "country_id": env.ref("base.fr").id,
                }
            )  # fmt: skip
            client_siren = "55203253" + luhn.calc_check_digit("55203253")
            client = env["res.partner"].create(
                {"name": "Client concurrent SAS", "is_company": True,
                 "company_registry": client_siren, "street": "3 place du Marché",
                 "zip": "69001", "city": "Lyon", "country_id": env.ref("base.fr").id}
            )  # fmt: skip
            tax = env["account.tax"].create(
                {"name": "TVA 20 % (concurrence)", "amount": 20, "amount_type": "percent",
                 "type_tax_use": "sale", "company_id": env.company.id}
            )  # fmt: skip
            # Odoo archives a bank account it is asked to delete: the next run takes it back.
            bank = env["res.partner.bank"].with_context(active_test=False).search(
                [("partner_id", "=", firm.id), ("acc_number", "=", IBAN)], limit=1
            ) or env["res.partner.bank"].create({"acc_number": IBAN, "partner_id": firm.id})
            bank.active = True
            invoice = env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": client.id,
                    "partner_bank_id": bank.id,
                    "invoice_date": "2026-11-25",
                    "invoice_line_ids": [
                        (0, 0, {"name": "Tenue comptable", "price_unit": 300,
                                "tax_ids": tax.ids})
                    ],
                }
            )  # fmt: skip
            invoice.action_post()
            # The invoice has its main attachment already (the client's order): issuing
            # writes nothing else on the invoice's row.
            invoice.message_main_attachment_id = env["ir.attachment"].create(
                {"name": "bon-de-commande.txt", "raw": b"BC 2026-118", "res_model": "account.move",
                 "res_id": invoice.id}
            )  # fmt: skip
            self.client_id, self.invoice_id, self.tax_id = client.id, invoice.id, tax.id
            self.bank_id = bank.id
        self.addCleanup(self._drop)

    def _drop(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            invoice = env["account.move"].browse(self.invoice_id)
            env["ir.attachment"].search(
                [("res_model", "=", "account.move"), ("res_id", "=", invoice.id),
                 ("res_field", "in", [False, "invoice_pdf_report_file", "ubl_cii_xml_file"])]
            ).unlink()  # fmt: skip
            invoice.button_draft()
            invoice.with_context(force_delete=True).unlink()
            env["res.partner"].browse(self.client_id).unlink()
            env["account.tax"].browse(self.tax_id).unlink()
            env["res.partner.bank"].browse(self.bank_id).unlink()  # archived
            env.company.currency_id = self.currency_before
            env.company.partner_id.write(
                {name: value.id if hasattr(value, "ids") else value
                 for name, value in self.firm_before.items()}
            )  # fmt: skip

    @mute_logger("odoo.service.model")
    def test_two_integrators_fetching_at_once_get_one_einvoice(self):
        def fetch(env):
            # As Odoo serves an XML-RPC call: run again on a serialization failure.
            return retrying(partial(env["account.move"].get_facturx, [self.invoice_id]), env)

        results, errors = at_once(self.registry, fetch, {"lang": "en_US"})
        self.assertEqual(errors, [])
        [first], [second] = results
        self.assertEqual(first["pdf"], second["pdf"], "both get the one document issued")
        self.assertEqual(first["xml"], second["xml"])
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            stored = env["ir.attachment"].search_count(
                [("res_model", "=", "account.move"), ("res_id", "=", self.invoice_id),
                 ("res_field", "in", [False, "invoice_pdf_report_file", "ubl_cii_xml_file"])]
            )  # fmt: skip
            self.assertEqual(stored, 3, "the order, one PDF and one XML")
