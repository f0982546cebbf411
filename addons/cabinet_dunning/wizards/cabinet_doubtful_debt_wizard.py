from odoo import api, fields, models


class CabinetDoubtfulDebtWizard(models.TransientModel):
    """Class a client's debt doubtful: the invoices, the date and the provision rate."""

    _name = "cabinet.doubtful.debt.wizard"
    _description = "Class a debt doubtful"

    partner_id = fields.Many2one("res.partner", string="Client", required=True, readonly=True)
    litigation_id = fields.Many2one("cabinet.dunning.litigation", readonly=True)
    move_line_ids = fields.Many2many(
        "account.move.line",
        string="Invoices",
        required=True,
        domain="[('partner_id', '=', partner_id), ('account_type', '=', 'asset_receivable'),"
        " ('parent_state', '=', 'posted'), ('reconciled', '=', False),"
        " ('amount_residual', '>', 0), ('move_id.move_type', '=', 'out_invoice')]",
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    provision_rate = fields.Float(
        string="Provision rate (%)",
        default=100.0,
        required=True,
        help="Share of the amount excluding VAT provisioned (6817 / 491), as the firm judges "
        "the risk of not being paid.",
    )
    amount = fields.Monetary(compute="_compute_amount", string="Amount classed")
    currency_id = fields.Many2one(related="partner_id.company_id.currency_id")

    @api.depends("move_line_ids")
    def _compute_amount(self):
        for wizard in self:
            wizard.amount = sum(wizard.move_line_ids.mapped("amount_residual"))

    @api.model
    def _action_open(self, partner, lines, litigation=None):
        """The dialog classing ``lines`` (open invoices of ``partner``) doubtful."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Class as doubtful"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_partner_id": partner.id,
                "default_litigation_id": litigation.id if litigation else False,
                "default_move_line_ids": [(6, 0, lines.ids)],
            },
        }

    def action_confirm(self):
        self.ensure_one()
        debt = self.env["cabinet.doubtful.debt"].classify(
            self.partner_id.id,
            self.provision_rate,
            date=self.date,
            move_line_ids=self.move_line_ids.ids,
            litigation_id=self.litigation_id.id,
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "cabinet.doubtful.debt",
            "res_id": debt.id,
            "view_mode": "form",
        }
