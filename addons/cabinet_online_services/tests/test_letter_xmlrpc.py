import odoorpc

from odoo.tests import HttpCase, new_test_user, tagged

from .common import OnlineServicesCase


@tagged("post_install", "-at_install")
class TestEngagementLetterOverRpc(OnlineServicesCase, HttpCase):
    """An integrator drives a letter's whole life with odoorpc."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_letters()
        new_test_user(
            cls.env,
            login="integrator",
            lang="en_US",
            groups="base.group_user,account_payment_order.group_account_payment,"
            "cabinet_online_services.group_online_services_manager",
        )

    def test_create_sign_activate_amend_terminate(self):
        model = "cabinet.engagement.letter"
        with self._odoorpc("integrator") as rpc:
            letter_id = rpc.execute_kw(
                model,
                "create",
                [
                    {
                        "partner_id": self.client.id,
                        "start_date": "2026-02-01",
                        "line_ids": [[0, 0, {"product_id": self.dashboard.id, "quantity": 2}]],
                    }
                ],
            )
            rpc.execute_kw(model, "action_send", [[letter_id]])
            rpc.execute_kw(model, "action_sign", [[letter_id]])
            with self.assertRaises(odoorpc.error.RPCError) as refused:
                rpc.execute_kw(model, "action_activate", [[letter_id]])
            bank_id = rpc.execute_kw(
                "res.partner.bank",
                "create",
                [{"partner_id": self.client.id, "acc_number": "FR7630006000011234567890189"}],
            )
            mandate_id = rpc.execute_kw(
                "account.banking.mandate",
                "create",
                [{"partner_bank_id": bank_id, "signature_date": "2026-01-20"}],
            )
            rpc.execute_kw("account.banking.mandate", "validate", [[mandate_id]])
            rpc.execute_kw(model, "action_activate", [[letter_id]])
            rpc.execute_kw(
                model,
                "amend",
                [
                    [letter_id],
                    "2026-05-01",
                    "Trois accès au tableau de bord",
                    [{"product_id": self.dashboard.id, "quantity": 3}],
                ],
            )
            rpc.execute_kw(model, "terminate", [[letter_id], "2026-12-31", "Départ du client"])
            [read] = rpc.execute_kw(
                model, "read", [[letter_id], ["state", "mandate_state", "termination_date"]]
            )
        self.assertIn("no valid mandate", str(refused.exception))
        self.assertEqual(read["state"], "terminated")
        self.assertEqual(read["mandate_state"], "valid")
        self.assertEqual(read["termination_date"], "2026-12-31")
        letter = self.env[model].browse(letter_id)
        self.assertEqual(
            [(line.quantity, str(line.date_start), str(line.date_end)) for line in letter.line_ids],
            [(2.0, "2026-02-01", "2026-04-30"), (3.0, "2026-05-01", "2026-12-31")],
        )

    def test_bill_import_usage_and_read_the_result(self):
        self._valid_mandate(self.client)
        self.letter.write({"start_date": "2026-12-01"})
        self.letter.line_ids.date_start = "2026-12-01"
        self._activate(self.letter)
        # The integrator bills: online services manager with invoicing rights.
        integrator = self.env["res.users"].search([("login", "=", "integrator")])
        integrator.group_ids = [(4, self.env.ref("account.group_account_invoice").id)]
        with self._odoorpc("integrator") as rpc:
            result = rpc.execute_kw("cabinet.billing.run", "run_billing", ["2026-11-25"])
            again = rpc.execute_kw("cabinet.billing.run", "run_billing", ["2026-11-25"])
            [invoice] = rpc.execute_kw(
                "account.move",
                "read",
                [result["invoice_ids"], ["partner_id", "amount_untaxed", "state"]],
            )
        self.assertEqual(invoice["partner_id"][0], self.client.id)
        self.assertEqual(invoice["amount_untaxed"], 150.0)
        self.assertEqual(invoice["state"], "posted")
        self.assertEqual(result["issues"], [])
        self.assertEqual(again["invoice_ids"], [], "the same period is never billed twice")
