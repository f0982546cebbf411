from datetime import date, timedelta

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import TransactionCase

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from ..models.cabinet_doubtful_debt import DEFAULT_ACCOUNTS
from .common import CabinetTestMixin, at_once


@tagged("post_install", "-at_install")
class TestDoubtfulDebt(CabinetTestMixin, AccountTestInvoicingCommon, HttpCase):
    """A client's debt classed doubtful, written off or recovered: real posted entries in the
    French chart, checked against the invoices' own amounts and Odoo's balances."""

    @classmethod
    @AccountTestInvoicingCommon.setup_country("fr")
    def setUpClass(cls):
        super().setUpClass()
        if not cls.env["ir.module.module"].search_count(
            [("name", "=", "l10n_fr_account"), ("state", "=", "installed")]
        ):
            cls.skipTest(cls, "l10n_fr_account (the French chart) is not installed")
        cls._setup_cabinet_env()
        # The accounting test user of AccountTestInvoicingCommon also runs the collection.
        cls.env.user.sudo().group_ids = [
            (4, cls.env.ref("cabinet_dunning.group_dunning_manager").id)
        ]
        cls.today = date.today()
        cls.Debt = cls.env["cabinet.doubtful.debt"]
        cls.manager = new_test_user(
            cls.env, login="chef_recouvrement", groups="cabinet_dunning.group_dunning_manager",
            company_id=cls.env.company.id, company_ids=cls.env.company.ids,
        )  # fmt: skip
        cls.collector = new_test_user(
            cls.env, login="recouvreur", groups="cabinet_dunning.group_dunning_user",
            company_id=cls.env.company.id, company_ids=cls.env.company.ids,
        )  # fmt: skip
        cls.client = cls.env["res.partner"].create({"name": "Garage Bonnet", "is_company": True})
        vat = cls.env["account.chart.template"].ref("tva_normale")
        cls.invoice_a = cls._due_invoice(1000, 120, vat)
        cls.invoice_b = cls._due_invoice(500, 100, vat)
        cls.lines = (cls.invoice_a | cls.invoice_b).line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        )

    @classmethod
    def _due_invoice(cls, untaxed, days_late, tax, partner=None):
        return cls.init_invoice(
            "out_invoice", partner=partner or cls.client,
            invoice_date=date.today() - timedelta(days=days_late),
            amounts=[untaxed], taxes=tax, post=True,
        )  # fmt: skip

    def _account(self, xmlid):
        return self.env["account.chart.template"].ref(xmlid)

    def _balance(self, xmlid, partner=None):
        """Odoo's balance of the client on an account of the French chart."""
        partner = partner or self.client
        [(balance,)] = self.env["account.move.line"]._read_group(
            [("account_id", "=", self._account(xmlid).id), ("partner_id", "=", partner.id),
             ("parent_state", "=", "posted")],
            [], ["balance:sum"],
        )  # fmt: skip
        return balance

    def _classify(self, rate=50, user=None, **kwargs):
        Debt = self.Debt.with_user(user or self.manager)
        return Debt.classify(self.client.id, rate, date=self.today - timedelta(days=5), **kwargs)

    def test_classing_moves_the_debt_to_416_and_books_the_provision(self):
        debt = self._classify()
        total = self.invoice_a.amount_total + self.invoice_b.amount_total
        untaxed = self.invoice_a.amount_untaxed + self.invoice_b.amount_untaxed
        self.assertEqual((debt.amount, debt.amount_untaxed), (total, untaxed))
        self.assertEqual(debt.provision_amount, untaxed / 2)
        move = debt.classification_move_id
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.journal_id.type, "general")
        self.assertEqual(move.cabinet_doubtful_debt_id, debt)
        # Odoo's balances: the client account is cleared, 416 holds what is due, 6817/491
        # the provision.
        self.assertEqual(self.client.credit, 0)
        self.assertEqual(self._balance("pcg_416"), total)
        self.assertEqual(self._balance("pcg_68174"), untaxed / 2)
        self.assertEqual(self._balance("pcg_491"), -untaxed / 2)
        # The invoices are still due by the client, and the cockpit says so.
        self.assertEqual(set((self.invoice_a | self.invoice_b).mapped("payment_state")),
                         {"not_paid"})  # fmt: skip
        self.env["cabinet.dunning.client"].invalidate_model()
        row = self.env["cabinet.dunning.client"].search([("partner_id", "=", self.client.id)])
        self.assertEqual(row.amount_due, total)
        figures = self.env["cabinet.dunning.dashboard"].get_figures()
        self.assertEqual(figures["doubtful"]["amount"], total)
        self.assertEqual(figures["doubtful"]["provision"], untaxed / 2)
        self.assertEqual(figures["aged"]["total"], total, "still owed, in its buckets")
        with self.assertRaisesRegex(UserError, "already classed doubtful"):
            self._classify()

    def test_a_write_off_books_the_loss_excluding_vat_and_reverses_the_provision(self):
        debt = self._classify()
        # The client paid 300 of the second invoice in the meantime.
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.invoice_b.ids
        ).create({"amount": 300, "payment_date": self.today})._create_payments()
        debt.with_user(self.manager).action_write_off()
        self.assertEqual(debt.state, "written_off")
        a_untaxed = self.invoice_a.amount_untaxed
        b_share = 300 / self.invoice_b.amount_total  # what was still due of it
        loss = a_untaxed + self.invoice_b.amount_untaxed * b_share
        self.assertEqual(debt.loss_amount, loss)
        self.assertEqual(self._balance("pcg_6541"), loss, "invoices of this year")
        self.assertEqual(self._balance("pcg_416"), 0)
        self.assertTrue(
            all((debt.classification_move_id | debt.closing_move_id).line_ids.filtered(
                lambda line: line.cabinet_doubtful_role == "doubtful").mapped("reconciled")),
            "416 in and out are matched",
        )  # fmt: skip
        self.assertEqual(self._balance("pcg_491"), 0)
        self.assertEqual(self._balance("pcg_78174"), -debt.provision_amount)
        # The VAT of the loss goes back to the VAT account the invoices credited.
        vat_lost = self.invoice_a.amount_tax + self.invoice_b.amount_tax * b_share
        self.assertEqual(self._balance("pcg_44571"), -(
            self.invoice_a.amount_tax + self.invoice_b.amount_tax) + vat_lost)  # fmt: skip
        self.assertEqual(self.client.credit, 0)
        invoices = self.invoice_a | self.invoice_b
        self.assertEqual(invoices.mapped("amount_residual"), [0, 0], "closed by the write-off")
        # What was lost is credited by credit notes of the invoices, on the loss account.
        credit_notes = self.env["account.move"].search(
            [("cabinet_doubtful_debt_id", "=", debt.id), ("move_type", "=", "out_refund")]
        )
        self.assertEqual(credit_notes.reversed_entry_id, invoices)
        self.assertEqual(sum(credit_notes.mapped("amount_untaxed")), loss)
        self.assertEqual(set(credit_notes.invoice_line_ids.account_id.mapped("code")), {"654100"})
        self.assertFalse(
            (debt.classification_move_id | debt.closing_move_id).line_ids.filtered(
                lambda line: line.account_id.reconcile and not line.reconciled),
            "411, 416 and 491 lines of the debt are all matched",
        )  # fmt: skip
        figures = self.env["cabinet.dunning.dashboard"].get_figures()
        self.assertEqual(figures["doubtful"]["amount"], 0)
        self.assertEqual(figures["doubtful"]["write_offs"], {"amount": loss, "count": 1})
        with self.assertRaisesRegex(UserError, "no longer doubtful"):
            debt.with_user(self.manager).action_write_off()

    def test_a_write_off_with_vat_on_payment_leaves_no_vat_due(self):
        """Services are taxed on receipts: the VAT of an invoice never paid never becomes
        due, even though closing the invoice counts as a payment for Odoo's cash basis."""
        self.env.company.tax_exigibility = True
        on_payment = self.env["account.chart.template"].ref("tva_normale_encaissement")
        client = self.env["res.partner"].create({"name": "Cabinet Martel", "is_company": True})
        invoice = self._due_invoice(1000, 150, on_payment, partner=client)
        line = invoice.line_ids.filtered(lambda aml: aml.account_type == "asset_receivable")
        debt = self.Debt.with_user(self.manager).classify(client.id, 50, move_line_ids=line.ids)
        debt.with_user(self.manager).action_write_off()
        self.assertEqual(invoice.amount_residual, 0)
        self.assertEqual(debt.loss_amount, 1000)
        for xmlid in ("pcg_44574", "pcg_44571"):
            with self.subTest(account=xmlid):
                self.assertEqual(self._balance(xmlid, client), 0)
        # The tax grids of the cash-basis entries cancel out: nothing to declare.
        tagged = self.env["account.move.line"].search(
            [("partner_id", "=", client.id), ("tax_tag_ids", "!=", False),
             ("parent_state", "=", "posted"),
             ("move_id.tax_cash_basis_origin_move_id", "!=", False)]
        )  # fmt: skip
        self.assertTrue(tagged)
        for tag in tagged.tax_tag_ids:
            with self.subTest(tag=tag.name):
                self.assertEqual(
                    sum(tagged.filtered(lambda aml, tag=tag: tag in aml.tax_tag_ids)
                        .mapped("balance")), 0)  # fmt: skip

    def test_a_recovery_reverses_the_classing_once_the_client_paid(self):
        debt = self._classify(rate=100)
        with self.assertRaisesRegex(UserError, "still has"):
            debt.with_user(self.manager).action_recover()
        for invoice in self.invoice_a | self.invoice_b:
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"payment_date": self.today})._create_payments()
        debt.with_user(self.manager).action_recover()
        self.assertEqual(debt.state, "recovered")
        self.assertEqual(self._balance("pcg_416"), 0)
        self.assertEqual(self._balance("pcg_491"), 0)
        self.assertEqual(self.client.credit, 0)
        self.assertFalse(
            debt.classification_move_id.line_ids.filtered(
                lambda line: line.cabinet_doubtful_role == "transfer" and not line.reconciled
            ),
            "the move to 416 and its reversal are matched",
        )

    def test_from_a_litigation_file_its_write_off_books_the_loss(self):
        litigation = self.env["cabinet.dunning.litigation"].sudo().create(
            {"partner_id": self.client.id, "move_line_ids": [(6, 0, self.lines.ids)],
             "amount_claimed": 1800}
        )  # fmt: skip
        action = litigation.with_user(self.manager).action_class_doubtful()
        wizard = (
            self.env[action["res_model"]].with_user(self.manager)
            .with_context(**action["context"]).create({"provision_rate": 80})
        )  # fmt: skip
        wizard.action_confirm()
        debt = litigation.doubtful_debt_ids
        self.assertEqual(debt.provision_rate, 80)
        with self.assertRaisesRegex(UserError, "collection manager"):
            litigation.with_user(self.collector).action_write_off()
        litigation.with_user(self.manager).action_write_off()
        self.assertEqual((litigation.state, debt.state), ("written_off", "written_off"))

    def test_only_its_actions_and_a_manager_write_it(self):
        with self.assertRaisesRegex(UserError, "collection manager"):
            self._classify(user=self.collector)
        with self.assertRaisesRegex(UserError, "Seul un responsable du recouvrement"):
            self.Debt.with_user(self.collector).with_context(lang="fr_FR").classify(
                self.client.id, 50
            )
        for rate, message in ((150, "provision_rate"), ("50", "provision_rate")):
            with self.subTest(rate=rate), self.assertRaisesRegex(UserError, message):
                self._classify(rate=rate)
        with self.assertRaisesRegex(UserError, "date"):
            self.Debt.with_user(self.manager).classify(
                self.client.id, 50, date=self.today + timedelta(days=1)
            )
        other = self.env["res.partner"].create({"name": "Autre client"})
        with self.assertRaisesRegex(UserError, "move_line_ids"):
            self.Debt.with_user(self.manager).classify(other.id, 50, move_line_ids=self.lines.ids)
        self.assertFalse(self.Debt.search([]), "nothing half-written")
        income = self.env["account.account"].search(
            [("account_type", "=", "income"), ("company_ids", "in", self.env.company.id)], limit=1
        )
        with self.assertRaisesRegex(ValidationError, "not of their kind"):
            self.env.company.doubtful_account_id = income
        debt = self._classify()
        with self._odoorpc("chef_recouvrement") as rpc:
            for method, args in (
                ("write", [debt.ids, {"state": "recovered"}]),
                ("create", [{"partner_id": self.client.id, "date": "2026-01-01"}]),
            ):
                with self.subTest(method=method), self.assertRaisesRegex(Exception, "buttons"):
                    rpc.execute_kw("cabinet.doubtful.debt", method, args)
        self.assertEqual(debt.state, "doubtful")


@tagged("post_install", "-at_install")
class TestDoubtfulDebtAtOnce(TransactionCase):
    """Two collection managers class the same client's debt at the same moment (two real
    cursors, committed data removed after): one debt, one entry."""

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.company
            if not env["account.journal"].search_count(
                [("company_id", "=", company.id), ("type", "=", "sale")], limit=1
            ):
                self.skipTest("the database's main company has no chart of accounts")
            self.saved_accounts = {name: company[name].id for name in DEFAULT_ACCOUNTS}
            kinds = {"doubtful_account_id": "asset_current",
                     "doubtful_provision_account_id": "asset_current",
                     "doubtful_reversal_account_id": "income"}  # fmt: skip
            accounts = env["account.account"].create(
                [{"name": f"Bench {name}", "code": f"49{index}9{index}7",
                  "account_type": kinds.get(name, "expense"), "reconcile": "doubtful" in name,
                  "company_ids": company.ids}
                 for index, name in enumerate(DEFAULT_ACCOUNTS)]
            )  # fmt: skip
            company.write(dict(zip(DEFAULT_ACCOUNTS, accounts.ids, strict=True)))
            client = env["res.partner"].create({"name": "Client douteux", "is_company": True})
            invoice = env["account.move"].create(
                {"move_type": "out_invoice", "partner_id": client.id,
                 "invoice_date": date.today() - timedelta(days=200),
                 "invoice_line_ids": [(0, 0, {"name": "Honoraires", "price_unit": 900,
                                              "tax_ids": []})]}
            )  # fmt: skip
            invoice.action_post()
            self.client_id, self.invoice_id, self.account_ids = client.id, invoice.id, accounts.ids
        self.addCleanup(self._drop)

    def _drop(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            debts = env["cabinet.doubtful.debt"].search([("partner_id", "=", self.client_id)])
            moves = debts.classification_move_id | env["account.move"].browse(self.invoice_id)
            moves.line_ids.remove_move_reconcile()
            moves.button_draft()
            debts.unlink()
            moves.with_context(force_delete=True).unlink()
            env.company.write(self.saved_accounts)
            env["account.account"].browse(self.account_ids).unlink()
            env["res.partner"].browse(self.client_id).unlink()

    def test_two_managers_class_the_same_debt_once(self):
        def work(env):
            return env["cabinet.doubtful.debt"].classify(self.client_id, 50).id

        results, errors = at_once(self.registry, work)
        self.assertEqual(len(results), 1, errors)
        self.assertEqual(len(errors), 1)
        self.assertRegex(str(errors[0]), "already classed doubtful|could not serialize")
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            debts = env["cabinet.doubtful.debt"].search([("partner_id", "=", self.client_id)])
            self.assertEqual(len(debts), 1)
            self.assertEqual(
                env["account.move"].search_count([("cabinet_doubtful_debt_id", "in", debts.ids)]),
                1,
            )
