import calendar
from datetime import date, timedelta

from odoo import SUPERUSER_ID, api
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import TransactionCase

from ..rules import receivable_figures
from .common import at_once
from .test_dunning_run import DunningRunCase


@tagged("post_install", "-at_install")
class TestDunningDashboard(DunningRunCase):
    """The collection dashboard's figures, checked against Odoo's own: the receivable
    lines' balances and residuals, the invoices' totals."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = date.today()  # figures are of the database's today
        cls.Dashboard = cls.env["cabinet.dunning.dashboard"]
        # The clients of this test only: those of their own account manager.
        cls.manager_user = new_test_user(cls.env, login="gestionnaire", groups="base.group_user")
        cls.responsible = new_test_user(
            cls.env, login="expert_roux", groups="base.group_user", lang="fr_FR"
        )
        cls.client.user_id = cls.manager_user
        cls.client.with_company(cls.env.company).dunning_responsible_id = cls.responsible
        cls.second = cls.env["res.partner"].create(
            {"name": "Fleurs Lemoine", "is_company": True, "user_id": cls.manager_user.id}
        )
        cls.filters = {"account_manager_id": cls.manager_user.id}

    def _odoo_balance(self, until, domain=()):
        """Odoo's balance of the clients' receivable lines dated up to ``until``."""
        [(balance,)] = self.env["account.move.line"]._read_group(
            [("partner_id", "in", (self.client | self.second).ids),
             ("account_id.account_type", "=", "asset_receivable"),
             ("parent_state", "=", "posted"), ("date", "<=", until), *domain],
            [], ["balance:sum"],
        )  # fmt: skip
        return balance

    def test_the_aged_balance_is_odoo_s_residuals_by_days_late(self):
        self._due_invoice(300, 45)
        self._due_invoice(200, 10, partner=self.second)
        self._due_invoice(500, -20)
        self._due_invoice(120, 95)
        paid = self._due_invoice(80, 5)
        self._pay(paid, 80, day=self.today)
        figures = self.Dashboard.get_figures(self.filters)
        amounts = {bucket["key"]: bucket["amount"] for bucket in figures["aged"]["buckets"]}
        self.assertEqual(
            amounts,
            {"not_due": 500, "late_1_30": 200, "late_31_60": 300, "late_61_90": 0,
             "late_90_plus": 120},
        )  # fmt: skip
        # Odoo's own: what the two clients owe, and the open lines of each bucket.
        credit = sum((self.client | self.second).with_company(self.env.company).mapped("credit"))
        self.assertEqual(figures["aged"]["total"], credit)
        for bucket in figures["aged"]["buckets"]:
            action = self.Dashboard.open_list("aged", bucket["key"], self.filters)
            lines = self.env[action["res_model"]].search(action["domain"])
            self.assertEqual(sum(lines.mapped("amount_residual")), bucket["amount"])
        self.assertEqual(sum(bucket["percent"] for bucket in figures["aged"]["buckets"]), 100)

    def test_each_month_end_is_the_books_balance_on_that_day(self):
        last_month_end = receivable_figures.month_ends(self.today, 1)[0]
        # Issued two months back, due 45 days before the last month end, paid today: it was
        # still owed at the end of each month in between.
        issued = receivable_figures.month_start(self.today, 2)
        days_late = (self.today - last_month_end).days + 45
        invoice = self._due_invoice(400, days_late, invoice_date=issued)
        self._due_invoice(250, 3)
        self._pay(invoice, 400, day=self.today)
        figures = self.Dashboard.get_figures(self.filters)
        history = {point["date"]: point for point in figures["history"]}
        point = history[last_month_end.isoformat()]
        self.assertEqual(point["buckets"]["late_31_60"], 400, "45 days late on that day")
        for day, point in history.items():
            with self.subTest(day=day):
                self.assertEqual(point["total"], self._odoo_balance(date.fromisoformat(day)))
        self.assertEqual(len(figures["history"]), 13, "12 month ends and today")
        action = self.Dashboard.open_list("history", last_month_end.isoformat(), self.filters)
        self.assertIn(invoice, self.env[action["res_model"]].search(action["domain"]).move_id)

    def test_dso_by_count_back_on_the_months_sales(self):
        last_month = receivable_figures.month_start(self.today, 1)
        self._due_invoice(400, -10, invoice_date=last_month)
        self._due_invoice(600, -30, invoice_date=self.today)
        figures = self.Dashboard.get_figures(self.filters)
        # 1,000 owed: this month's 600 sales (its days so far), then all of last month's 400.
        days_last_month = calendar.monthrange(last_month.year, last_month.month)[1]
        self.assertEqual(figures["dso"]["days"], self.today.day + days_last_month)
        self.assertIn("Count-back", figures["dso"]["method"])

    def test_period_figures_are_the_invoices_of_the_period(self):
        invoice = self._due_invoice(300, -20, invoice_date=self.today)
        self._due_invoice(100, -20, invoice_date=self.today, move_type="out_refund")
        self._due_invoice(999, 200)  # issued long before the period
        late = self._due_invoice(150, 12, invoice_date=self.today - timedelta(days=40))
        self._pay(late, 150, day=self.today)
        figures = self.Dashboard.get_figures(self.filters)
        issued = figures["issued"]
        self.assertEqual((issued["invoices"]["count"], issued["invoices"]["amount"]), (1, 300))
        self.assertEqual(issued["credit_notes"]["count"], 1)
        self.assertEqual(issued["credit_notes"]["amount"], -100)
        self.assertEqual(figures["paid_late"], {"count": 1, "average_days": 12.0})
        self.assertEqual(figures["clients"]["new"], 0, "both clients were invoiced before")
        action = self.Dashboard.open_list("invoices", False, self.filters)
        self.assertEqual(self.env["account.move"].search(action["domain"]), invoice)
        action = self.Dashboard.open_list("paid_late", False, self.filters)
        self.assertEqual(self.env["account.move"].search(action["domain"]), late)

    def test_disputes_promises_litigation_and_what_to_do_today(self):
        disputed = self._due_invoice(300, 40)
        promised = self._due_invoice(200, 20, partner=self.second)
        self.env["cabinet.dunning.dispute"].create(
            {"move_id": disputed.id, "reason": "Honoraires contestés", "amount": 300}
        )
        self.env["cabinet.dunning.promise"].create(
            {"partner_id": self.second.id, "move_ids": [(6, 0, promised.ids)],
             "promise_date": self.today + timedelta(days=5), "amount": 200}
        )  # fmt: skip
        self.env["mail.activity"].create(
            {"res_model_id": self.env["ir.model"]._get_id("res.partner"),
             "res_id": self.client.id, "user_id": self.responsible.id,
             "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
             "date_deadline": self.today, "summary": "Appeler la gérante"}
        )  # fmt: skip
        figures = self.Dashboard.get_figures(self.filters)
        self.assertEqual(
            [(row["key"], row["count"], row["amount"]) for row in figures["disputes"]["by_state"]],
            [("open", 1, 300)],
        )
        self.assertEqual(figures["promises"]["open"], {"count": 1, "amount": 200})
        self.assertEqual(figures["litigation"]["by_state"], [])
        todo = {row["user_id"]: row for row in figures["todo"]}
        self.assertEqual(todo[self.responsible.id]["calls"], 1)
        action = self.Dashboard.open_list("calls", self.responsible.id, self.filters)
        self.assertEqual(self.env["mail.activity"].search_count(action["domain"]), 1)
        top = figures["top_outstanding"]
        self.assertEqual([row["partner_id"][0] for row in top], [self.client.id, self.second.id])
        self.assertEqual(figures["top_late"][0]["days_late"], 40)

    def test_filters_and_rights(self):
        self._due_invoice(300, 40)
        self._due_invoice(200, 20, partner=self.second)
        as_responsible = self.Dashboard.with_user(self.responsible).get_figures()
        self.assertEqual(as_responsible["aged"]["total"], 300, "their own client only")
        # A responsible with the invoicing rights opens the lists behind their figures (the
        # responsible field itself is the collection team's).
        billing = new_test_user(
            self.env, login="expert_factu", groups="account.group_account_invoice"
        )
        self.client.with_company(self.env.company).dunning_responsible_id = billing
        action = self.Dashboard.with_user(billing).open_list("aged", False, {})
        lines = self.env["account.move.line"].with_user(billing).search(action["domain"])
        self.assertEqual(sum(lines.mapped("amount_residual")), 300)
        self.assertEqual(lines.partner_id, self.client)
        self.client.with_company(self.env.company).dunning_responsible_id = self.responsible
        with self.assertRaisesRegex(UserError, "needs rights you do not have"):
            self.Dashboard.with_user(self.responsible).open_list("aged", False, {})
        menu = self.env.ref("cabinet_dunning.menu_cabinet_collection_app")
        self.assertIn(
            menu.id,
            self.env["ir.ui.menu"].with_user(self.responsible)._visible_menu_ids(),
            "an accountant without the Invoicing app reaches the dashboard and My clients",
        )
        other = new_test_user(self.env, login="expert_autre", groups="base.group_user")
        self.assertEqual(self.Dashboard.with_user(other).get_figures()["aged"]["total"], 0)
        by_responsible = self.Dashboard.with_user(self.accountant).get_figures(
            {"responsible_id": self.responsible.id}
        )
        self.assertEqual(by_responsible["aged"]["total"], 300)
        portal = new_test_user(self.env, login="client_portail", groups="base.group_portal")
        with self.assertRaises(AccessError):
            self.Dashboard.with_user(portal).get_figures()
        for filters, message in (
            ({"date_from": "2026-13-01"}, "date_from"),
            ({"client_segment": "huge"}, "client_segment"),
            ({"colour": "red"}, "filters"),
            ({"date_from": "2026-06-30", "date_to": "2026-06-01"}, "ends before it starts"),
        ):
            with self.subTest(filters=filters), self.assertRaisesRegex(UserError, message):
                self.Dashboard.get_figures(filters)
        with self.assertRaisesRegex(UserError, "figure"):
            self.Dashboard.open_list("everything", False, self.filters)
        with self.assertRaisesRegex(UserError, "figure"):
            self.Dashboard.open_list(["aged"], False, self.filters)
        with self.assertRaisesRegex(UserError, "key"):
            self.Dashboard.open_list("aged", ["late_1_30"], self.filters)
        with self.assertRaisesRegex(UserError, "responsible_id: expected one user id"):
            self.Dashboard.get_figures({"responsible_id": [self.responsible.id, other.id]})
        with self.assertRaisesRegex(UserError, "période se termine avant"):
            self.Dashboard.with_context(lang="fr_FR").get_figures(
                {"date_from": "2026-06-30", "date_to": "2026-06-01"}
            )

    def test_the_report_prints_the_figures_in_french(self):
        self._due_invoice(300, 40)
        action = self.Dashboard.action_print(self.filters)
        self.assertEqual(action["report_name"], "cabinet_dunning.report_dunning_dashboard")
        html, _type = (
            self.env["ir.actions.report"]
            .with_context(lang="fr_FR")
            ._render_qweb_html("cabinet_dunning.report_dunning_dashboard", [], data=action["data"])
        )
        html = html.decode()
        self.assertIn("Balance âgée", html)
        self.assertIn("31-60 jours", html)
        self.assertIn("300,00", html)
        pdf, report_type = (
            self.env["ir.actions.report"]
            .with_context(lang="fr_FR", force_report_rendering=True)
            ._render_qweb_pdf("cabinet_dunning.report_dunning_dashboard", [], data=action["data"])
        )
        self.assertEqual(report_type, "pdf")
        # The report of last month gives the aged balance at its end, as the monthly mail.
        last_end = receivable_figures.month_ends(self.today, 1)[0]
        html, _type = self.env["ir.actions.report"].with_context(lang="fr_FR")._render_qweb_html(
            "cabinet_dunning.report_dunning_dashboard", [],
            data={"filters": {**self.filters, "date_from": last_end.replace(day=1).isoformat(),
                              "date_to": last_end.isoformat()}},
        )  # fmt: skip
        self.assertIn(
            f"Balance âgée au <span>{last_end.strftime('%d/%m/%Y')}</span>", html.decode()
        )
        self.assertTrue(pdf.startswith(b"%PDF"), "a real PDF, by wkhtmltopdf")


@tagged("post_install", "-at_install")
class TestDashboardOverRpc(DunningRunCase, HttpCase):
    """The figures and their lists over XML-RPC, as the collection team's integrator."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client.user_id = new_test_user(cls.env, login="gestion_rpc", groups="base.group_user")
        cls.filters = {"account_manager_id": cls.client.user_id.id}

    def test_over_xmlrpc_as_the_collection_team(self):
        self._due_invoice(300, 40)
        with self._odoorpc("accountant") as rpc:
            figures = rpc.execute_kw(
                "cabinet.dunning.dashboard", "get_figures", [], {"filters": self.filters}
            )
            self.assertEqual(figures["aged"]["total"], 300)
            action = rpc.execute_kw(
                "cabinet.dunning.dashboard", "open_list", ["aged"],
                {"key": "late_31_60", "filters": self.filters},
            )  # fmt: skip
            self.assertEqual(action["res_model"], "account.move.line")

        with self._odoorpc("gestion_rpc") as rpc:
            figures = rpc.execute_kw("cabinet.dunning.dashboard", "get_figures", [])
            self.assertEqual(figures["aged"]["total"], 300, "the clients they manage")
        self._refused_rpc("gestion_rpc", "get_figures", [], {"filters": {"colour": "red"}})

    def _refused_rpc(self, login, method, args, kwargs):
        with self._odoorpc(login) as rpc, self.assertRaisesRegex(Exception, "filters"):
            rpc.execute_kw("cabinet.dunning.dashboard", method, args, kwargs)


@tagged("post_install", "-at_install")
class TestMonthlyReportOnce(TransactionCase):
    """The monthly report cron, started twice at once with two real cursors, sends one
    report per recipient; a second run the same day sends nothing. Committed data, removed
    after."""

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["res.lang"]._activate_lang("fr_FR")
            companies = env["res.company"].search([])
            self.saved = {c.id: (c.dunning_report_recipients, c.dunning_report_month)
                          for c in companies}  # fmt: skip
            companies.dunning_report_recipients = "none"
            company = env.company
            company.dunning_report_recipients = "managers"
            company.dunning_report_month = False
            manager = new_test_user(
                env, login="chef_recouvrement", lang="fr_FR", email="chef@cabinet.example",
                groups="cabinet_dunning.group_dunning_manager",
                company_id=company.id, company_ids=company.ids,
            )  # fmt: skip
            self.company_id, self.manager_id = company.id, manager.id
            self.last_mail = env["mail.mail"].search([], order="id desc", limit=1).id or 0
        self.addCleanup(self._restore)

    def _restore(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            mails = env["mail.mail"].search([("id", ">", self.last_mail)])
            messages, attachments = mails.mail_message_id, mails.attachment_ids
            mails.unlink()
            messages.exists().unlink()
            attachments.exists().unlink()
            for company_id, (recipients, month) in self.saved.items():
                env["res.company"].browse(company_id).write(
                    {"dunning_report_recipients": recipients, "dunning_report_month": month}
                )
            user = env["res.users"].browse(self.manager_id)
            partner = user.partner_id
            user.unlink()
            partner.unlink()

    def _mails(self, env):
        return env["mail.mail"].search(
            [("id", ">", self.last_mail), ("model", "=", "res.users"),
             ("res_id", "=", self.manager_id)]
        )  # fmt: skip

    def test_two_crons_at_once_send_one_report(self):
        def work(env):
            env["cabinet.dunning.dashboard"]._cron_send_monthly_reports()

        _results, errors = at_once(self.registry, work)
        self.assertFalse(errors)
        at_once(self.registry, work)  # again the same day
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            mails = self._mails(env)
            self.assertEqual(len(mails), 1)
            self.assertIn("rapport de recouvrement", mails.subject)
            self.assertIn("Bonjour", mails.body_html)
            self.assertEqual(len(mails.attachment_ids), 1)
            self.assertTrue(mails.attachment_ids.name.startswith("Recouvrement"))
            self.assertEqual(
                env["res.company"].browse(self.company_id).dunning_report_month,
                receivable_figures.month_start(date.today(), 1),
            )


@tagged("post_install", "-at_install")
class TestDashboardTour(DunningRunCase, HttpCase):
    """The dashboard in the browser: figures, a filter, and the list behind a figure."""

    def test_the_collection_team_drills_down_from_the_dashboard(self):
        self._due_invoice(300, 40)
        responsible = new_test_user(
            self.env, login="expert_tour", name="Expert Tour", groups="base.group_user"
        )
        self.client.with_company(self.env.company).dunning_responsible_id = responsible
        # Only this test's client is in the figures: the other clients of the database have
        # no responsible, the filter keeps this one.
        action = self.env.ref("cabinet_dunning.action_cabinet_dunning_dashboard")
        self.start_tour(
            f"/odoo/action-{action.id}", "cabinet_dunning_dashboard", login="accountant"
        )
