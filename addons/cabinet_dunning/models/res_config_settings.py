from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    dunning_report_recipients = fields.Selection(
        related="company_id.dunning_report_recipients", readonly=False
    )
    doubtful_account_id = fields.Many2one(related="company_id.doubtful_account_id", readonly=False)
    doubtful_provision_account_id = fields.Many2one(
        related="company_id.doubtful_provision_account_id", readonly=False
    )
    doubtful_expense_account_id = fields.Many2one(
        related="company_id.doubtful_expense_account_id", readonly=False
    )
    doubtful_reversal_account_id = fields.Many2one(
        related="company_id.doubtful_reversal_account_id", readonly=False
    )
    bad_debt_account_id = fields.Many2one(related="company_id.bad_debt_account_id", readonly=False)
    bad_debt_prior_account_id = fields.Many2one(
        related="company_id.bad_debt_prior_account_id", readonly=False
    )
