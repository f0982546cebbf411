import logging
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_date, split_every

from odoo.addons.cabinet_dunning.tools import rpc_arguments

from ..rules import letter_states

_logger = logging.getLogger(__name__)

BILL_CHUNK = 200
# The advisory-lock class of billing runs (the key is this and the company's id).
RUN_LOCK = 0x0CAB1
BILLABLE_STATES = (letter_states.ACTIVE, letter_states.SUSPENDED, letter_states.TERMINATED)


class BillingRunBusy(UserError):
    """Another billing run of the company is going on."""


class CabinetBillingRun(models.Model):
    """A run of the online services billing: for every engagement letter due, one invoice per
    client and period with all its services, usage and credits.

    Each billed period is recorded per letter line (``cabinet.billed.period``, unique per line
    and period), so a run done twice, or again after a crash, never bills a period twice.
    Clients are billed in chunks; the cron commits after each chunk, and a client whose
    invoice cannot be made is reported on the run without stopping the others.
    """

    _name = "cabinet.billing.run"
    _description = "Online services billing run"
    _order = "run_date desc, id desc"

    name = fields.Char(compute="_compute_name")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    run_date = fields.Date(
        string="Bill what is due on",
        required=True,
        default=fields.Date.context_today,
        help="Periods whose billing date has come by this day are invoiced, dated this day.",
    )
    trigger = fields.Selection(
        [("cron", "Scheduled"), ("manual", "Manual"), ("api", "API")],
        default="manual",
        required=True,
        readonly=True,
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("queued", "Queued"),
            ("running", "Running"),
            ("done", "Done"),
        ],
        default="draft",
        required=True,
        readonly=True,
        index=True,
    )
    letter_ids = fields.Many2many(
        "cabinet.engagement.letter",
        string="Only these letters",
        help="Leave empty to bill every engagement letter due.",
    )
    user_id = fields.Many2one("res.users", default=lambda self: self.env.user, readonly=True)
    date_started = fields.Datetime(readonly=True)
    date_done = fields.Datetime(readonly=True)
    invoice_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        readonly=True,
        copy=False,
        groups="account.group_account_invoice",
    )
    invoice_count = fields.Integer(compute="_compute_totals")
    amount_untaxed = fields.Monetary(string="Untaxed amount", compute="_compute_totals")
    billed_period_ids = fields.One2many("cabinet.billed.period", "run_id", readonly=True)
    issue_ids = fields.One2many("cabinet.billing.run.issue", "run_id", readonly=True)
    issue_count = fields.Integer(compute="_compute_issue_count")

    @api.depends("run_date")
    def _compute_name(self):
        for run in self:
            run.name = self.env._("Billing of %(date)s", date=format_date(self.env, run.run_date))

    @api.depends("invoice_ids")
    def _compute_totals(self):
        # What a run billed is shown to the online-services team, with or without the
        # Invoicing rights that open the invoices themselves.
        for run in self:
            invoices = run.sudo().invoice_ids
            run.invoice_count = len(invoices)
            run.amount_untaxed = sum(invoices.mapped("amount_untaxed_signed"))

    @api.depends("issue_ids")
    def _compute_issue_count(self):
        for run in self:
            run.issue_count = len(run.issue_ids)

    # ------------------------------------------------------------------------------------
    # Entry points: XML-RPC, button, cron
    # ------------------------------------------------------------------------------------
    @api.model
    def run_billing(self, run_date=None, letter_ids=None):
        """Bill now, in this transaction, what is due on ``run_date`` (today by default), for
        all the company's letters or only ``letter_ids``. For integrators (XML-RPC).

        Returns ``{"run_id", "invoice_ids", "issues": [{"letter_id", "partner_id", "reason",
        "message"}]}``. The whole book is better billed by the scheduled run, which commits
        chunk by chunk.
        """
        run_date = rpc_arguments.date_arg(
            self.env, run_date, "run_date", default=fields.Date.context_today(self)
        )
        letter_ids = rpc_arguments.ids_arg(
            self.env, letter_ids, "letter_ids", "cabinet.engagement.letter"
        )
        if not self.env["account.move"].has_access("create"):
            raise AccessError(
                self.env._(
                    "Billing now creates the invoices as you: it takes the Invoicing rights "
                    "(Facturation). Without them, start the run with its button: the "
                    "scheduled run bills it."
                )
            )
        self._lock_company_runs(self.env.company)
        run = self.create(
            {
                "run_date": run_date,
                "letter_ids": [(6, 0, letter_ids or [])],
                "trigger": "api",
            }
        )
        run._process()
        return {
            "run_id": run.id,
            "invoice_ids": run.invoice_ids.ids,
            "issues": [
                {
                    "letter_id": issue.letter_id.id,
                    "partner_id": issue.partner_id.id,
                    "reason": issue.reason,
                    "message": issue.message,
                }
                for issue in run.issue_ids
            ],
        }

    def action_queue(self):
        """Hand the run to the billing cron, which bills in committed chunks."""
        if self.filtered(lambda run: run.state != "draft"):
            raise UserError(self.env._("Only a draft billing run can be started."))
        self.write({"state": "queued"})
        self.env.ref("cabinet_online_services.ir_cron_billing_run")._trigger()
        return True

    @api.model
    def _cron_billing_run(self):
        """Daily: a run for today in every company that bills online services, then every
        queued or interrupted run, chunk by chunk with a commit after each chunk."""
        today = fields.Date.context_today(self)
        companies = (
            self.env["cabinet.engagement.letter"]
            .sudo()
            ._read_group([("state", "in", BILLABLE_STATES)], ["company_id"])
        )
        already = self.search([("trigger", "=", "cron"), ("run_date", "=", today)]).company_id
        self.create(
            [
                {"company_id": company.id, "run_date": today, "trigger": "cron",
                 "state": "queued", "user_id": self.env.user.id}
                for (company,) in companies
                if company not in already
            ]
        )  # fmt: skip
        for run in self.search([("state", "in", ("queued", "running"))], order="id"):
            try:
                run.with_company(run.company_id)._process(commit=True)
            except BillingRunBusy:
                _logger.info("%s: another run of its company is going on; next time.", run.name)

    def action_prepare_direct_debits(self):
        """Gather the run's invoices paid by direct debit into direct-debit orders."""
        self.ensure_one()
        return self.invoice_ids.action_cabinet_prepare_direct_debits()

    def action_view_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice")
        action["domain"] = [("id", "in", self.invoice_ids.ids)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------------------------------
    # Processing
    # ------------------------------------------------------------------------------------
    def _process(self, commit=False, chunk_size=BILL_CHUNK):
        """Bill the clients due, ``chunk_size`` at a time. With ``commit`` (the cron), each
        chunk is committed: a crash loses at most the chunk in progress, and the next run
        resumes with the clients not billed yet."""
        self.ensure_one()
        self._lock_company_runs(self.company_id, across_commits=commit)
        try:
            return self._process_locked(commit=commit, chunk_size=chunk_size)
        finally:
            if commit:
                self.env.cr.execute(
                    "SELECT pg_advisory_unlock(%s, %s)", [RUN_LOCK, self.company_id.id]
                )

    def _lock_company_runs(self, company, across_commits=False):
        """One billing run at a time per company: a second one answers at once that a run
        is going on, never waits for it nor reports database errors. The lock lasts the
        transaction, or until released across the cron's commits."""
        function = "pg_try_advisory_lock" if across_commits else "pg_try_advisory_xact_lock"
        self.env.cr.execute(f"SELECT {function}(%s, %s)", [RUN_LOCK, company.id])  # noqa: S608
        if not self.env.cr.fetchone()[0]:
            raise BillingRunBusy(
                self.env._(
                    "A billing run of %(company)s is already running: what it bills will be "
                    "in its invoices. Start another once it has ended.",
                    company=company.name,
                )
            )

    def _process_locked(self, commit, chunk_size):
        self.write({"state": "running", "date_started": fields.Datetime.now()})
        partners = self._partners_to_bill()
        remaining = len(partners)
        for partner_ids in split_every(chunk_size, partners.ids):
            self._bill_isolating_failures(self.env["res.partner"].browse(partner_ids))
            remaining -= len(partner_ids)
            if commit:
                self.env["ir.cron"]._commit_progress(len(partner_ids), remaining=remaining)
        self.write({"state": "done", "date_done": fields.Datetime.now()})
        if self.company_id.online_services_auto_send:
            self._send_invoices()
        if commit:
            self.env["ir.cron"]._commit_progress()
        return True

    def _send_invoices(self):
        """Queue the posted invoices not sent yet for sending as each client agreed; a cron
        renders and sends them, never in the billing transaction."""
        return self.env["cabinet.einvoice.batch"]._queue(self.invoice_ids, billing_run=self)

    def action_send_invoices(self):
        """Send the run's posted invoices as each client agreed, in the background."""
        self.ensure_one()
        batch = self._send_invoices()
        if not batch:
            raise UserError(
                self.env._("All the posted invoices of this run are already sent or being sent.")
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "cabinet.einvoice.batch",
            "res_id": batch.id,
            "view_mode": "form",
        }

    def _letter_domain(self):
        domain = [
            ("company_id", "=", self.company_id.id),
            ("state", "in", BILLABLE_STATES),
            "|",
            "|",
            ("state", "!=", letter_states.TERMINATED),
            ("line_ids.billing_done", "=", False),
            ("suspension_ids.to_credit", "=", True),
        ]
        if self.letter_ids:
            domain.append(("id", "in", self.letter_ids.ids))
        return domain

    def _partners_to_bill(self):
        """Clients with a letter that may have something due, or usage to bill."""
        letter_partners = self.env["cabinet.engagement.letter"]._read_group(
            self._letter_domain(), ["partner_id"]
        )
        partner_ids = {partner.id for (partner,) in letter_partners}
        if not self.letter_ids:
            usage = self.env["cabinet.usage.line"]._read_group(
                [
                    ("company_id", "=", self.company_id.id),
                    ("state", "=", "to_bill"),
                    ("period_end", "<", self.run_date),
                ],
                ["partner_id"],
            )
            partner_ids |= {partner.id for (partner,) in usage}
        return self.env["res.partner"].browse(sorted(partner_ids))

    def _bill_isolating_failures(self, partners):
        """Bill a chunk of clients; if it fails, bill them one by one and report those that
        fail, so one bad letter never stops the run."""
        try:
            with self.env.cr.savepoint():
                self._bill(partners)
        except Exception:  # noqa: BLE001 - any error: the clients are retried one by one
            for partner in partners:
                try:
                    with self.env.cr.savepoint():
                        self._bill(partner)
                except Exception as error:  # noqa: BLE001 - recorded on the run
                    _logger.warning("Billing run %s: %s not billed", self.id, partner.id,
                                    exc_info=True)  # fmt: skip
                    letters = self.env["cabinet.engagement.letter"].search(
                        self._letter_domain() + [("partner_id", "=", partner.id)]
                    )
                    self._report([(letters[:1], partner, "error", str(error))])

    def _report(self, issues):
        self.env["cabinet.billing.run.issue"].create(
            [
                {
                    "run_id": self.id,
                    "letter_id": letter.id,
                    "partner_id": partner.id,
                    "reason": reason,
                    "message": message,
                }
                for letter, partner, reason, message in issues
            ]
        )

    def _bill(self, partners):
        """Invoice what is due for ``partners``: one batch of invoices, of billed periods and
        of usage updates, whatever the number of clients."""
        letters = self.env["cabinet.engagement.letter"].search_fetch(
            self._letter_domain() + [("partner_id", "in", partners.ids)],
            ["partner_id", "state", "suspension_stops_billing", "billing_frequency",
             "billing_timing", "billing_day", "start_date", "payment_mode_id",
             "payment_term_id", "name"],
            order="partner_id, id",
        )  # fmt: skip
        locked = letters.try_lock_for_update()
        self._report(
            [
                (letter, letter.partner_id, "locked", False)
                for letter in letters - locked
            ]
        )  # fmt: skip
        letters = locked.sorted(lambda letter: (letter.partner_id.id, letter.id))
        billable = letters.filtered(lambda letter: letter._is_billable())
        self._report(
            [
                (letter, letter.partner_id, "suspended", False)
                for letter in letters - billable
                if letter.state == letter_states.SUSPENDED
            ]
        )  # fmt: skip
        billable.line_ids.fetch(
            ["product_id", "name", "quantity", "price_unit", "subtotal", "date_start",
             "date_end", "billed_until", "sequence"]
        )  # fmt: skip
        letters.sudo().suspension_ids.fetch(["date_from", "date_to", "stops_billing", "to_credit"])
        invoices = _InvoiceBatch(self)
        for letter in billable:
            for charge in letter._billing_charges(self.run_date):
                invoices.add_charge(letter, charge)
        # A suspension over gives back what was billed in advance of it, even if the letter
        # is suspended again or ended since.
        suspensions = letters.sudo().suspension_ids.filtered("to_credit")
        given_back = defaultdict(Decimal)
        for credit in suspensions._billing_credits():
            invoices.add_credit(*credit, kind="suspension")
            given_back[credit[1], credit[2].period_start] += credit[5]
        suspensions.to_credit = False
        for credit in billable.line_ids._billing_credits(given_back):
            invoices.add_credit(*credit)
        usage_partners = letters.partner_id if self.letter_ids else partners
        usage = self.env["cabinet.usage.line"].search_fetch(
            [
                ("partner_id", "in", usage_partners.ids),
                ("company_id", "=", self.company_id.id),
                ("state", "=", "to_bill"),
                ("period_end", "<", self.run_date),
            ],
            ["partner_id", "product_id", "period_start", "period_end", "quantity"],
            order="partner_id, period_start, id",
        )
        usage = usage.try_lock_for_update()
        # Usage is billed even while a letter is suspended: it was consumed.
        letters_by_partner = defaultdict(list)
        for letter in letters:
            letters_by_partner[letter.partner_id].append(letter)
        unmatched = []
        for usage_line in usage:
            letter = usage_line._billing_letter(letters_by_partner[usage_line.partner_id])
            if letter:
                invoices.add_usage(letter, usage_line)
            else:
                unmatched.append(usage_line)
        self._report(
            [
                (self.env["cabinet.engagement.letter"], line.partner_id, "usage_without_letter",
                 self.env._("Usage of %(service)s for %(period)s: no engagement letter of "
                            "this client bills it on those dates.",
                            service=line.product_id.display_name,
                            period=format_date(self.env, line.period_start, date_format="MMMM y")))
                for line in unmatched
            ]
        )  # fmt: skip
        invoices.create_invoices()


class _InvoiceBatch:
    """The invoices of a chunk, built in memory and created in one batch."""

    def __init__(self, run):
        self.run = run
        self.env = run.env
        self.groups = {}
        self.envs = {}

    def _group(self, letter, period):
        term = letter._invoice_payment_term()
        key = (letter.partner_id.id, letter.payment_mode_id.id, term.id, period)
        if key not in self.groups:
            self.groups[key] = {
                "letters": self.env["cabinet.engagement.letter"],
                "lines": [],
                "periods": [],
                "usage": self.env["cabinet.usage.line"],
                "credited": self.env["account.move"],
                "partner": letter.partner_id,
                "mode": letter.payment_mode_id,
                "term": term,
            }
        group = self.groups[key]
        group["letters"] |= letter
        return group

    def _env_in(self, partner):
        """The environment in the client's language, for the invoice labels."""
        lang = partner.lang or self.env.lang
        if lang not in self.envs:
            self.envs[lang] = self.env(context={**self.env.context, "lang": lang})
        return self.envs[lang]

    def _label(self, partner, service, date_from, date_to):
        env = self._env_in(partner)
        return env._(
            "%(service)s, from %(start)s to %(end)s",
            service=service,
            start=format_date(env, date_from),
            end=format_date(env, date_to),
        )

    def add_charge(self, letter, charge):
        """Invoice a charge's days; one wholly suspended is recorded as billed for nothing,
        so that no run looks at it again."""
        line = charge.key
        group = self._group(letter, (charge.period_start, charge.period_end))
        date_from, date_to = charge.date_from, charge.date_to
        if charge.active:
            date_from, date_to = charge.active[0][0], charge.active[-1][1]
            label = self._label(letter.partner_id, line.name, date_from, date_to)
            env = self._env_in(letter.partner_id)
            for (_first, before), (after, _last) in zip(charge.active, charge.active[1:],
                                                        strict=False):  # fmt: skip
                label = env._(
                    "%(label)s, except the suspension from %(start)s to %(end)s",
                    label=label,
                    start=format_date(env, before + timedelta(days=1)),
                    end=format_date(env, after - timedelta(days=1)),
                )
            group["lines"].append(_invoice_line(line.product_id, label, line.quantity,
                                                charge.amount))  # fmt: skip
        group["periods"].append(
            {"line_id": line.id, "kind": "charge", "period_start": charge.period_start,
             "period_end": charge.period_end, "date_from": date_from, "date_to": date_to,
             "amount": float(charge.amount)}
        )  # fmt: skip

    def add_credit(self, letter, line, period, date_from, date_to, amount, kind="credit"):
        """Give back ``amount``, the days ``date_from``..``date_to`` of a billed ``period``
        that the service did not cover (``kind``: it ended, or was suspended)."""
        group = self._latest_group(letter) or self._group(
            letter, (period.period_start, period.period_end)
        )
        env = self._env_in(letter.partner_id)
        label = self._label(letter.partner_id, line.name, date_from, date_to)
        if kind == "suspension":
            label = env._("Credit for the suspension: %(label)s", label=label)
        else:
            label = env._("Credit for days not used: %(label)s", label=label)
        if amount:
            group["lines"].append(_invoice_line(line.product_id, label, 1, -amount))
            group["credited"] |= period.move_id
        group["periods"].append(
            {"line_id": line.id, "kind": kind, "period_start": period.period_start,
             "period_end": period.period_end, "date_from": date_from,
             "date_to": date_to, "amount": -float(amount)}
        )  # fmt: skip

    def add_usage(self, letter, usage_line):
        group = self._latest_group(letter) or self._group(
            letter, (usage_line.period_start, usage_line.period_end)
        )
        base_price = usage_line._billing_unit_price(letter)
        product = usage_line.product_id
        tiers = product.product_tmpl_id._usage_price_segments(usage_line.quantity, base_price)
        label = self._label(letter.partner_id, product.display_name, usage_line.period_start,
                            usage_line.period_end)  # fmt: skip
        for segment in tiers:
            name = label
            if len(tiers) > 1:
                name = self._env_in(letter.partner_id)._(
                    "%(label)s (from unit %(start)s)",
                    label=label,
                    start=f"{segment.from_quantity + 1:g}",
                )
            group["lines"].append(
                {"product_id": product.id, "name": name, "quantity": segment.quantity,
                 "price_unit": segment.unit_price}
            )  # fmt: skip
        group["usage"] |= usage_line

    def _latest_group(self, letter):
        """The group of the letter's client with the latest period, to carry usage and
        credits on the invoice of the services."""
        candidates = [
            (key[3], group)
            for key, group in self.groups.items()
            if key[:3] == (letter.partner_id.id, letter.payment_mode_id.id,
                           letter._invoice_payment_term().id)
        ]  # fmt: skip
        return max(candidates, key=lambda item: item[0])[1] if candidates else None

    def create_invoices(self):
        run = self.run
        if not self.groups:
            return self.env["account.move"]
        company = run.company_id
        journal = company._online_services_journal()
        groups = [group for group in self.groups.values() if group["lines"]]
        # Periods billed for nothing (wholly suspended, nothing left to give back) are
        # recorded without an invoice.
        period_vals = [
            dict(vals, run_id=run.id)
            for group in self.groups.values()
            if not group["lines"]
            for vals in group["periods"]
        ]
        Move = self.env["account.move"]
        vals_list = []
        for group in groups:
            total = sum(line["quantity"] * line["price_unit"] for line in group["lines"])
            move_type = "out_invoice" if total >= 0 else "out_refund"
            lines = group["lines"]
            if move_type == "out_refund":
                lines = [dict(line, price_unit=-line["price_unit"]) for line in lines]
            vals = {
                "move_type": move_type,
                "partner_id": group["partner"].id,
                "company_id": company.id,
                "journal_id": journal.id,
                "invoice_date": run.run_date,
                "invoice_origin": ", ".join(group["letters"].mapped("name")),
                "invoice_line_ids": [(0, 0, line) for line in lines],
                **Move._cabinet_public_body_vals(group["partner"]),
            }
            mode = group["mode"]
            if move_type == "out_refund":
                # A credit note credits the invoice that billed the days given back, and is
                # paid back by the mode's refund mode, never collected by direct debit.
                vals["reversed_entry_id"] = group["credited"].sorted("id")[-1:].id
                mode = mode.refund_payment_mode_id
            elif group["term"]:
                vals["invoice_payment_term_id"] = group["term"].id
            vals["payment_mode_id"] = mode.id
            vals_list.append(vals)
        moves = self.env["account.move"].create(vals_list)
        receivable = company.online_services_receivable_account_id
        if receivable:
            moves.line_ids.filtered(
                lambda line: line.display_type == "payment_term"
            ).account_id = receivable
        for group, move in zip(groups, moves, strict=True):
            period_vals += [dict(vals, move_id=move.id, run_id=run.id)
                            for vals in group["periods"]]  # fmt: skip
            if group["usage"]:
                group["usage"].write({"state": "billed", "move_id": move.id})
        self.env["cabinet.billed.period"].create(period_vals)
        if company.online_services_auto_post:
            moves.action_post()
        run.invoice_ids = [(4, move.id) for move in moves]
        return moves


def _invoice_line(product, name, quantity, amount):
    """An invoice line of ``amount`` for ``quantity`` units: the unit price when it divides
    exactly to the cent, else one unit at the amount (the total is never rounded away)."""
    amount = Decimal(amount)
    quantity = Decimal(str(quantity or 1))
    unit_price = amount / quantity
    if quantity > 0 and unit_price == unit_price.quantize(Decimal("0.01")):
        return {"product_id": product.id, "name": name, "quantity": float(quantity),
                "price_unit": float(unit_price)}  # fmt: skip
    return {"product_id": product.id, "name": name, "quantity": 1.0, "price_unit": float(amount)}
