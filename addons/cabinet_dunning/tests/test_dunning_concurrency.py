"""Two runs, or two senders, at the same moment: two real database cursors, committed data.

These tests cannot share the test transaction: each worker has its own cursor, as two Odoo
workers (or two XML-RPC calls) would. What they create is committed, so they remove it after.
"""

from datetime import date, timedelta
from functools import partial

from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, api
from odoo.service.model import retrying
from odoo.tests import tagged
from odoo.tests.common import TransactionCase
from odoo.tools import mute_logger

from .common import at_once

RUN_DATE = date.today()


@tagged("post_install", "-at_install")
class TestDunningConcurrency(TransactionCase):
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
            client = env["res.partner"].create(
                {
                    "name": "Client concurrent",
                    "is_company": True,
                    "email": "compta@client-concurrent.example",
                    "dunning_channel": "email",
                }
            )
            due = RUN_DATE - timedelta(days=8)
            invoice = env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": client.id,
                    "invoice_date": due - timedelta(days=30),
                    "invoice_date_due": due,
                    "invoice_line_ids": [
                        (0, 0, {"name": "Honoraires", "price_unit": 300, "tax_ids": []})
                    ],
                }
            )
            invoice.action_post()
            self.client_id, self.invoice_id = client.id, invoice.id
        self.addCleanup(self._drop_book)

    def _drop_book(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            lines = env["cabinet.dunning.line"].search([("partner_id", "=", self.client_id)])
            env["mail.mail"].search(
                [("model", "=", "cabinet.dunning.line"), ("res_id", "in", lines.ids)]
            ).unlink()
            lines.run_id.unlink()
            invoice = env["account.move"].browse(self.invoice_id)
            invoice.button_draft()
            invoice.with_context(force_delete=True).unlink()
            env["res.partner"].browse(self.client_id).child_ids.unlink()
            env["res.partner"].browse(self.client_id).unlink()

    def _lines(self, env):
        return env["cabinet.dunning.line"].search([("partner_id", "=", self.client_id)], order="id")

    @mute_logger("odoo.service.model")
    def test_two_runs_started_at_once_propose_one_reminder(self):
        def run(env):
            # As Odoo serves an RPC call: retried on a serialization failure.
            retrying(
                partial(
                    env["cabinet.dunning.run"].run_dunning, RUN_DATE, partner_ids=[self.client_id]
                ),
                env,
            )

        self.assertEqual(at_once(self.registry, run)[1], [])
        with self.registry.cursor() as cr:
            lines = self._lines(api.Environment(cr, SUPERUSER_ID, {}))
            self.assertEqual(len(lines.run_id), 2, "both runs exist")
            self.assertEqual(sorted(lines.mapped("state")), ["proposed", "skipped"])
            self.assertEqual(lines.filtered(lambda line: line.state == "skipped").skip_reason,
                             "pending")  # fmt: skip

    @mute_logger("odoo.service.model", "odoo.sql_db")
    def test_two_senders_at_once_send_a_reminder_once(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            run_id = env["cabinet.dunning.run"].run_dunning(RUN_DATE, [self.client_id])
            env["cabinet.dunning.run"].browse(run_id).line_ids.action_send()

        def send(env):
            try:
                env["cabinet.dunning.line"]._cron_send_queued()
            except SerializationFailure:
                env.cr.rollback()  # the cron job fails, and is run again later

        at_once(self.registry, send)
        at_once(self.registry, send)  # and the next cron runs find nothing more to send
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            [line] = self._lines(env)
            self.assertEqual(line.state, "done")
            self.assertEqual(line.channel, "phone", "the first level is a call")
            calls = env["mail.activity"].search_count(
                [("res_model", "=", "res.partner"), ("res_id", "=", self.client_id)]
            )
            self.assertEqual(calls, 1, "one call to make")
            receivable = (
                env["account.move"]
                .browse(self.invoice_id)
                .line_ids.filtered(lambda move_line: move_line.account_type == "asset_receivable")
            )
            self.assertEqual(receivable.dunning_level_id, line.level_id)
