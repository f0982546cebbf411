from odoo import api, fields, models
from odoo.exceptions import UserError


class CabinetBilledPeriod(models.Model):
    """A period of an online service that has been invoiced: the proof that it is never
    invoiced twice (one record per letter line and period, enforced by the database)."""

    _name = "cabinet.billed.period"
    _description = "Billed period of an online service"
    _order = "period_start desc, id desc"
    _rec_name = "line_id"

    line_id = fields.Many2one(
        "cabinet.engagement.letter.line",
        string="Service",
        required=True,
        index=True,
        ondelete="restrict",
        readonly=True,
    )
    letter_id = fields.Many2one(
        related="line_id.letter_id", store=True, index=True, string="Engagement letter"
    )
    partner_id = fields.Many2one(related="letter_id.partner_id", string="Client")
    company_id = fields.Many2one(related="line_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    kind = fields.Selection(
        [
            ("charge", "Charge"),
            ("credit", "Credit for days not used"),
            ("suspension", "Credit for a suspension"),
        ],
        required=True,
        default="charge",
        readonly=True,
        help="A credit gives back the days of a period billed in advance that the service no "
        "longer covers (terminated or replaced by an amendment), or that fell in a suspension "
        "which stopped billing.",
    )
    period_start = fields.Date(required=True, readonly=True)
    period_end = fields.Date(required=True, readonly=True)
    date_from = fields.Date(string="Billed from", required=True, readonly=True)
    date_to = fields.Date(string="Billed until", required=True, readonly=True)
    amount = fields.Monetary(string="Amount excl. tax", readonly=True)
    move_id = fields.Many2one(
        "account.move", string="Invoice", index=True, readonly=True, ondelete="cascade",
        help="Empty when nothing was due: the period fell wholly in a suspension that stopped "
        "billing, or nothing was left to give back.",
    )  # fmt: skip
    run_id = fields.Many2one(
        "cabinet.billing.run", string="Billing run", index=True, readonly=True, ondelete="set null"
    )

    _line_period_once = models.UniqueIndex(
        "(line_id, period_start, kind) WHERE kind != 'suspension'",
        "A period of a service is invoiced only once, and credited at most once.",
    )
    _suspension_days_once = models.UniqueIndex(
        "(line_id, period_start, date_from) WHERE kind = 'suspension'",
        "The days of a suspension are credited only once.",
    )

    def write(self, vals):
        if set(vals) - {"run_id"}:
            raise UserError(self.env._("A billed period is a record of an invoice: it cannot be "
                                       "changed."))  # fmt: skip
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_with_its_invoice(self):
        if self.move_id.filtered(lambda move: move.state == "posted"):
            raise UserError(
                self.env._(
                    "A billed period goes away only with its invoice (cancelled or deleted), "
                    "so that the next run bills it again."
                )
            )
