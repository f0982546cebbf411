from odoo import api, fields, models

CHANNELS = [
    ("phone", "Phone call"),
    ("email", "Email"),
    ("letter", "Postal letter"),
    ("sms", "SMS"),
]


class CabinetDunningLevel(models.Model):
    """A step of a dunning policy: when, through which channel, by whom."""

    _name = "cabinet.dunning.level"
    _description = "Dunning level"
    _order = "policy_id, sequence, days_after_due, id"

    policy_id = fields.Many2one(
        "cabinet.dunning.policy", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    days_after_due = fields.Integer(string="Days after the due date", required=True)
    channel = fields.Selection(
        CHANNELS,
        required=True,
        default="email",
    )
    actor = fields.Selection(
        [
            ("account_manager", "Account manager"),
            ("responsible", "Responsible chartered accountant"),
        ],
        string="Who acts",
        required=True,
        default="account_manager",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email template",
        domain="[('model', '=', 'cabinet.dunning.line')]",
        help="The email of this level; by default the courteous reminder, or the formal "
        "notice for a formal notice level.",
    )
    sms_template_id = fields.Many2one(
        "sms.template",
        string="SMS template",
        domain="[('model', '=', 'cabinet.dunning.line')]",
        help="The SMS of this level (the standard SMS reminder by default). A client without a "
        "mobile number gets a call instead.",
    )
    min_amount = fields.Monetary(
        string="Minimum amount due",
        currency_field="currency_id",
        help="Below this amount overdue, the client is not reminded at this level.",
    )
    currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_currency_id",
        help="The currency of the policy's company, or of the current company for a policy "
        "shared by all companies.",
    )
    fee_amount = fields.Monetary(string="Fees", currency_field="currency_id")
    is_formal_notice = fields.Boolean(string="Formal notice (mise en demeure)")
    is_litigation = fields.Boolean(string="Litigation")

    _days_positive = models.Constraint(
        "CHECK(days_after_due >= 0)", "A level is reached on or after the due date."
    )
    _amounts_positive = models.Constraint(
        "CHECK(COALESCE(min_amount, 0) >= 0 AND COALESCE(fee_amount, 0) >= 0)",
        "A level's minimum amount and fees cannot be negative.",
    )

    @api.depends("policy_id.company_id")
    @api.depends_context("company")
    def _compute_currency_id(self):
        for level in self:
            level.currency_id = (level.policy_id.company_id or self.env.company).currency_id

    @api.constrains("days_after_due", "sequence", "min_amount")
    def _check_policy_levels(self):
        self.policy_id._check_levels()
