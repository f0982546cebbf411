from datetime import date, timedelta

import odoorpc

from odoo.tests import HttpCase, tagged

from .common import CabinetDunningCase


@tagged("post_install", "-at_install")
class TestDunningRightsOverRpc(CabinetDunningCase, HttpCase):
    """Each role over XML-RPC with exactly the groups a firm gives it: the Dunning user does
    the collection work; states, amounts, client and level change only through actions."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_client = cls.env["res.partner"].create(
            {"name": "Autre client", "is_company": True}
        )
        cls.invoice = cls._posted_invoice(cls.client, 480.0, days_late=12)
        cls.other_invoice = cls._posted_invoice(cls.other_client, 90.0, days_late=12)

    @classmethod
    def _posted_invoice(cls, partner, amount, days_late):
        due = date.today() - timedelta(days=days_late)
        invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": due - timedelta(days=30),
                "invoice_date_due": due,
                "invoice_line_ids": [
                    (0, 0, {"name": "Honoraires", "price_unit": amount, "tax_ids": []})
                ],
            }
        )
        invoice.action_post()
        return invoice

    def _refused(self, call, message=None):
        with self.assertRaises(odoorpc.error.RPCError) as caught:
            call()
        if message:
            self.assertIn(message, str(caught.exception))
        return caught.exception

    def test_the_dunning_user_does_the_collection_work_with_only_its_group(self):
        self.assertEqual(
            self.user.group_ids.filtered(lambda group: "dunning" in group.get_external_id().get(
                group.id, "")),
            self.env.ref("cabinet_dunning.group_dunning_user"),
        )  # fmt: skip
        self.client.payer_id.phone = False
        with self._odoorpc("dunning_user") as rpc:
            rpc.env["res.partner"].write(
                [self.client.id], {"payer_phone": "+33 4 72 00 00 00", "dunning_channel": "letter"}
            )
            run_id = rpc.execute_kw("cabinet.dunning.run", "run_dunning", [])
            [reminder] = rpc.execute_kw(
                "cabinet.dunning.line",
                "search_read",
                [[("run_id", "=", run_id), ("partner_id", "=", self.client.id)]],
                {"fields": ["state"]},
            )
            rpc.execute_kw("cabinet.dunning.line", "action_send", [[reminder["id"]]])
            promise_id = rpc.env["cabinet.dunning.promise"].create(
                {
                    "partner_id": self.client.id,
                    "move_ids": [(6, 0, self.invoice.ids)],
                    "promise_date": str(date.today() + timedelta(days=10)),
                    "amount": 480.0,
                }
            )
            dispute_id = rpc.env["cabinet.dunning.dispute"].create(
                {"move_id": self.invoice.id, "reason": "Mission contestée", "amount": 100.0}
            )
            rpc.execute_kw("cabinet.dunning.dispute", "action_resolve", [[dispute_id]])
        self.assertEqual(self.client.payer_id.phone, "+33 4 72 00 00 00")
        self.assertEqual(reminder["state"], "proposed")
        self.assertEqual(self.env["cabinet.dunning.line"].browse(reminder["id"]).state, "queued")
        self.assertEqual(self.env["cabinet.dunning.promise"].browse(promise_id).state, "open")
        self.assertEqual(self.env["cabinet.dunning.dispute"].browse(dispute_id).state, "resolved")

    def test_direct_writes_of_states_amounts_client_and_level_are_refused(self):
        run_id = self.env["cabinet.dunning.run"].run_dunning()
        reminder = (
            self.env["cabinet.dunning.run"]
            .browse(run_id)
            .line_ids.filtered(lambda line: line.partner_id == self.client)
        )
        litigation = (
            self.env["cabinet.dunning.litigation"]
            .sudo()
            .create({"partner_id": self.client.id, "move_line_ids": self.invoice.line_ids.ids})
        )
        promise = self.env["cabinet.dunning.promise"].create(
            {
                "partner_id": self.client.id,
                "move_ids": [(6, 0, self.invoice.ids)],
                "promise_date": date.today() + timedelta(days=3),
                "amount": 480.0,
            }
        )
        receivable = self.invoice.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        )
        level = self.env.ref("cabinet_dunning.level_standard_formal_notice")
        (self.user | self.manager).lang = "en_US"
        for login in ("dunning_user", "dunning_manager"):
            with self._odoorpc(login) as rpc:
                Line = rpc.env["cabinet.dunning.line"]
                for vals in (
                    {"state": "done"},
                    {"amount_due": 1.0},
                    {"partner_id": self.other_client.id},
                    {"level_id": level.id},
                ):
                    self._refused(
                        lambda vals=vals, Line=Line: Line.write([reminder.id], vals),
                        "Only the buttons of a record of Reminder change it",
                    )
                self._refused(
                    lambda rpc=rpc: rpc.env["cabinet.dunning.line"].create(
                        {"run_id": run_id, "partner_id": self.client.id, "state": "done",
                         "company_id": self.company.id}
                    )
                )  # fmt: skip
                self._refused(
                    lambda rpc=rpc: rpc.env["cabinet.dunning.litigation"].write(
                        [litigation.id], {"state": "recovered"}
                    ),
                    "change it, never a direct change",
                )
                self._refused(
                    lambda rpc=rpc: rpc.env["cabinet.dunning.litigation"].write(
                        [litigation.id], {"amount_claimed": 0.0}
                    )
                )
                self._refused(
                    lambda rpc=rpc: rpc.env["cabinet.dunning.promise"].write(
                        [promise.id], {"state": "kept"}
                    ),
                    "change it, never a direct change",
                )
                self._refused(
                    lambda rpc=rpc: rpc.env["account.move.line"].write(
                        receivable.ids, {"dunning_level_id": level.id}
                    )
                )
        self.assertEqual(reminder.state, "proposed")
        self.assertEqual(reminder.partner_id, self.client)
        self.assertEqual(litigation.state, "to_hand_over")
        self.assertEqual(promise.state, "open")
        self.assertFalse(receivable.dunning_level_id)

    def test_bad_promises_disputes_and_rates_are_refused_in_both_languages(self):
        self.user.lang = "fr_FR"
        Promise = "cabinet.dunning.promise"
        good = {
            "partner_id": self.client.id,
            "move_ids": [(6, 0, self.invoice.ids)],
            "promise_date": str(date.today() + timedelta(days=3)),
            "amount": 100.0,
        }
        with self._odoorpc("dunning_user") as rpc:
            self._refused(lambda: rpc.env[Promise].create({**good, "amount": -5.0}))
            self._refused(
                lambda: rpc.env[Promise].create(
                    {**good, "promise_date": str(date.today() - timedelta(days=1))}
                ),
                "Une promesse de paiement porte sur aujourd'hui ou une date ultérieure",
            )
            self._refused(
                lambda: rpc.env[Promise].create(
                    {**good, "move_ids": [(6, 0, self.other_invoice.ids)]}
                ),
                "Ce n'est pas une facture de Boulangerie Martin",
            )
            self._refused(
                lambda: rpc.env["cabinet.dunning.dispute"].create(
                    {"move_id": self.invoice.id, "reason": "x", "amount": -1.0}
                ),
                "Le montant contesté ne peut pas être négatif",
            )
            self._refused(
                lambda: rpc.env[Promise].create({**good, "move_ids": []}),
                "Indiquez les factures que le client promet de payer",
            )
            self._refused(
                lambda: rpc.env[Promise].create({**good, "amount": 0.0}),
                "Le montant promis doit être positif",
            )
        self.manager.lang = "en_US"
        with self._odoorpc("dunning_manager") as rpc:
            self._refused(
                lambda: rpc.env["cabinet.ecb.rate"].create(
                    {"semester_start": "2031-01-01", "rate": -0.5}
                )
            )
            self._refused(
                lambda: rpc.env[Promise].create(
                    {**good, "move_ids": [(6, 0, self.other_invoice.ids)]}
                ),
                "Not an invoice of Boulangerie Martin",
            )
        self.assertFalse(self.env[Promise].search([("partner_id", "=", self.client.id)]))
        self.assertFalse(
            self.env["cabinet.ecb.rate"].search([("semester_start", "=", "2031-01-01")])
        )
