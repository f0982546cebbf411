from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError


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
    partner_id = fields.Many2one(
        related="move_id.commercial_partner_id", string="Client", store=True, index=True
    )
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

    _one_open_dispute_per_invoice = models.UniqueIndex(
        "(move_id) WHERE state = 'open'", "An invoice has one open dispute at a time."
    )

    @api.model_create_multi
    def create(self, vals_list):
        disputes = super().create(vals_list)
        disputes._notify_responsible()
        return disputes

    def _notify_responsible(self):
        """A dispute opened: the client's responsible chartered accountant is told, with a
        to-do and a note in the client's file, in the company's language."""
        for company in self.company_id:
            disputes = self.filtered(lambda dispute, company=company: dispute.company_id == company)
            lang_env = company._cabinet_lang_env()
            notices = {}
            for client in disputes.partner_id:
                opened = disputes.filtered(
                    lambda dispute, client=client: dispute.partner_id == client
                )
                notices[client] = (
                    lang_env._(
                        "Dispute on %(invoices)s", invoices=", ".join(opened.move_id.mapped("name"))
                    ),
                    Markup("<br/>").join(
                        lang_env._(
                            "%(client)s disputes %(invoice)s (%(amount)s): %(reason)s",
                            client=client.name,
                            invoice=dispute.move_id.name,
                            amount=dispute.currency_id.with_env(lang_env).format(
                                dispute.amount or dispute.move_id.amount_residual
                            ),
                            reason=dispute.reason,
                        )
                        for dispute in opened
                    ),
                    fields.Date.context_today(self),
                )
            self.env["res.partner"]._cabinet_notify_responsibles(company, notices)

    @api.depends("move_id")
    def _compute_display_name(self):
        for dispute in self:
            dispute.display_name = self.env._(
                "Dispute on %(invoice)s", invoice=dispute.move_id.name or ""
            )

    @api.constrains("amount", "move_id", "state")
    def _check_amount_and_one_open(self):
        if any(dispute.amount < 0 for dispute in self):
            raise ValidationError(self.env._("The amount disputed cannot be negative."))
        open_disputes = self.filtered(lambda dispute: dispute.state == "open")
        others = self.search_count(
            [("move_id", "in", open_disputes.move_id.ids), ("state", "=", "open"),
             ("id", "not in", open_disputes.ids)]
        )  # fmt: skip
        if others or len(open_disputes.move_id) < len(open_disputes):
            raise ValidationError(
                self.env._(
                    "%(invoices)s already has an open dispute: add to it, or resolve it first.",
                    invoices=", ".join(open_disputes.move_id.mapped("name")),
                )
            )

    def action_resolve(self):
        self.check_access("write")
        self.sudo().write({"state": "resolved"})
        return True
