from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    online_services_journal_id = fields.Many2one(
        related="company_id.online_services_journal_id", readonly=False
    )
    online_services_receivable_account_id = fields.Many2one(
        related="company_id.online_services_receivable_account_id", readonly=False
    )
    online_services_auto_post = fields.Boolean(
        related="company_id.online_services_auto_post", readonly=False
    )
    online_services_debit_lead_days = fields.Integer(
        related="company_id.online_services_debit_lead_days", readonly=False
    )
    online_services_prenotification_days = fields.Integer(
        related="company_id.online_services_prenotification_days", readonly=False
    )
    online_services_auto_send = fields.Boolean(
        related="company_id.online_services_auto_send", readonly=False
    )
    vat_on_debits = fields.Boolean(related="company_id.vat_on_debits", readonly=False)
