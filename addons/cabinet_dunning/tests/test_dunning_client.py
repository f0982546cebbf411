from datetime import date, timedelta

from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from .test_dunning_run import DunningRunCase


@tagged("post_install", "-at_install")
class TestDunningClient(DunningRunCase):
    """ "Mes clients": where each client stands, from Odoo's own figures, and who sees it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = date.today()  # the view counts days late from the database's date
        cls.responsible = new_test_user(
            cls.env, login="expert_martin", groups="base.group_user", lang="fr_FR"
        )
        cls.client.with_company(cls.env.company).dunning_responsible_id = cls.responsible
        cls.other_client = cls.env["res.partner"].create(
            {"name": "Fleurs Lemoine", "is_company": True, "client_segment": "pme"}
        )

    def _row(self, partner=None, user=None):
        # A database view: what the request read before is not what it reads now.
        self.env["cabinet.dunning.client"].invalidate_model()
        Client = self.env["cabinet.dunning.client"]
        if user:
            Client = Client.with_user(user)
        return Client.search(
            [("partner_id", "=", (partner or self.client).id),
             ("company_id", "=", self.env.company.id)]
        )  # fmt: skip

    def test_figures_are_the_books_own(self):
        oldest = self._due_invoice(300, 45)
        self._due_invoice(200, 10)
        self._due_invoice(500, -20)  # not due yet
        self._pay(oldest, 100, day=self.today)
        row = self._row()
        # By hand: 300 - 100 + 200 + 500 due; 200 + 200 overdue; 45 days for the oldest.
        self.assertEqual(row.amount_due, 900)
        self.assertEqual(row.amount_overdue, 400)
        self.assertEqual(row.days_late, 45)
        self.assertEqual(row.oldest_due_date, self.today - timedelta(days=45))
        self.assertEqual(row.invoice_count, 3)
        self.assertEqual(row.next_action, "next_run")
        # Odoo's own figures: the client's receivable and its open invoices' residuals.
        self.assertEqual(row.amount_due, self.client.with_company(self.env.company).credit)
        residual = sum(
            self.env["account.move"]
            .search([("partner_id", "=", self.client.id), ("state", "=", "posted")])
            .mapped("amount_residual")
        )
        self.assertEqual(row.amount_due, residual)
        self.assertEqual(row.responsible_id, self.responsible)
        self.assertEqual(row.account_manager_id, self.accountant)
        self.assertEqual(row.client_segment, "tpe")

    def test_a_credit_note_lowers_what_is_due_and_a_paid_client_is_gone(self):
        invoice = self._due_invoice(300, 20)
        refund = self._create_invoice(
            move_type="out_refund", partner_id=self.client.id, invoice_date=self.today,
            invoice_line_ids=[(0, 0, {"name": "Avoir", "price_unit": 50, "tax_ids": []})],
            post=True,
        )  # fmt: skip
        row = self._row()
        self.assertEqual(row.amount_due, 250)
        self.assertEqual(row.amount_overdue, 300 - 50, "an unreconciled credit counts now")
        self.assertEqual(row.amount_due, self.client.with_company(self.env.company).credit)
        (self._receivable(invoice) | self._receivable(refund)).reconcile()
        self._pay(invoice, 250, day=self.today)
        self.assertFalse(self._row(), "nothing due, nothing to follow")

    def test_a_reminder_to_validate_is_the_next_action(self):
        self._due_invoice(300, 70)
        reminder = self._run(day=self.today)
        self.assertEqual(reminder.state, "proposed")
        row = self._row()
        self.assertEqual((row.next_action, row.next_action_date), ("validate_reminder", self.today))

    def test_level_promise_and_dispute_give_the_next_action(self):
        late = self._due_invoice(300, 70)
        reminders = self._run(day=self.today, send=True)
        self.assertTrue(reminders)
        row = self._row()
        self.assertEqual(row.level_id, self._receivable(late).dunning_level_id)
        self.assertEqual(row.last_reminder_date, self.today)
        promise = self.env["cabinet.dunning.promise"].create(
            {"partner_id": self.client.id, "move_ids": [(6, 0, late.ids)], "amount": 300,
             "promise_date": self.today + timedelta(days=10)}
        )  # fmt: skip
        row = self._row()
        self.assertEqual((row.next_action, row.next_action_date),
                         ("promise", promise.promise_date))  # fmt: skip
        self.assertEqual(row.open_promise_count, 1)
        self.env["cabinet.dunning.dispute"].create(
            {"move_id": late.id, "reason": "Prestation contestée", "amount": 100}
        )
        self.assertEqual(self._row().open_dispute_count, 1)

    def test_the_responsible_sees_their_clients_and_the_collection_team_all(self):
        self._due_invoice(300, 20)
        self._due_invoice(150, 5, partner=self.other_client)
        mine = self.env["cabinet.dunning.client"].with_user(self.responsible).search([])
        self.assertEqual(mine.partner_id, self.client, "only the clients one answers for")
        team = self.env["cabinet.dunning.client"].with_user(self.accountant).search([])
        self.assertEqual(team.partner_id, self.client | self.other_client)
        with self.assertRaises(AccessError):
            self._row(user=self.responsible).with_user(self.responsible).write({"amount_due": 0})
        portal = new_test_user(self.env, login="portal_lemoine", groups="base.group_portal")
        with self.assertRaises(AccessError):
            self.env["cabinet.dunning.client"].with_user(portal).search([])

    def test_the_client_card_shows_where_the_client_stands(self):
        late = self._due_invoice(300, 40)
        self._due_invoice(100, -5)
        card = self.client.with_user(self.accountant)
        self.assertEqual(card.collection_amount_due, 400)
        self.assertEqual(card.collection_amount_overdue, 300)
        self.assertEqual(card.collection_days_late, 40)
        self.assertEqual(card.collection_overdue_invoice_count, 1)
        action = card.action_view_collection_overdue_invoices()
        self.assertEqual(self.env["account.move"].search(action["domain"]), late)
        self.assertFalse(self.other_client.with_user(self.accountant).collection_amount_due)

    def test_the_list_and_the_card_load_for_each_role(self):
        self._due_invoice(300, 40)
        views = (
            self.env["cabinet.dunning.client"]
            .with_user(self.responsible)
            .get_views([(False, "list"), (False, "kanban"), (False, "search")])
        )
        self.assertIn("amount_overdue", views["views"]["list"]["arch"])
        action = self.env.ref("cabinet_dunning.action_cabinet_dunning_client")
        # The rules keep anyone else to their own clients; the collection team sees them all
        # (the "My clients" filter is one click away).
        self.assertNotIn("search_default_mine", action.context)
        self.assertIn("search_default_overdue", action.context)
        card = Form(self.client.with_user(self.accountant))
        self.assertEqual(card.collection_amount_overdue, 300)
        self.assertEqual(card.collection_next_action, "next_run")

    def _responsible_todos(self):
        return self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.client.id),
             ("user_id", "=", self.responsible.id)]
        )  # fmt: skip

    def test_the_responsible_is_told_when_a_client_reaches_their_level(self):
        self.env.company.partner_id.lang = "fr_FR"  # the firm writes in French
        self.policy.catch_up = True  # a migrating firm: start at the level of the days late
        late = self._due_invoice(1200, 35)
        reminder = self._run(day=self.today)
        self.assertEqual(reminder.level_id, self._level("firm_letter"))
        self.assertEqual(reminder.level_id.actor, "responsible")
        todo = self._responsible_todos()
        self.assertEqual(len(todo), 1)
        self.assertEqual(todo.date_deadline, self.today)
        self.assertIn("a atteint", todo.summary)
        self.assertIn(late.name, str(todo.note))
        self.assertIn("a atteint le niveau de relance", self.client.message_ids[0].body)
        self._run(day=self.today)
        self.assertEqual(len(self._responsible_todos()), 1, "the same day's run tells once")
        self.assertEqual(
            self.env["mail.activity"]
            .with_user(self.responsible)
            .search_count([("id", "=", todo.id)]),
            1,
            "the responsible sees it with their own rights",
        )

    def test_the_responsible_is_told_when_a_client_opens_a_dispute(self):
        self.env.company.partner_id.lang = "fr_FR"
        invoice = self._due_invoice(300, 10)
        self.env["cabinet.dunning.dispute"].with_user(self.accountant).create(
            {"move_id": invoice.id, "reason": "Prestation <b>non</b> réalisée", "amount": 120}
        )
        todo = self._responsible_todos()
        self.assertEqual(todo.summary, f"Litige sur {invoice.name}")
        self.assertIn("&lt;b&gt;non&lt;/b&gt;", str(todo.note), "the client's words, as text")
        self.env["cabinet.dunning.dispute"].create(
            {"move_id": self._due_invoice(80, 3, partner=self.other_client).id,
             "reason": "Erreur de TVA"}
        )  # fmt: skip
        self.assertFalse(
            self.env["mail.activity"].search(
                [("res_model", "=", "res.partner"), ("res_id", "=", self.other_client.id)]
            ),
            "a client without responsible: nobody to tell, nothing fails",
        )
