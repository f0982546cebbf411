from collections import defaultdict
from decimal import Decimal

from odoo import api, fields, models
from odoo.tools import SQL, format_date

from ..rules import dunning_levels, dunning_selection, late_payment
from ..tools import rpc_arguments

PENDING_STATES = ("proposed", "queued")


class CabinetDunningRun(models.Model):
    """One dunning run: every client with overdue invoices, what is reminded, what is not and
    why. The daily cron, the button and the XML-RPC method ``run_dunning`` all create one."""

    _name = "cabinet.dunning.run"
    _description = "Dunning run"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    # Runs are written by their actions only; the collection team still discusses them.
    _mail_post_access = "read"
    _order = "run_date desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    run_date = fields.Date(
        string="Date", required=True, default=fields.Date.context_today, readonly=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, readonly=True
    )
    user_id = fields.Many2one(
        "res.users", string="Run by", default=lambda self: self.env.user, readonly=True
    )
    line_ids = fields.One2many("cabinet.dunning.line", "run_id", string="Reminders")
    done_count = fields.Integer(string="Sent", compute="_compute_counts")
    queued_count = fields.Integer(string="Queued for sending", compute="_compute_counts")
    proposed_count = fields.Integer(string="To validate", compute="_compute_counts")
    skipped_count = fields.Integer(string="Not reminded", compute="_compute_counts")
    cancelled_count = fields.Integer(string="Cancelled", compute="_compute_counts")
    warning = fields.Text(readonly=True)

    @api.depends("run_date", "company_id")
    def _compute_name(self):
        for run in self:
            lang_env = run.company_id._cabinet_lang_env()
            run.name = lang_env._(
                "Dunning of %(date)s (%(company)s)",
                date=format_date(lang_env, run.run_date),
                company=run.company_id.name,
            )

    @api.depends("line_ids.state")
    def _compute_counts(self):
        counts = defaultdict(int)
        for run, state, count in self.env["cabinet.dunning.line"]._read_group(
            [("run_id", "in", self.ids)], ["run_id", "state"], ["__count"]
        ):
            counts[run.id, state] = count
        for run in self:
            run.done_count = counts[run.id, "done"]
            run.queued_count = counts[run.id, "queued"]
            run.proposed_count = counts[run.id, "proposed"]
            run.skipped_count = counts[run.id, "skipped"]
            run.cancelled_count = counts[run.id, "cancelled"]

    # ------------------------------------------------------------------------------------
    # Entry points: cron, button, XML-RPC
    # ------------------------------------------------------------------------------------
    partner_ids = fields.Many2many(
        "res.partner",
        string="Only these clients",
        readonly=True,
        help="Empty: every client of the company.",
    )

    @api.model
    def run_dunning(self, run_date=None, partner_ids=None):
        """Run the dunning of the current company on ``run_date`` (today by default), for every
        client or only ``partner_ids``: propose or send the reminders due. Returns the run's id.

        Open to the Dunning users; the run then writes what only runs may write (reminders,
        levels), which nobody writes directly.
        """
        self.check_access("read")
        # A run dated ahead would remind invoices that are not overdue yet.
        today = fields.Date.context_today(self)
        run_date = rpc_arguments.date_arg(self.env, run_date, "run_date", default=today,
                                          latest=today)  # fmt: skip
        partner_ids = rpc_arguments.ids_arg(self.env, partner_ids, "partner_ids", "res.partner")
        run = (
            self.sudo()
            .with_context(mail_create_nolog=True)
            .create(
                {
                    "run_date": run_date,
                    "partner_ids": [(6, 0, partner_ids or [])],
                    "user_id": self.env.user.id,
                    "company_id": self.env.company.id,
                }
            )
        )
        run._compute_reminders()
        return run.id

    @api.model
    def _same_date_runs(self, run_date):
        """The runs of the current company already made on ``run_date``."""
        return self.search([("company_id", "=", self.env.company.id), ("run_date", "=", run_date)])

    @api.model
    def _cron_dunning_run(self):
        """Daily: one run per company, committed one company at a time."""
        # A database holds a handful of companies: loading them all is cheap.
        companies = self.env["res.company"].sudo().search([])  # pylint: disable=no-search-all
        for done, company in enumerate(companies, start=1):
            self.with_company(company).run_dunning()
            self.env["ir.cron"]._commit_progress(1, remaining=len(companies) - done)

    def action_open_run(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            "cabinet_dunning.action_cabinet_dunning_run"
        ) | {"res_id": self.id, "view_mode": "form", "views": [(False, "form")]}

    def action_validate_all(self):
        self.line_ids.filtered(lambda line: line.state == "proposed").action_send()
        return True

    def action_print_letters(self):
        letters = self.line_ids.filtered(
            lambda line: line.state in ("proposed", "done") and line.channel == "letter"
        )
        return self.env.ref("cabinet_dunning.action_report_dunning_letter").report_action(letters)

    # ------------------------------------------------------------------------------------
    # The run
    # ------------------------------------------------------------------------------------
    def _open_receivable_lines(self):
        """Every open receivable line of the company, in one query."""
        self.ensure_one()
        domain = [("partner_id.commercial_partner_id", "in", self.partner_ids.ids)]
        return self.env["account.move.line"].search_fetch(
            (domain if self.partner_ids else [])
            + [
                ("company_id", "=", self.company_id.id),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("amount_residual", "!=", 0),
                ("partner_id", "!=", False),
                # A doubtful debt's move to 416 is no credit: the invoices are still due.
                ("cabinet_doubtful_role", "=", False),
            ],
            [
                "partner_id", "move_id", "date_maturity", "date", "amount_residual",
                "no_followup", "dunning_level_id", "dunning_date",
            ],
        )  # fmt: skip

    def _dunning_exclusions(self, lines):
        """{move line id: reason} of the open lines that must not be reminded today.

        Other modules extend it (direct debits in progress); reasons are those of
        ``dunning_selection.ITEM_REASONS``.
        """
        today = self.run_date
        excluded = {line.id: "no_followup" for line in lines if line.no_followup}
        disputed = (
            self.env["cabinet.dunning.dispute"]
            .search_fetch(
                [("move_id", "in", lines.move_id.ids), ("state", "=", "open")], ["move_id"]
            )
            .move_id
        )
        promised = (
            self.env["cabinet.dunning.promise"]
            .search_fetch(
                [
                    ("move_ids", "in", lines.move_id.ids),
                    ("state", "=", "open"),
                    ("promise_date", ">=", today),
                ],
                ["move_ids"],
            )
            .move_ids
        )
        for line in lines:
            if line.move_id in disputed:
                excluded.setdefault(line.id, "dispute")
            elif line.move_id in promised:
                excluded.setdefault(line.id, "promise")
        return excluded

    def _compute_reminders(self):
        """Decide every client's reminder in one pass and record them in one create.

        Runs of a company are serialized: the first statement updates the company's row, so a
        second run started at the same moment waits, then fails with a serialization error
        and is retried by Odoo on a fresh snapshot, where it sees the reminders of the first
        and proposes none of them again.
        """
        self.ensure_one()
        self._lock_company()
        today = self.run_date
        self.env["cabinet.dunning.promise"].search(
            [("company_id", "=", self.company_id.id), ("state", "=", "open")]
        )._settle(today)
        lines = self._open_receivable_lines()
        excluded = self._dunning_exclusions(lines)
        pending = self._pending_clients()
        by_client = defaultdict(lambda: self.env["account.move.line"])
        for line in lines:
            by_client[line.partner_id.commercial_partner_id] |= line
        clients = self.env["res.partner"].concat(*by_client).with_company(self.company_id)
        policies = {client: client.effective_dunning_policy_id for client in clients}
        penalties = self._penalty_context(lines)
        collector = self._collector()
        vals_list = []
        for client in clients:
            client_lines = by_client[client]
            policy = policies[client]
            if not policy or not any(
                line.amount_residual > 0 and (line.date_maturity or line.date) < today
                for line in client_lines
            ):
                continue
            decision = self._decide(client, client_lines, policy, excluded, pending)
            vals_list.append(
                self._prepare_line_vals(
                    client, client_lines, policy, decision, penalties, collector
                )
            )
        reminders = self.env["cabinet.dunning.line"].create(vals_list)
        reminders.filtered(lambda line: line.level_id.actor == "responsible")._notify_responsible()
        reminders.filtered(
            lambda line: line.state == "proposed" and line.policy_id.mode == "automatic"
        )._queue()
        self._warn_missing_rate(penalties)
        return reminders

    def _lock_company(self):
        # A concurrent run's serialization failure is retried by Odoo: not an error to log.
        self.env.cr.execute(
            SQL(
                "UPDATE res_company SET dunning_run_date = %s WHERE id = %s",
                self.run_date,
                self.company_id.id,
            ),
            log_exceptions=False,
        )
        self.company_id.invalidate_recordset(["dunning_run_date"])

    def _collector(self):
        """Who acts for a client without account manager nor responsible: whoever ran the
        run, or, for the cron (OdooBot), the company's first dunning administrator."""
        if not self.user_id._is_superuser() and self.user_id.active:
            return self.user_id
        return self._dunning_administrator()

    def _dunning_administrator(self):
        """The company's first dunning administrator (never OdooBot), else who ran the run."""
        managers = self.env.ref("cabinet_dunning.group_dunning_manager").sudo().all_user_ids
        return (
            managers.filtered(
                lambda user: (
                    not user.share
                    and not user._is_superuser()
                    and self.company_id in user.company_ids
                )
            ).sorted("id")[:1]
            or self.user_id
        )

    def _pending_clients(self):
        """The clients of the company with a reminder proposed or queued: never a second."""
        return set(
            self.env["cabinet.dunning.line"]
            .search_fetch(
                [("company_id", "=", self.company_id.id), ("state", "in", PENDING_STATES)],
                ["partner_id"],
            )
            .partner_id.ids
        )

    def _decide(self, client, client_lines, policy, excluded, pending):
        """The rule's decision for a client, with its levels as records (ranked by
        ``policy._level_ranks``). ``decision.raised`` maps journal items to the level each
        records once the reminder is sent.
        """
        rank = policy._level_ranks()
        items = [
            dunning_selection.Item(
                key=line.id,
                due_date=line.date_maturity or line.date,
                residual=Decimal(str(line.amount_residual)),
                last_sequence=rank.get(line.dunning_level_id),
                last_date=line.dunning_date or None,
                excluded_reason=excluded.get(line.id),
            )
            for line in client_lines
        ]
        client_reason = (
            dunning_selection.CLIENT_EXCLUDED
            if client.dunning_excluded
            else dunning_selection.CLIENT_BLOCKED
            if client.dunning_blocked
            else dunning_selection.CLIENT_PENDING
            if client.id in pending
            else None
        )
        decision = dunning_selection.decide(
            items,
            policy._rule_levels(),
            self.run_date,
            policy.min_interval_days,
            client_reason,
            catch_up=policy.catch_up,
        )
        levels = policy.level_ids
        decision.level = decision.level and levels[decision.level.sequence - 1]
        decision.raised = {key: levels[seq - 1] for key, seq in decision.raised.items()}
        return decision

    def _penalty_context(self, lines):
        """What the late-payment penalties of the run need, read once: the ECB rates, and the
        payments already made on each open invoice line (date, amount)."""
        payments = defaultdict(list)
        partials = self.env["account.partial.reconcile"].search_fetch(
            [("debit_move_id", "in", lines.filtered(lambda line: line.amount_residual > 0).ids)],
            ["debit_move_id", "amount", "max_date"],
        )
        for partial in partials:
            payments[partial.debit_move_id.id].append(
                (partial.max_date, Decimal(str(partial.amount)))
            )
        rates = self.env["cabinet.ecb.rate"]._rates()
        return {
            "rates": rates,
            "payments": payments,
            "missing_rate": late_payment.missing_rate(self.run_date, rates),
        }

    def _prepare_line_vals(self, client, client_lines, policy, decision, penalties, collector):
        responsible = (
            decision.level
            and decision.level.actor == "responsible"
            and client.dunning_responsible_id
        )
        actor = responsible or client.user_id or client.dunning_responsible_id or collector
        vals = {
            "run_id": self.id,
            "partner_id": client.id,
            "policy_id": policy.id,
            "company_id": self.company_id.id,
            "user_id": actor.id,
        }
        if not decision.level:
            skipped = list(decision.skipped) or [
                line.id for line in client_lines if line.amount_residual > 0
            ]
            return {
                **vals,
                "state": "skipped",
                "skip_reason": decision.reason,
                "move_line_ids": [(6, 0, skipped)],
                "not_yet_due_move_line_ids": [(6, 0, decision.not_yet_due)],
            }
        reminded = client_lines.filtered(lambda line: line.id in set(decision.reminded))
        interest, indemnity = self._penalties(client, policy, reminded, penalties)
        level = decision.level
        return {
            **vals,
            "state": "proposed",
            "level_id": level.id,
            "channel": dunning_levels.channel_for(
                level.channel,
                client.dunning_channel,
                keeps_channel=level.is_formal_notice or level.is_litigation,
            ),
            "move_line_ids": [(6, 0, reminded.ids)],
            "not_yet_due_move_line_ids": [(6, 0, decision.not_yet_due)],
            "raised_move_line_ids": [(6, 0, list(decision.raised))],
            "amount_due": float(decision.amount_due),
            "interest_amount": float(interest),
            "indemnity_amount": float(indemnity),
        }

    def _penalties(self, client, policy, reminded, penalties):
        """Late interest and recovery indemnity of a professional client's reminded invoices
        (Code de commerce L441-10, D441-5); none for a private individual. Interest runs on
        what is due and on what was paid late, up to each payment's date."""
        if client._is_private_individual():
            return Decimal(0), Decimal(0)
        fixed_rate = policy.interest_rate or None
        interest = Decimal(0)
        if fixed_rate or not penalties["missing_rate"]:
            interest = sum(
                (
                    late_payment.late_interest(
                        Decimal(str(line.amount_residual)),
                        line.date_maturity or line.date,
                        self.run_date,
                        penalties["rates"],
                        fixed_rate=fixed_rate,
                        payments=penalties["payments"][line.id],
                    )
                    for line in reminded
                ),
                Decimal(0),
            )
        indemnity = Decimal(0)
        if policy.charge_recovery_indemnity:
            first_due = {}
            for line in reminded:
                due = line.date_maturity or line.date
                first_due[line.move_id] = min(due, first_due.get(line.move_id, due))
            indemnity = sum(
                (
                    late_payment.recovery_indemnity(True, (self.run_date - due).days)
                    for due in first_due.values()
                ),
                Decimal(0),
            )
        return interest, indemnity

    @api.model
    def _refresh_proposed_penalties(self):
        """The late interest of the reminders still proposed, computed again with the ECB
        rates as they are now (e.g. once the rate a run missed is entered); the runs whose
        rate is now known lose their warning and their to-do is done."""
        reminders = self.env["cabinet.dunning.line"].sudo().search([("state", "=", "proposed")])
        for run in reminders.run_id:
            run_reminders = reminders.filtered(lambda reminder, run=run: reminder.run_id == run)
            penalties = run._penalty_context(run_reminders.move_line_ids)
            for reminder in run_reminders:
                interest, _indemnity = run._penalties(
                    reminder.partner_id, reminder.policy_id, reminder.move_line_ids, penalties
                )
                if float(interest) != reminder.interest_amount:
                    reminder.interest_amount = float(interest)
            if run.warning and not penalties["missing_rate"]:
                run.warning = False
                run.activity_ids.action_feedback(
                    feedback=run.env._("The ECB rate is entered: late interest recomputed.")
                )

    def _warn_missing_rate(self, penalties):
        """Without the ECB rate of the run's half-year, legal interest is not computed: the
        run says so, and the dunning administrator gets a to-do to enter the rate."""
        start = penalties["missing_rate"]
        if not start:
            return
        lang_env = self.company_id._cabinet_lang_env()
        period = format_date(lang_env, start)
        self.warning = lang_env._(
            "The ECB rate of the half-year starting on %(date)s is missing: late interest at "
            "the legal rate was not computed. Enter the rate in Configuration > Dunning > ECB "
            "rates for late interest: the reminders still proposed are then computed again.",
            date=period,
        )
        summary = lang_env._(
            "Enter the ECB rate of the half-year starting on %(date)s", date=period
        )
        already = self.env["mail.activity"].search_count(
            [("res_model", "=", self._name), ("summary", "=", summary)], limit=1
        )
        if already:
            return
        self.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=self.run_date,
            summary=summary,
            note=self.warning,
            user_id=self._dunning_administrator().id,
        )
