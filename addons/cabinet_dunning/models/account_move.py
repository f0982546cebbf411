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
        help="'Invoice not received' sends a duplicate of the invoice at once; 'Dispute' opens "
        "a dispute on the invoice (or keeps its open one), and the invoice is not reminded "
        "while the dispute is open.",
    )
    dunning_dispute_ids = fields.One2many("cabinet.dunning.dispute", "move_id", string="Disputes")

    def write(self, vals):
        result = super().write(vals)
        if vals.get("non_payment_reason") == "not_received":
            self._send_duplicate()
        elif vals.get("non_payment_reason") == "dispute":
            self._open_disputes()
        return result

    @api.model_create_multi
    def create(self, vals_list):
        moves = super().create(vals_list)
        moves.filtered(lambda move: move.non_payment_reason == "not_received")._send_duplicate()
        moves.filtered(lambda move: move.non_payment_reason == "dispute")._open_disputes()
        return moves

    def _open_disputes(self):
        """Open a dispute on each invoice that has none open: the run then leaves it out.

        A consequence of the reason written on the invoice, made whatever the writer's rights
        on disputes."""
        if not self:
            return
        Dispute = self.env["cabinet.dunning.dispute"].sudo()
        disputed = Dispute.search_fetch(
            [("move_id", "in", self.ids), ("state", "=", "open")], ["move_id"]
        ).move_id
        Dispute.create(
            [
                {
                    "move_id": move.id,
                    "reason": move.company_id._cabinet_lang_env()._(
                        "Non-payment reason set to 'Dispute' on the invoice."
                    ),
                    "amount": move.amount_residual,
                }
                for move in self - disputed
            ]
        )

    def _send_duplicate(self):
        """Send the invoice again by email, with its PDF, through Odoo's own Send flow, to
        the client's payer (or the invoice address)."""
        for move in self.filtered(lambda move: move.state == "posted"):
            payer = move.commercial_partner_id.sudo().payer_id
            move._generate_and_send(
                sending_methods=["email"],
                mail_partner_ids=(payer or move.partner_id).ids,
            )
