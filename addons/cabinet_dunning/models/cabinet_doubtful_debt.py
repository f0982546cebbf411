from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_round, format_date

from ..tools import rpc_arguments

# The accounts of the French chart (l10n_fr_account) each role defaults to, when the
# company did not choose its own.
DEFAULT_ACCOUNTS = {
    "doubtful_account_id": "pcg_416",  # Clients douteux ou litigieux
    "doubtful_provision_account_id": "pcg_491",  # Dépréciation des comptes clients
    "doubtful_expense_account_id": "pcg_68174",  # Dotations aux dépréciations des créances
    "doubtful_reversal_account_id": "pcg_78174",  # Reprises sur dépréciations des créances
    "bad_debt_account_id": "pcg_6541",  # Pertes sur créances irrécouvrables de l'exercice
    "bad_debt_prior_account_id": "pcg_6544",  # ... des exercices antérieurs
}


class CabinetDoubtfulDebt(models.Model):
    """A client's debt classed doubtful, and what became of it, in the books.

    Classing moves the invoices' amount still due from the client account (411) to doubtful
    clients (416) and books a provision (6817 / 491) on its amount excluding VAT at the rate
    chosen; a write-off credits what is still due by credit notes of the invoices on the loss
    account (654), then moves 416 back and reverses the provision; a recovery, once the
    client has paid, reverses both. Each is a posted entry (miscellaneous journal, or the
    invoices' journal for the credit notes), linked here; the invoices stay open (and
    reminded) until the debt is written off.
    Written only by its actions (``classify``, ``action_write_off``, ``action_recover``).
    """

    _name = "cabinet.doubtful.debt"
    _description = "Doubtful debt"
    _inherit = ["mail.thread", "cabinet.dunning.guarded"]
    _order = "date desc, id desc"
    _guarded_fields = "__all__"

    name = fields.Char(compute="_compute_name")
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner", string="Client", required=True, index=True, readonly=True
    )
    litigation_id = fields.Many2one(
        "cabinet.dunning.litigation", string="Litigation file", readonly=True, index=True
    )
    move_line_ids = fields.Many2many(
        "account.move.line", string="Invoices", readonly=True,
        relation="cabinet_doubtful_debt_move_line_rel",
    )  # fmt: skip
    date = fields.Date(string="Classed doubtful on", required=True, readonly=True)
    amount = fields.Monetary(
        string="Amount classed", readonly=True, help="Taxes included: moved from 411 to 416."
    )
    amount_untaxed = fields.Monetary(string="Excluding VAT", readonly=True)
    provision_rate = fields.Float(string="Provision rate (%)", readonly=True)
    provision_amount = fields.Monetary(string="Provision", readonly=True)
    loss_amount = fields.Monetary(string="Loss", readonly=True, help="Excluding VAT.")
    state = fields.Selection(
        [
            ("doubtful", "Doubtful"),
            ("written_off", "Written off as a loss"),
            ("recovered", "Recovered"),
        ],
        default="doubtful",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
    )
    classification_move_id = fields.Many2one("account.move", string="Classing entry", readonly=True)
    closing_move_id = fields.Many2one("account.move", string="Closing entry", readonly=True)
    closing_date = fields.Date(readonly=True)

    @api.depends("partner_id")
    def _compute_name(self):
        for debt in self:
            debt.name = self.env._(
                "Doubtful debt %(client)s", client=debt.partner_id.display_name or ""
            )

    # ------------------------------------------------------------------------------------
    # Classing
    # ------------------------------------------------------------------------------------
    @api.model
    def classify(self, partner_id, provision_rate, date=None, move_line_ids=None,
                 litigation_id=None):  # fmt: skip
        """Class the client's debt doubtful on ``date`` (today by default): its open
        invoices, or those of ``move_line_ids`` (their receivable lines), with a provision
        of ``provision_rate`` % of their amount excluding VAT. Returns the doubtful debt."""
        self._check_manager()
        partner_ids = rpc_arguments.ids_arg(
            self.env, partner_id, "partner_id", "res.partner", required=True
        )
        partner = self.env["res.partner"].browse(partner_ids[:1]).commercial_partner_id
        if (
            isinstance(provision_rate, bool)
            or not isinstance(provision_rate, (int, float))
            or not 0 <= provision_rate <= 100
        ):
            raise UserError(
                self.env._(
                    "provision_rate: expected a percentage from 0 to 100, got %(value)r.",
                    value=provision_rate,
                )
            )
        today = fields.Date.context_today(self)
        date = rpc_arguments.date_arg(self.env, date, "date", default=today, latest=today)
        company = self.env.company
        lines = self._lines_to_class(company, partner, move_line_ids)
        litigation = self.env["cabinet.dunning.litigation"]
        if litigation_id:
            litigation = litigation.browse(
                rpc_arguments.ids_arg(
                    self.env, litigation_id, "litigation_id", "cabinet.dunning.litigation"
                )[:1]
            )
        accounts = company._cabinet_doubtful_accounts()
        shares = self._shares(lines)
        amount = sum(share["residual"] for share in shares.values())
        untaxed = sum(share["untaxed"] for share in shares.values())
        provision = company.currency_id.round(untaxed * provision_rate / 100)
        debt = self.sudo().create(
            {
                "company_id": company.id,
                "partner_id": partner.id,
                "litigation_id": litigation.id,
                "move_line_ids": [(6, 0, lines.ids)],
                "date": date,
                "amount": amount,
                "amount_untaxed": untaxed,
                "provision_rate": provision_rate,
                "provision_amount": provision,
            }
        )
        label = self.env._("Doubtful debt")
        line_vals = [
            {"account_id": line.account_id.id, "partner_id": partner.id,
             "name": self.env._("Doubtful debt: %(invoice)s", invoice=line.move_id.name),
             "credit": shares[line]["residual"],
             "cabinet_doubtful_role": "transfer", "cabinet_doubtful_invoice_id": line.move_id.id}
            for line in lines
        ]  # fmt: skip
        line_vals.append(
            {"account_id": accounts["doubtful_account_id"].id, "partner_id": partner.id,
             "name": label, "debit": amount, "cabinet_doubtful_role": "doubtful"}
        )  # fmt: skip
        if provision:
            provision_label = self.env._(
                "Provision for the doubtful debt (%(rate)s %%)", rate=f"{provision_rate:g}"
            )
            line_vals += [
                {"account_id": accounts["doubtful_expense_account_id"].id,
                 "partner_id": partner.id, "name": provision_label, "debit": provision},
                {"account_id": accounts["doubtful_provision_account_id"].id,
                 "partner_id": partner.id, "name": provision_label, "credit": provision,
                 "cabinet_doubtful_role": "provision"},
            ]  # fmt: skip
        ref = self.env._("Doubtful debt: %(client)s", client=partner.display_name)
        move = debt._post_entry(date, line_vals, ref)
        debt.sudo().classification_move_id = move
        debt.sudo().message_post(
            body=self.env._(
                "Classed doubtful: %(amount)s, provision %(provision)s (%(rate)s %%).",
                amount=company.currency_id.format(amount),
                provision=company.currency_id.format(provision),
                rate=f"{provision_rate:g}",
            )
        )
        return debt

    def _check_manager(self):
        if not self.env.su and not self.env.user.has_group("cabinet_dunning.group_dunning_manager"):
            raise UserError(
                self.env._(
                    "Only a collection manager classes debts doubtful, writes them off or "
                    "records their recovery: these are accounting entries."
                )
            )

    @api.model
    def _open_invoice_lines_domain(self, company, partner):
        """The receivable lines of the client's invoices still due in the company: what
        can be classed doubtful."""
        return [
            ("company_id", "=", company.id),
            ("partner_id", "=", partner.id),
            ("account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
            ("reconciled", "=", False),
            ("amount_residual", ">", 0),
            ("move_id.move_type", "=", "out_invoice"),
            ("cabinet_doubtful_role", "=", False),
        ]

    def _lines_to_class(self, company, partner, move_line_ids):
        """The open invoices' receivable lines to class, locked; none of them already in a
        doubtful debt."""
        domain = self._open_invoice_lines_domain(company, partner)
        if move_line_ids not in (None, False):
            ids = rpc_arguments.ids_arg(
                self.env, move_line_ids, "move_line_ids", "account.move.line", required=True
            )
            domain.append(("id", "in", ids))
        lines = self.env["account.move.line"].search(domain, order="date_maturity, id")
        if move_line_ids not in (None, False) and len(lines) != len(set(ids)):
            raise UserError(
                self.env._(
                    "move_line_ids: expected open receivable lines of invoices of "
                    "%(client)s in %(company)s.",
                    client=partner.display_name,
                    company=company.name,
                )
            )
        if not lines:
            raise UserError(
                self.env._(
                    "%(client)s has no open invoice to class doubtful.", client=partner.display_name
                )  # fmt: skip
            )
        locked = lines.try_lock_for_update()
        already = self.sudo().search(
            [("move_line_ids", "in", lines.ids), ("state", "=", "doubtful")], limit=1
        )
        if locked != lines or already:
            raise UserError(
                self.env._(
                    "Some of these invoices are already classed doubtful, or being classed "
                    "by someone else: reload the client's file."
                )
            )
        return lines

    def _shares(self, lines):
        """{receivable line: {residual, untaxed}}: what each invoice still owes, and its
        amount excluding VAT: the residual less its share of each VAT account, split as the
        invoice splits its total (Odoo's own amounts, rounded to the cent)."""
        shares = {}
        for line in lines:
            move = line.move_id
            currency = move.company_currency_id
            residual = line.amount_residual
            total = move.amount_total_signed
            vat = defaultdict(float)
            for tax_line in move.line_ids.filtered(lambda aml: aml.display_type == "tax"):
                account = tax_line.tax_repartition_line_id.account_id or tax_line.account_id
                vat[account] += -tax_line.balance
            vat = {
                account: currency.round(residual * amount / total) if total else 0.0
                for account, amount in vat.items()
            }
            shares[line] = {
                "residual": residual,
                "untaxed": currency.round(residual - sum(vat.values())),
            }
        return shares

    def _post_entry(self, date, line_vals, ref):
        """A posted entry of the company's miscellaneous journal, linked to this debt."""
        self.ensure_one()
        journal = self.env["account.journal"].search(
            [("company_id", "=", self.company_id.id), ("type", "=", "general")], limit=1
        )
        if not journal:
            raise UserError(
                self.env._(
                    "%(company)s has no miscellaneous journal for the entry.",
                    company=self.company_id.name,
                )  # fmt: skip
            )
        move = (
            self.env["account.move"]
            .sudo()
            .create(
                {
                    "move_type": "entry",
                    "journal_id": journal.id,
                    "company_id": self.company_id.id,
                    "date": date,
                    "ref": ref,
                    "cabinet_doubtful_debt_id": self.id,
                    "line_ids": [(0, 0, vals) for vals in line_vals],
                }
            )
        )
        move.action_post()
        return move

    # ------------------------------------------------------------------------------------
    # Closing
    # ------------------------------------------------------------------------------------
    def action_write_off(self, date=None):
        """The debt is lost: book the loss of what is still due (excluding VAT; its VAT
        back to the VAT account), reverse the provision, and close the invoices."""
        return self._close("written_off", date)

    def action_recover(self, date=None):
        """The client has paid everything: reverse the classing and the provision."""
        return self._close("recovered", date)

    def _close(self, state, date):
        if not self:
            return True
        self._check_manager()
        today = fields.Date.context_today(self)
        date = rpc_arguments.date_arg(self.env, date, "date", default=today, latest=today)
        locked = self.try_lock_for_update()
        self.invalidate_recordset(["state"])
        if locked != self or self.filtered(lambda debt: debt.state != "doubtful"):
            raise UserError(
                self.env._(
                    "%(debts)s is no longer doubtful (written off, recovered, or being closed "
                    "by someone else).",
                    debts=", ".join(self.mapped("name")),
                )
            )
        for debt in self:
            if date < debt.date:
                raise UserError(
                    self.env._(
                        "%(debt)s cannot be closed before it was classed doubtful (%(date)s).",
                        debt=debt.name,
                        date=format_date(self.env, debt.date),
                    )
                )
            debt._close_one(state, date)
        return True

    def _close_one(self, state, date):
        """Close the debt on ``date``: a write-off first credits what is still due of each
        invoice (``_credit_notes_for_loss``); then one entry moves the whole amount back from
        416 to the client account, where it meets the classing, and reverses the provision."""
        company = self.company_id
        currency = company.currency_id
        accounts = company._cabinet_doubtful_accounts()
        partner = self.partner_id
        still_due = {line: line.amount_residual for line in self.move_line_ids}
        if state == "recovered" and any(currency.compare_amounts(due, 0) > 0
                                        for due in still_due.values()):  # fmt: skip
            raise UserError(
                self.env._(
                    "%(debt)s still has %(amount)s due: record the payments first, or write "
                    "it off.",
                    debt=self.name,
                    amount=currency.format(sum(still_due.values())),
                )
            )
        loss = 0.0
        if state == "written_off":
            credit_notes = self._credit_notes_for_loss(date, accounts)
            loss = -sum(credit_notes.mapped("amount_untaxed_signed"))
        transfers = self.classification_move_id.line_ids.filtered(
            lambda line: line.cabinet_doubtful_role == "transfer"
        )
        line_vals = [
            {"account_id": transfer.account_id.id, "partner_id": partner.id,
             "name": self.env._("Doubtful debt closed: %(invoice)s",
                                invoice=transfer.cabinet_doubtful_invoice_id.name),
             "debit": -transfer.balance, "cabinet_doubtful_role": "transfer",
             "cabinet_doubtful_invoice_id": transfer.cabinet_doubtful_invoice_id.id}
            for transfer in transfers
        ]  # fmt: skip
        line_vals.append(
            {"account_id": accounts["doubtful_account_id"].id, "partner_id": partner.id,
             "name": self.env._("Doubtful debt closed"), "credit": self.amount,
             "cabinet_doubtful_role": "doubtful"}
        )  # fmt: skip
        if self.provision_amount:
            reversal_label = self.env._("Provision reversed")
            line_vals += [
                {"account_id": accounts["doubtful_provision_account_id"].id,
                 "partner_id": partner.id, "name": reversal_label,
                 "debit": self.provision_amount, "cabinet_doubtful_role": "provision"},
                {"account_id": accounts["doubtful_reversal_account_id"].id,
                 "partner_id": partner.id, "name": reversal_label,
                 "credit": self.provision_amount},
            ]  # fmt: skip
        move = self._post_entry(
            date,
            line_vals,
            self.env._("Doubtful debt closed: %(client)s", client=partner.display_name),
        )
        # Each role's lines of the classing and of this entry are matched together: the
        # client account (classing and its reversal), 416, 491.
        for role in ("transfer", "doubtful", "provision"):
            lines = (self.classification_move_id | move).line_ids.filtered(
                lambda line, role=role: line.cabinet_doubtful_role == role
            )
            for account in lines.account_id.filtered("reconcile"):
                by_invoice = defaultdict(lambda: self.env["account.move.line"])
                for line in lines:
                    if line.account_id == account:
                        by_invoice[line.cabinet_doubtful_invoice_id] |= line
                for group in by_invoice.values():
                    group.reconcile()
        self.sudo().write(
            {
                "state": state,
                "closing_move_id": move.id,
                "closing_date": date,
                "loss_amount": float_round(loss, precision_rounding=currency.rounding),
            }
        )
        self.sudo().message_post(
            body=self.env._("Written off: loss of %(loss)s.", loss=currency.format(loss))
            if state == "written_off"
            else self.env._("Recovered: the client paid; classing and provision reversed.")
        )

    def _credit_notes_for_loss(self, date, accounts):
        """A credit note of what is still due of each invoice, its lines on the loss
        account (of the invoice's year, or of earlier years) with the invoice's own taxes:
        Odoo's tax engine gives the VAT back as on any credit note (with its tax grids, and
        on payment as on invoice, the credit note cancelling the invoice's cash-basis
        entries), and Odoo matches it with the invoice when it is posted."""
        company = self.company_id
        year_start = company.compute_fiscalyear_dates(date)["date_from"]
        vals_list, sources = [], []
        for line in self.move_line_ids.filtered(
            lambda line: not line.currency_id.is_zero(line.amount_residual_currency)
        ):
            invoice = line.move_id
            loss_account = (
                accounts["bad_debt_account_id"]
                if invoice.invoice_date and invoice.invoice_date >= year_start
                else accounts["bad_debt_prior_account_id"]
            )
            share = line.amount_residual_currency / invoice.amount_total
            products = invoice.invoice_line_ids.filtered(lambda aml: aml.display_type == "product")
            vals_list.append(
                {
                    "move_type": "out_refund",
                    "partner_id": invoice.partner_id.id,
                    "company_id": company.id,
                    "journal_id": invoice.journal_id.id,
                    "currency_id": invoice.currency_id.id,
                    "invoice_date": date,
                    "date": date,
                    "reversed_entry_id": invoice.id,
                    "ref": self.env._("Bad debt: %(invoice)s", invoice=invoice.name),
                    "cabinet_doubtful_debt_id": self.id,
                    "invoice_line_ids": [
                        (0, 0, {"name": product.name, "account_id": loss_account.id,
                                "quantity": 1,
                                "price_unit": invoice.currency_id.round(
                                    product.price_subtotal * share),
                                "tax_ids": [(6, 0, product.tax_ids.ids)],
                                "cabinet_doubtful_role": "loss"})
                        for product in products
                    ],
                }
            )  # fmt: skip
            sources.append((line, loss_account))
        credit_notes = self.env["account.move"].sudo().create(vals_list)
        for credit_note, (line, loss_account) in zip(credit_notes, sources, strict=True):
            # The shares of the lines, rounded, may miss what is due by a cent: that cent
            # is a loss too, without tax.
            difference = line.amount_residual_currency - credit_note.amount_total
            if not credit_note.currency_id.is_zero(difference):
                credit_note.invoice_line_ids = [
                    (0, 0, {"name": self.env._("Rounding"), "account_id": loss_account.id,
                            "quantity": 1, "price_unit": difference, "tax_ids": [],
                            "cabinet_doubtful_role": "loss"})
                ]  # fmt: skip
        # Posting a credit note of an invoice matches them (Odoo's own reversal).
        credit_notes.action_post()
        return credit_notes
