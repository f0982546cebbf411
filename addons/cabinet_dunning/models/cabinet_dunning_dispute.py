from odoo import fields, models


class CabinetDunningDispute(models.Model):
    """A dispute (litige) on an invoice: the invoice is not reminded while it is open."""

    _name = "cabinet.dunning.dispute"
    _description = "Invoice dispute"
    _inherit = ["mail.thread", "cabinet.dunning.guarded"]
    _order = "create_date desc, id desc"
    _guarded_fields = ("state",)

    move_id = fields.Many2one(
        "account.move", string="Invoice", required=True, index=True, ondelete="cascade",
        domain="[('move_type', 'in', ('out_invoice', 'out_refund'))]",
    )  # fmt: skip
    partner_id = fields.Many2one(related="move_id.commercial_partner_id", store=True, index=True)
    company_id = fields.Many2one(related="move_id.company_id", store=True)
    currency_id = fields.Many2one(related="move_id.currency_id")
    reason = fields.Text(required=True, tracking=True)
    amount = fields.Monetary(string="Amount disputed", tracking=True)
    owner_id = fields.Many2one("res.users", default=lambda self: self.env.user, tracking=True)
    resolution = fields.Text(tracking=True)
    state = fields.Selection(
        [("open", "Open"), ("resolved", "Resolved")], default="open", required=True,
        tracking=True, index=True, readonly=True,
    )  # fmt: skip

    _amount_positive = models.Constraint(
        "CHECK(amount IS NULL OR amount >= 0)", "The amount disputed cannot be negative."
    )
    _one_open_dispute_per_invoice = models.UniqueIndex(
        "(move_id) WHERE state = 'open'", "An invoice has one open dispute at a time."
    )

    def action_resolve(self):
        self.check_access("write")
        self.sudo().write({"state": "resolved"})
        return True
