from odoo import fields, models


class CabinetDunningPromise(models.Model):
    """A promise to pay: the client's invoices are not reminded until its date."""

    _name = "cabinet.dunning.promise"
    _description = "Promise to pay"
    _order = "promise_date desc, id desc"

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

    def _settle(self, today):
        """Close the open promises whose date has passed: kept if paid, else broken."""
        due = self.filtered(
            lambda promise: promise.state == "open" and promise.promise_date < today
        )
        kept = due.filtered(
            lambda promise: all(move.payment_state in ("paid", "in_payment", "reversed")
                                for move in promise.move_ids)
        )  # fmt: skip
        kept.state = "kept"
        broken = due - kept
        broken.state = "broken"
        for promise in broken:
            promise.partner_id.message_post(
                body=self.env._(
                    "Broken promise to pay: %(amount)s promised for %(date)s is still unpaid; "
                    "reminders resume.",
                    amount=promise.amount,
                    date=promise.promise_date,
                )
            )
        return broken
