from datetime import date, timedelta

import odoorpc

from odoo.tests import HttpCase, tagged

from .common import SIRET_AIRBUS, VAT_AIRBUS, CabinetDunningCase


@tagged("post_install", "-at_install")
class TestPayerCardOverRpc(CabinetDunningCase, HttpCase):
    """An integrator drives the payer card with odoorpc, Odoo's reference RPC client."""

    def test_integrator_creates_and_reads_a_payer_card(self):
        with self._odoorpc("dunning_user") as rpc:
            Partner = rpc.env["res.partner"]
            client_id = Partner.create(
                {
                    "name": "Airbus Services",
                    "is_company": True,
                    "country_id": self.france.id,
                    "company_registry": SIRET_AIRBUS,
                    "vat": VAT_AIRBUS,
                    "payer_name": "Nina Roux",
                    "payer_email": "ap@airbus-services.example",
                    "agreed_payment_means": "transfer",
                    "client_segment": "large",
                }
            )
            fields = ["siren", "payer_name", "payer_email", "agreed_payment_means"]
            [card] = Partner.read([client_id], fields)
            [existing] = Partner.read([self.client.id], fields)
            found = Partner.search([("payer_email", "=", "ap@airbus-services.example")])
        self.assertEqual(card["siren"], "383474814")
        self.assertEqual(card["payer_name"], "Nina Roux")
        self.assertEqual(card["payer_email"], "ap@airbus-services.example")
        self.assertEqual(card["agreed_payment_means"], "transfer")
        self.assertEqual(existing["payer_name"], "Claire Martin")
        self.assertEqual(found, [client_id])
        self.assertEqual(self.env["res.partner"].browse(client_id).payer_id.name, "Nina Roux")

    def test_integrator_gets_the_same_validation_errors_in_the_user_language(self):
        bad_client = {"name": "Bad", "is_company": True, "company_registry": "38347481400101"}
        with (
            self._odoorpc("dunning_user") as rpc,
            self.assertRaises(odoorpc.error.RPCError) as caught,
        ):
            rpc.env["res.partner"].create(bad_client)
        self.assertIn("SIRET 38347481400101 is not valid", str(caught.exception))
        self.env["res.lang"]._activate_lang("fr_FR")
        self.user.lang = "fr_FR"
        with (
            self._odoorpc("dunning_user") as rpc,
            self.assertRaises(odoorpc.error.RPCError) as caught,
        ):
            rpc.env["res.partner"].create(bad_client)
        self.assertIn("le SIRET 38347481400101 n'est pas valide", str(caught.exception))
        self.assertEqual(self.env["res.partner"].search_count([("name", "=", "Bad")]), 0)

    def test_integrator_without_the_group_cannot_read_the_card(self):
        with self._odoorpc("internal") as rpc:
            [visible] = rpc.env["res.partner"].read([self.client.id], ["name"])
            with self.assertRaises(odoorpc.error.RPCError) as caught:
                rpc.env["res.partner"].read([self.client.id], ["payer_email"])
        self.assertEqual(visible["name"], "Boulangerie Martin")
        self.assertIn("payer_email", str(caught.exception))

    def test_integrator_runs_the_dunning_and_reads_a_client_status(self):
        due = date.today() - timedelta(days=12)
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.client.id,
                "invoice_date": due - timedelta(days=30),
                "invoice_date_due": due,
                "invoice_line_ids": [(0, 0, {"name": "Honoraires", "price_unit": 480.0})],
            }
        )
        invoice.action_post()
        with self._odoorpc("dunning_user") as rpc:
            run_id = rpc.execute_kw("cabinet.dunning.run", "run_dunning", [])
            reminders = rpc.execute_kw(
                "cabinet.dunning.line",
                "search_read",
                [[("run_id", "=", run_id), ("partner_id", "=", self.client.id)]],
                {"fields": ["state", "level_id", "amount_due", "move_line_ids"]},
            )
            [reminder] = reminders
            rpc.execute_kw("cabinet.dunning.line", "action_send", [[reminder["id"]]])
            [queued] = rpc.execute_kw("cabinet.dunning.line", "read", [[reminder["id"]], ["state"]])
            [status] = rpc.execute_kw(
                "account.move", "read", [[invoice.id], ["amount_residual", "name"]]
            )
        self.assertEqual(reminder["state"], "proposed")
        self.assertEqual(queued["state"], "queued")
        self._send_queued_reminders()
        self.assertEqual(reminder["level_id"][1], "Courtesy call", "the first level first")
        self.assertAlmostEqual(reminder["amount_due"], invoice.amount_total)
        self.assertEqual(status["name"], invoice.name)
        receivable = invoice.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        self.assertEqual(receivable.dunning_level_id.name, "Courtesy call")
