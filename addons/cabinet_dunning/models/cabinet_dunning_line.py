from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date

from ..rules import dunning_levels, dunning_selection
from .cabinet_dunning_guarded import ALL
from .cabinet_dunning_level import CHANNELS

# Reminders rendered and sent per committed chunk by the sending cron.
SEND_CHUNK = 200

SKIP_REASONS = [
    (dunning_selection.NOT_DUE, "Nothing overdue to remind"),
    (dunning_selection.COVERED_BY_CREDITS, "Covered by credit notes or payments"),
    (dunning_selection.CLIENT_EXCLUDED, "Client excluded from dunning"),
    (dunning_selection.CLIENT_BLOCKED, "Client blocked (litigation)"),
    (dunning_selection.CLIENT_PENDING, "A reminder is already waiting to be validated or sent"),
    (dunning_selection.BELOW_MINIMUM, "Below the minimum amount of the levels due"),
    ("no_followup", "Marked No Follow-Up"),
    ("dispute", "Invoice in dispute"),
    ("promise", "Promise to pay not yet due"),
    ("direct_debit", "Direct debit in progress"),
    ("below_first_level", "Not late enough for the first level"),
    ("already_at_level", "Already reminded at this level"),
    ("too_soon", "Reminded too recently"),
    ("not_overdue", "Not overdue"),
    ("paid_since", "Paid since it was proposed"),
    ("reached_since", "Level reached since it was proposed"),
]


class CabinetDunningLine(models.Model):
    """A client's reminder in a run (or the reason there is none): the dunning history."""

    _name = "cabinet.dunning.line"
    _description = "Reminder"
    _inherit = ["cabinet.dunning.guarded"]
    # A reminder is written by its run and its buttons only.
    _guarded_fields = ALL
    _order = "run_id desc, state, partner_id"
    _rec_name = "partner_id"

    run_id = fields.Many2one(
        "cabinet.dunning.run", required=True, index=True, ondelete="cascade", readonly=True
    )
    run_date = fields.Date(related="run_id.run_date", store=True, string="Date")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner", string="Client", required=True, index=True, readonly=True
    )
    policy_id = fields.Many2one("cabinet.dunning.policy", readonly=True)
    level_id = fields.Many2one("cabinet.dunning.level", readonly=True, index="btree_not_null")
    channel = fields.Selection(
        CHANNELS,
        readonly=True,
        help="The level's channel, or the client's preferred one where the level allows it.",
    )
    state = fields.Selection(
        [
            ("proposed", "To validate"),
            ("queued", "Queued for sending"),
            ("done", "Sent"),
            ("failed", "Failed"),
            ("skipped", "Not reminded"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        readonly=True,
        index=True,
    )
    skip_reason = fields.Selection(SKIP_REASONS, string="Why not", readonly=True)
    move_line_ids = fields.Many2many(
        "account.move.line", string="Invoices", readonly=True,
        relation="cabinet_dunning_line_move_line_rel",
    )  # fmt: skip
    not_yet_due_move_line_ids = fields.Many2many(
        "account.move.line", string="Not yet due for a reminder", readonly=True,
        relation="cabinet_dunning_line_not_yet_due_rel",
        help="Overdue invoices not late enough for the first level: shown, not reminded, no "
        "penalty.",
    )  # fmt: skip
    raised_move_line_ids = fields.Many2many(
        "account.move.line", string="Invoices raised to this level", readonly=True,
        relation="cabinet_dunning_line_raised_rel",
    )  # fmt: skip
    amount_due = fields.Monetary(string="Amount due", readonly=True)
    interest_amount = fields.Monetary(string="Late interest", readonly=True)
    indemnity_amount = fields.Monetary(string="Recovery indemnity", readonly=True)
    user_id = fields.Many2one("res.users", string="Who acts", readonly=True, index=True)
    payer_id = fields.Many2one(related="partner_id.payer_id", string="Payer")
    executed_datetime = fields.Datetime(string="Sent on", readonly=True)
    validated_by_id = fields.Many2one("res.users", string="Validated by", readonly=True)
    send_error = fields.Text(string="Sending error", readonly=True)
    penalty_move_id = fields.Many2one(
        "account.move", string="Penalty invoice", readonly=True, copy=False
    )

    _one_pending_per_client = models.UniqueIndex(
        "(partner_id, company_id) WHERE state IN ('proposed', 'queued')",
        "A client has one reminder waiting to be validated or sent per company.",
    )

    def action_send(self):
        """Validate the proposed reminders: they are queued, and the sending cron renders and
        sends them in chunks, so a user never waits for thousands of emails."""
        self.check_access("read")
        if self.filtered(lambda line: line.state != "proposed"):
            raise UserError(self.env._("Only reminders waiting for validation can be sent."))
        self._queue()
        return True

    def _queue(self):
        self.sudo().write({"state": "queued", "validated_by_id": self.env.user.id})
        self.env.ref("cabinet_dunning.ir_cron_dunning_send").sudo()._trigger()

    @api.model
    def _cron_send_queued(self, chunk_size=SEND_CHUNK):
        """Send the queued reminders, one committed chunk at a time, resuming after a crash.

        Rows are claimed with ``FOR UPDATE SKIP LOCKED`` so several workers share the work.
        """
        while True:
            lines = self.search([("state", "=", "queued")], limit=chunk_size)
            lines = lines.try_lock_for_update()
            if not lines:
                return
            lines._send_isolating_failures()
            remaining = self.search_count([("state", "=", "queued")])
            if not self.env["ir.cron"]._commit_progress(len(lines), remaining=remaining):
                return

    def _send_isolating_failures(self):
        """Send a chunk; if it fails, send its reminders one by one and mark those that fail
        with the error, so one bad reminder never blocks the others nor the queue."""
        try:
            with self.env.cr.savepoint():
                self._send()
        except Exception:  # any error: the reminders are retried one by one below
            for line in self:
                try:
                    with self.env.cr.savepoint():
                        line._send()
                except Exception as error:  # any error is recorded on its reminder
                    line.sudo().write({"state": "failed", "send_error": str(error)})

    def _send(self):
        """Render and send (or schedule, for calls) queued reminders, and record them.

        Each reminder is checked again under a lock of its invoices' lines: one whose invoices
        were paid, or whose level they reached, since it was proposed is cancelled with the
        reason instead of being sent.
        """
        to_send = self.filtered(lambda line: line.state == "queued")._without_stale()
        by_channel = defaultdict(lambda: self.browse())
        for line in to_send:
            by_channel[line.channel] |= line
        by_channel["email"]._send_emails()
        no_mobile = by_channel["sms"]._send_sms()
        (by_channel["phone"] | no_mobile)._schedule_calls()
        by_channel["letter"]._log_letters()
        to_send.sudo().write({"state": "done", "executed_datetime": fields.Datetime.now()})
        to_send._raise_levels()
        to_send._on_dunning_level_reached()
        return to_send

    def action_invoice_penalties(self):
        """Invoice the late interest and the recovery indemnity of sent reminders, one invoice
        per reminder, outside the scope of VAT. Returns the invoices' ids."""
        if self.filtered(lambda line: line.state != "done" or line.penalty_move_id):
            raise UserError(
                self.env._("Only sent reminders whose penalties are not invoiced yet can be.")
            )
        if self.filtered(lambda line: not (line.interest_amount or line.indemnity_amount)):
            raise UserError(self.env._("This reminder carries no late interest nor indemnity."))
        moves = self.env["account.move"].create(
            [line._prepare_penalty_invoice_vals() for line in self]
        )
        for line, move in zip(self, moves, strict=True):
            line.sudo().penalty_move_id = move
        return moves.ids

    def _prepare_penalty_invoice_vals(self):
        """The penalty invoice, its labels in the client's language."""
        self.ensure_one()
        client_env = self.with_context(lang=self.partner_id.lang or self.env.lang).env
        invoices = ", ".join(self.move_line_ids.move_id.mapped("name"))
        lines = []
        if self.interest_amount:
            lines.append(
                (0, 0, {
                    "name": client_env._(
                        "Late interest (Code de commerce L441-10) on %(invoices)s",
                        invoices=invoices,
                    ),
                    "quantity": 1,
                    "price_unit": self.interest_amount,
                    "tax_ids": [(5, 0, 0)],
                })
            )  # fmt: skip
        if self.indemnity_amount:
            lines.append(
                (0, 0, {
                    "name": client_env._(
                        "Fixed recovery indemnity (Code de commerce D441-5) on %(invoices)s",
                        invoices=invoices,
                    ),
                    "quantity": 1,
                    "price_unit": self.indemnity_amount,
                    "tax_ids": [(5, 0, 0)],
                })
            )  # fmt: skip
        return {
            "move_type": "out_invoice",
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "invoice_origin": self.run_id.name,
            "invoice_line_ids": lines,
        }

    def action_cancel(self):
        self.check_access("read")
        self.filtered(lambda line: line.state == "proposed").sudo().state = "cancelled"
        return True

    def _without_stale(self):
        """The reminders still to send; the stale ones are cancelled with their reason.

        The invoices' lines are locked first: a reminder sent at the same moment for the same
        invoices waits, or fails and is retried, so a level is never sent twice.
        """
        if not self:
            return self
        move_lines = self.move_line_ids
        self.env.cr.execute(
            SQL(
                "SELECT id FROM account_move_line WHERE id IN %s ORDER BY id FOR UPDATE",
                tuple(move_lines.ids) or (0,),
            )
        )
        move_lines.invalidate_recordset(
            ["dunning_level_id", "dunning_date", "amount_residual", "reconciled"]
        )
        stale = {}
        for line in self:
            rank = line.policy_id._level_ranks()
            open_lines = line.move_line_ids.filtered(
                lambda move_line: not move_line.reconciled and move_line.amount_residual > 0
            )
            if not open_lines:
                stale[line] = "paid_since"
            elif (
                max(rank.get(move_line.dunning_level_id, 0) for move_line in open_lines)
                >= rank[line.level_id]
            ):
                stale[line] = "reached_since"
        for reason in set(stale.values()):
            self.browse([line.id for line, why in stale.items() if why == reason]).sudo().write(
                {"state": "cancelled", "skip_reason": reason}
            )
        return self.filtered(lambda line: line not in stale)

    def _raise_levels(self):
        """Record on each reminded invoice line the level it reached (the reminder's level, or
        its own if lower) and the run's date, one UPDATE per level.

        Plain SQL on purpose: these two columns are ours and nothing depends on them, while an
        ORM write on posted journal items runs the accounting checks of every line.
        """
        by_level = defaultdict(list)
        for line in self:
            policy = line.policy_id
            levels = policy._rule_levels()
            reminder_rank = policy._level_ranks()[line.level_id]
            for move_line in line.raised_move_line_ids:
                own = dunning_levels.rank_reached(
                    levels, (line.run_date - (move_line.date_maturity or move_line.date)).days
                )
                level = policy.level_ids[min(own or 1, reminder_rank) - 1]
                by_level[level.id, line.run_date].append(move_line.id)
        for (level_id, run_date), move_line_ids in by_level.items():
            self.env.cr.execute(
                SQL(
                    "UPDATE account_move_line SET dunning_level_id = %s, dunning_date = %s "
                    "WHERE id IN %s",
                    level_id,
                    run_date,
                    tuple(move_line_ids),
                )
            )
        self.env["account.move.line"].invalidate_model(["dunning_level_id", "dunning_date"])

    def _on_dunning_level_reached(self):
        """Hook called once per batch of reminders just sent, with their levels set.

        Other modules override it to act when a level is reached, e.g. cabinet_online_services
        suspends the online services of clients at a level that says so. Here: a formal notice
        level hands nothing over; a litigation level blocks the client from further reminders
        and opens its litigation file, with a to-do to hand it over.
        """
        litigation = self.filtered(lambda line: line.level_id.is_litigation)
        for company, lines in litigation.grouped("company_id").items():
            lines.partner_id.with_company(company).sudo().write({"dunning_blocked": True})
        self.env["cabinet.dunning.litigation"].sudo()._open_for(litigation)

    def _send_emails(self):
        """Render the level templates in batch into queued emails to the payers, and log each
        one in its client's chatter, with a constant number of queries per batch."""
        if not self:
            return
        default = self.env.ref("cabinet_dunning.mail_template_dunning_reminder")
        formal_notice = self.env.ref("cabinet_dunning.mail_template_dunning_formal_notice")
        by_template = defaultdict(lambda: self.browse())
        for line in self:
            level = line.level_id
            template = level.mail_template_id or (
                formal_notice if level.is_formal_notice else default
            )
            by_template[template] |= line
        for template, lines in by_template.items():
            mails = {mail.res_id: mail for mail in template.send_mail_batch(lines.ids)}
            for signatory, signed in lines._by_signatory().items():
                self.env["mail.mail"].sudo().concat(
                    *(mails[line.id] for line in signed)
                ).author_id = signatory
                signed.partner_id._message_log_batch(
                    # mail.mail keeps its rendered body as text: it is our template's HTML.
                    bodies={
                        line.partner_id.id: Markup(mails[line.id].body_html)  # noqa: S704
                        for line in signed
                    },
                    author_id=signatory.id,
                    message_type="comment",
                )

    def _by_signatory(self):
        """{partner: reminders} of who signs and sends each reminder: the client's responsible
        chartered accountant in the reminder's company, else the company; never OdooBot."""
        by_signatory = defaultdict(lambda: self.browse())
        for line in self:
            responsible = line.partner_id.with_company(line.company_id).dunning_responsible_id
            by_signatory[responsible.partner_id or line.company_id.partner_id] |= line
        return by_signatory

    def _send_sms(self):
        """Queue the level's SMS to each payer's mobile in Odoo's SMS queue (sent by its
        scheduler through IAP), logged on the client; returns the reminders without a mobile
        number, which become calls."""
        with_mobile = self.filtered(lambda line: line._sms_number())
        if not with_mobile:
            return self
        default = self.env.ref("cabinet_dunning.sms_template_dunning_reminder")
        by_template = defaultdict(lambda: self.browse())
        for line in with_mobile:
            by_template[line.level_id.sms_template_id or default] |= line
        sms_vals, bodies = [], {}
        for template, lines in by_template.items():
            rendered = template._render_field("body", lines.ids, compute_lang=True)
            for line in lines:
                sms_vals.append(
                    {
                        "number": line._sms_number(),
                        "body": rendered[line.id],
                        "partner_id": (line.payer_id or line.partner_id).id,
                        "state": "outgoing",
                    }
                )
                bodies[line.partner_id.id] = line.company_id._cabinet_lang_env()._(
                    "SMS to %(number)s: %(body)s", number=line._sms_number(), body=rendered[line.id]
                )
        self.env["sms.sms"].sudo().create(sms_vals)
        for signatory, lines in with_mobile._by_signatory().items():
            lines.partner_id._message_log_batch(
                bodies={line.partner_id.id: bodies[line.partner_id.id] for line in lines},
                message_type="sms",
                author_id=signatory.id,
            )
        self.env.ref("sms.ir_cron_sms_scheduler_action")._trigger()
        return self - with_mobile

    def _sms_number(self):
        self.ensure_one()
        number = self.payer_id.mobile or self.partner_id.mobile
        return number and self.partner_id._phone_format(number=number) or number

    def _notify_responsible(self):
        """The clients that reached a level escalating to their responsible chartered
        accountant: a to-do and a note in the client's file, in the company's language."""
        for company in self.company_id:
            lines = self.filtered(lambda line, company=company: line.company_id == company)
            lang_env = company._cabinet_lang_env()
            self.env["res.partner"]._cabinet_notify_responsibles(
                company,
                {
                    line.partner_id: (
                        lang_env._(
                            "%(client)s reached %(level)s",
                            client=line.partner_id.name,
                            level=line.level_id.with_env(lang_env).name,
                        ),
                        lang_env._(
                            "%(client)s reached the dunning level %(level)s on %(date)s: "
                            "%(amount)s overdue (%(invoices)s). The level is yours to act on.",
                            client=line.partner_id.name,
                            level=line.level_id.with_env(lang_env).name,
                            date=format_date(lang_env, line.run_date),
                            amount=line._format_amount(line.amount_due),
                            invoices=", ".join(line.move_line_ids.move_id.mapped("name")),
                        ),
                        line.run_date,
                    )
                    for line in lines
                },
            )

    def _schedule_calls(self):
        """One call activity per client, for whoever acts, with the payer's number."""
        if not self:
            return
        call = self.env.ref("mail.mail_activity_data_call")
        model = self.env["ir.model"]._get_id("res.partner")
        self.env["mail.activity"].create(
            [
                {
                    "res_model_id": model,
                    "res_id": line.partner_id.id,
                    "activity_type_id": call.id,
                    "user_id": line.user_id.id,
                    "date_deadline": line.run_date,
                    "summary": line.company_id._cabinet_lang_env()._(
                        "%(level)s: %(amount)s overdue",
                        level=line.level_id.with_env(line.company_id._cabinet_lang_env()).name,
                        amount=line._format_amount(line.amount_due),
                    ),  # fmt: skip
                    "note": line.company_id._cabinet_lang_env()._(
                        "Call %(payer)s (%(phone)s) about: %(invoices)s",
                        payer=(line.partner_id.payer_id or line.partner_id).name,
                        phone=line.partner_id.payer_phone
                        or line.partner_id.payer_mobile
                        or line.partner_id.phone
                        or "-",
                        invoices=", ".join(line.move_line_ids.move_id.mapped("name")),
                    ),  # fmt: skip
                }
                for line in self
            ]
        )

    def _log_letters(self):
        if not self:
            return
        for signatory, lines in self._by_signatory().items():
            lines.partner_id._message_log_batch(
                bodies={
                    line.partner_id.id: line.company_id._cabinet_lang_env()._(
                        "%(level)s: letter to print and post for %(amount)s overdue "
                        "(%(invoices)s).",
                        level=line.level_id.with_env(line.company_id._cabinet_lang_env()).name,
                        amount=line._format_amount(line.amount_due),
                        invoices=", ".join(line.move_line_ids.move_id.mapped("name")),
                    )
                    for line in lines
                },
                author_id=signatory.id,
            )

    def _format_amount(self, amount):
        """An amount in the company's currency, formatted in the company's language."""
        self.ensure_one()
        return self.currency_id.with_env(self.company_id._cabinet_lang_env()).format(amount)
