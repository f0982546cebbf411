import base64

import odoorpc

from odoo.tests import HttpCase, new_test_user, tagged

from .common import OnlineServicesCase, stored_facturx_xml


@tagged("post_install", "-at_install")
class TestFacturXOverRpc(OnlineServicesCase, HttpCase):
    """An integrator fetches the Factur-X of the firm's invoices with odoorpc."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_french_invoicing()
        new_test_user(
            cls.env,
            login="fx_integrator",
            lang="en_US",
            groups="base.group_user,account.group_account_invoice",
        )

    def _invoices(self):
        result = self.env["cabinet.billing.run"].run_billing("2026-11-25")
        return self.env["account.move"].browse(result["invoice_ids"])

    def test_fetch_the_pdf_and_xml_of_an_invoice(self):
        import facturx  # noqa: PLC0415

        invoice = self._invoices()
        with self._odoorpc("fx_integrator") as rpc:
            [document] = rpc.execute_kw("account.move", "get_facturx", [invoice.ids])
            [again] = rpc.execute_kw("account.move", "get_facturx", [invoice.ids])
        pdf = base64.b64decode(document["pdf"])
        xml = base64.b64decode(document["xml"])
        self.assertEqual((document["id"], document["name"]), (invoice.id, invoice.name))
        _filename, embedded = facturx.get_xml_from_pdf(pdf, check_xsd=True)
        self.assertEqual(embedded, xml)
        self.assertIn(invoice.name.encode(), xml)
        self.assertEqual(again["pdf"], document["pdf"], "issued once, then fetched")

    def test_an_invoice_missing_a_mention_is_refused_with_the_reason(self):
        invoice = self._invoices()
        self.client.company_registry = False
        with self._odoorpc("fx_integrator") as rpc:
            with self.assertRaises(odoorpc.error.RPCError) as refused:
                rpc.execute_kw("account.move", "get_facturx", [invoice.ids])
        self.assertIn("SIREN of the client", str(refused.exception))
        self.assertFalse(
            stored_facturx_xml(invoice)
        )  # fmt: skip
