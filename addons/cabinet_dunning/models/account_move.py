from odoo import api, fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    non_payment_reason = fields.Selection(
        [
            ("financial_difficulty", "Financial difficulty"),
            ("dispute", "Dispute"),
            ("deliberate", "Deliberate lateness or negligence"),
            ("not_received", "Invoice not received"),
        ],
        string="Reason for non-payment",
        tracking=True,
        copy=False,
        help="'Invoice not received' sends a duplicate of the invoice at once.",
    )
    dunning_dispute_ids = fields.One2many("cabinet.dunning.dispute", "move_id", string="Disputes")

    def write(self, vals):
        result = super().write(vals)
        if vals.get("non_payment_reason") == "not_received":
            self._send_duplicate()
        return result

    @api.model_create_multi
    def create(self, vals_list):
        moves = super().create(vals_list)
        moves.filtered(lambda move: move.non_payment_reason == "not_received")._send_duplicate()
        return moves

    def _send_duplicate(self):
        """Send the invoice again by email, with its PDF, through Odoo's own Send flow, to
        the client's payer (or the invoice address)."""
        for move in self.filtered(lambda move: move.state == "posted"):
            payer = move.commercial_partner_id.sudo().payer_id
            move._generate_and_send(
                sending_methods=["email"],
                mail_partner_ids=(payer or move.partner_id).ids,
            )
