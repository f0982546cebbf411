from collections import defaultdict
from decimal import Decimal

from odoo import api, fields, models

from ..rules import dunning_levels, dunning_selection, late_payment


class CabinetDunningRun(models.Model):
    """One dunning run: every client with overdue invoices, what is reminded, what is not and
    why. The daily cron, the button and the XML-RPC method ``run_dunning`` all create one."""

    _name = "cabinet.dunning.run"
    _description = "Dunning run"
    _inherit = ["mail.thread"]
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

    @api.depends("run_date", "company_id")
    def _compute_name(self):
        for run in self:
            run.name = self.env._(
                "Dunning of %(date)s (%(company)s)",
                date=run.run_date,
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
        """
        run = self.create(
            {
                "run_date": run_date or fields.Date.context_today(self),
                "partner_ids": [(6, 0, partner_ids or [])],
            }
        )
        run._compute_reminders()
        return run.id

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
        """Decide every client's reminder in one pass and record them in one create."""
        self.ensure_one()
        today = self.run_date
        self.env["cabinet.dunning.promise"].search(
            [("company_id", "=", self.company_id.id), ("state", "=", "open")]
        )._settle(today)
        lines = self._open_receivable_lines()
        excluded = self._dunning_exclusions(lines)
        by_client = defaultdict(lambda: self.env["account.move.line"])
        for line in lines:
            by_client[line.partner_id.commercial_partner_id] |= line
        clients = self.env["res.partner"].concat(*by_client)
        clients = clients.with_company(self.company_id)
        policies = {client: client.effective_dunning_policy_id for client in clients}
        rates = self.env["cabinet.ecb.rate"]._rates()
        vals_list = []
        for client, client_lines in by_client.items():
            policy = policies[client]
            if not policy or not any(
                line.amount_residual > 0 and (line.date_maturity or line.date) < today
                for line in client_lines
            ):
                continue
            decision, raise_ids = self._decide(client, client_lines, policy, excluded)
            vals_list.append(
                self._prepare_line_vals(client, client_lines, policy, decision, raise_ids, rates)
            )
        reminders = self.env["cabinet.dunning.line"].create(vals_list)
        reminders.filtered(
            lambda line: line.state == "proposed" and line.policy_id.mode == "automatic"
        )._queue()
        return reminders

    def _decide(self, client, client_lines, policy, excluded):
        """The rule's decision for a client, and the journal items whose level it raises.

        Levels are ranked by their order in the policy (sequence, then days), so two levels
        sharing a sequence number stay distinct.
        """
        ranked = list(policy.level_ids)
        rank = {level: index for index, level in enumerate(ranked, start=1)}
        rule_levels = [
            dunning_levels.Level(rank[level], level.days_after_due, level.min_amount)
            for level in ranked
        ]
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
            else None
        )
        decision = dunning_selection.decide(
            items, rule_levels, self.run_date, policy.min_interval_days, client_reason
        )
        raise_ids = dunning_selection.items_to_raise(decision, items)
        decision.level = decision.level and ranked[decision.level.sequence - 1]
        return decision, raise_ids

    def _prepare_line_vals(self, client, client_lines, policy, decision, raise_ids, rates):
        vals = {
            "run_id": self.id,
            "partner_id": client.id,
            "policy_id": policy.id,
            "company_id": self.company_id.id,
        }
        if not decision.level:
            skipped = [key for key, reason in decision.skipped.items()] or [
                line.id for line in client_lines if line.amount_residual > 0
            ]
            return {
                **vals,
                "state": "skipped",
                "skip_reason": decision.reason,
                "move_line_ids": [(6, 0, skipped)],
            }
        reminded = client_lines.filtered(lambda line: line.id in set(decision.reminded))
        interest = sum(
            (
                late_payment.late_interest(
                    line.amount_residual,
                    line.date_maturity or line.date,
                    self.run_date,
                    rates,
                    fixed_rate=policy.interest_rate or None,
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
                    late_payment.recovery_indemnity(client.is_company, (self.run_date - due).days)
                    for due in first_due.values()
                ),
                Decimal(0),
            )
        return {
            **vals,
            "state": "proposed",
            "level_id": decision.level.id,
            "move_line_ids": [(6, 0, reminded.ids)],
            "raised_move_line_ids": [(6, 0, raise_ids)],
            "amount_due": float(decision.amount_due),
            "interest_amount": float(interest),
            "indemnity_amount": float(indemnity),
        }
