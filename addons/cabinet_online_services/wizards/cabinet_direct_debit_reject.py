from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.account_move_direct_debit import SDD_METHOD_CODE

# The usual reasons a bank gives back a SEPA direct debit (ISO 20022 return codes).
REJECT_REASONS = [
    ("AM04", "AM04 - Insufficient funds"),
    ("AC04", "AC04 - Account closed"),
    ("AC06", "AC06 - Account blocked"),
    ("MD01", "MD01 - No valid mandate"),
    ("MD06", "MD06 - Refund requested by the debtor"),
    ("MS02", "MS02 - Refused by the debtor"),
    ("MS03", "MS03 - Reason not specified"),
]


class CabinetDirectDebitReject(models.TransientModel):
    """Record that the bank gave back SEPA direct debits: their payments are reversed, so the
    invoices are open again, with their due dates, and the dunning run reminds them."""

    _name = "cabinet.direct.debit.reject"
    _description = "Rejected direct debit"

    payment_ids = fields.Many2many("account.payment", string="Payments", required=True)
    date = fields.Date(string="Returned on", required=True, default=fields.Date.context_today)
    reason = fields.Selection(REJECT_REASONS, required=True, default="AM04")
    note = fields.Char()

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "account.payment":
            values["payment_ids"] = [(6, 0, self.env.context.get("active_ids", []))]
        return values

    def action_reject(self):
        self.ensure_one()
        payments = self.payment_ids
        wrong = payments.filtered(
            lambda payment: (
                payment.payment_method_code != SDD_METHOD_CODE
                or payment.payment_type != "inbound"
                or payment.move_id.state != "posted"
                or payment.state == "rejected"
            )
        )
        if wrong:
            raise UserError(
                self.env._(
                    "Only posted SEPA direct-debit collections can be rejected: %(payments)s.",
                    payments=", ".join(wrong.mapped("display_name")),
                )
            )
        invoices_by_payment = {payment: payment.reconciled_invoice_ids for payment in payments}
        label = dict(self._fields["reason"]._description_selection(self.env))[self.reason]
        payments.move_id._reverse_moves(
            [
                {
                    "date": self.date,
                    "ref": self.env._(
                        "Rejected direct debit %(payment)s: %(reason)s",
                        payment=payment.name,
                        reason=label,
                    ),
                }
                for payment in payments
            ],
            cancel=True,
        )
        payments.action_reject()
        bodies = {}
        for payment, invoices in invoices_by_payment.items():
            body = self.env._(
                "The direct debit %(payment)s of %(amount)s was rejected on %(date)s "
                "(%(reason)s). The invoice is due again and will be reminded.",
                payment=payment.name,
                amount=payment.amount,
                date=self.date,
                reason=" - ".join(filter(None, [label, self.note])),
            )
            for invoice in invoices:
                bodies[invoice.id] = Markup("<p>%s</p>") % body
        invoices = self.env["account.move"].browse(list(bodies))
        invoices._message_log_batch(bodies=bodies)
        return True
