from odoo import fields, models


class CabinetBillingRunIssue(models.Model):
    """A client or letter a billing run did not bill, and why."""

    _name = "cabinet.billing.run.issue"
    _description = "Billing run issue"
    _order = "run_id desc, id"

    run_id = fields.Many2one("cabinet.billing.run", required=True, index=True,
                             ondelete="cascade", readonly=True)  # fmt: skip
    company_id = fields.Many2one(related="run_id.company_id", store=True)
    letter_id = fields.Many2one("cabinet.engagement.letter", readonly=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Client", readonly=True, index=True)
    reason = fields.Selection(
        [
            ("suspended", "Suspended letter: billing stopped"),
            ("usage_without_letter", "Usage without a letter"),
            ("locked", "Being changed by someone else: billed by the next run"),
            ("error", "Error"),
        ],
        required=True,
        readonly=True,
    )
    message = fields.Text(readonly=True)
