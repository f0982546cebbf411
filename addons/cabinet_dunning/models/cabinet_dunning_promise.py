from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date


class CabinetDunningPromise(models.Model):
    """A promise to pay: the client's invoices are not reminded until its date."""

    _name = "cabinet.dunning.promise"
    _description = "Promise to pay"
    _inherit = ["cabinet.dunning.guarded"]
    _order = "promise_date desc, id desc"
    _guarded_fields = ("state",)

    partner_id = fields.Many2one(
        "res.partner", string="Client", required=True, index=True,
        domain="[('parent_id', '=', False)]",
    )  # fmt: skip
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    move_ids = fields.Many2many(
        "account.move", string="Invoices", required=True,
        domain="[('commercial_partner_id', '=', partner_id), ('move_type', '=', 'out_invoice'),"
        " ('payment_state', 'in', ('not_paid', 'partial'))]",
    )  # fmt: skip
    promise_date = fields.Date(string="Promised for", required=True)
    amount = fields.Monetary(string="Amount promised", required=True)
    user_id = fields.Many2one(
        "res.users", string="Taken by", default=lambda self: self.env.user, required=True
    )
    note = fields.Text()
    state = fields.Selection(
        [("open", "Open"), ("kept", "Kept"), ("broken", "Broken")],
        default="open", required=True, index=True, readonly=True,
    )  # fmt: skip

    @api.constrains("amount", "move_ids")
    def _check_amount_and_invoices(self):
        for promise in self:
            if promise.amount <= 0:
                raise ValidationError(self.env._("The amount promised must be positive."))
            if not promise.move_ids:
                raise ValidationError(self.env._("Say which invoices the client promises to pay."))

    @api.constrains("promise_date")
    def _check_promise_date(self):
        today = fields.Date.context_today(self)
        past = self.filtered(lambda promise: promise.promise_date < today)
        if past:
            raise ValidationError(
                self.env._(
                    "A promise to pay is for today or a later date, not for %(date)s.",
                    date=format_date(self.env, past[0].promise_date),
                )
            )

    @api.constrains("partner_id", "move_ids", "company_id")
    def _check_invoices_of_the_client(self):
        for promise in self:
            client, company = promise.partner_id.commercial_partner_id, promise.company_id
            foreign = promise.move_ids.filtered(
                lambda move, client=client, company=company: (
                    move.commercial_partner_id != client or move.company_id != company
                )
            )
            if foreign:
                raise ValidationError(
                    self.env._(
                        "Not an invoice of %(client)s in %(company)s: %(invoices)s. A promise to "
                        "pay covers invoices of its own client.",
                        invoices=", ".join(foreign.mapped("name")),
                        client=promise.partner_id.display_name,
                        company=promise.company_id.name,
                    )
                )

    def _settle(self, today):
        """Close the open promises whose date has passed: kept if paid, else broken, with a
        note on the client in the company's language."""
        due = self.filtered(
            lambda promise: promise.state == "open" and promise.promise_date < today
        )
        kept = due.filtered(
            lambda promise: all(move.payment_state in ("paid", "in_payment", "reversed")
                                for move in promise.move_ids)
        )  # fmt: skip
        kept.sudo().state = "kept"
        broken = due - kept
        broken.sudo().state = "broken"
        for promise in broken:
            lang_env = promise.company_id._cabinet_lang_env()
            promise.partner_id.sudo().message_post(
                body=lang_env._(
                    "Broken promise to pay: %(amount)s promised for %(date)s is still unpaid; "
                    "reminders resume.",
                    amount=promise.currency_id.with_env(lang_env).format(promise.amount),
                    date=format_date(lang_env, promise.promise_date),
                ),
                author_id=promise.company_id.partner_id.id,
            )
        return broken
