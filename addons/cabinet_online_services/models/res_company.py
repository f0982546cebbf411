from datetime import timedelta

from odoo import fields, models

ONLINE_SERVICES_JOURNAL_CODE = "SEL"


class ResCompany(models.Model):
    _inherit = "res.company"

    online_services_journal_id = fields.Many2one(
        "account.journal",
        string="Online services journal",
        domain="[('type', '=', 'sale'), ('company_id', '=', id)]",
        help="Sales journal of the invoices of the online services billing run. Created as "
        "'Services en ligne' on the first run when empty.",
    )
    online_services_receivable_account_id = fields.Many2one(
        "account.account",
        string="Online services receivable account",
        domain="[('account_type', '=', 'asset_receivable')]",
        help="Receivable account of the online services invoices; the client's own receivable "
        "account when empty.",
    )
    online_services_auto_post = fields.Boolean(
        string="Post online services invoices",
        default=True,
        help="The billing run posts the invoices it creates; otherwise they stay in draft for a "
        "review.",
    )

    online_services_auto_send = fields.Boolean(
        string="Send online services invoices",
        help="Once a run is done, its posted invoices are sent as each client agreed (PDF or "
        "Factur-X by email), in the background, outside the billing transaction.",
    )
    vat_on_debits = fields.Boolean(
        string="VAT on debits",
        help="The company opted to pay the VAT on its services on the invoice date (option "
        "pour le paiement de la taxe d'après les débits): the invoices say so.",
    )
    online_services_debit_lead_days = fields.Integer(
        string="Prepare direct debits (days before due date)",
        default=7,
        help="Every day, the open instalments of the online services invoices paid by SEPA "
        "direct debit that fall due within this many days are put in a draft direct-debit "
        "order of their payment mode, ready to be sent to the bank.",
    )

    online_services_prenotification_days = fields.Integer(
        string="SEPA pre-notification (days)",
        default=14,
        help="How long before a direct debit the client is told its date and amount (the "
        "invoice says them): the first monthly debit of an invoice falls after this many days "
        "(14 by the SEPA rulebook unless agreed otherwise with the client).",
    )

    def _cabinet_prenotification_delta(self):
        self.ensure_one()
        return timedelta(days=max(0, self.online_services_prenotification_days))

    def _online_services_journal(self):
        """The online services sales journal, created ('Services en ligne', SEL) when the
        company has none yet."""
        self.ensure_one()
        if self.online_services_journal_id:
            return self.online_services_journal_id
        journal_model = self.env["account.journal"].sudo()
        journal = journal_model.search(
            [("company_id", "=", self.id), ("code", "=", ONLINE_SERVICES_JOURNAL_CODE)], limit=1
        )
        if not journal:
            sales = journal_model.search(
                [("company_id", "=", self.id), ("type", "=", "sale")], limit=1
            )
            journal = journal_model.create(
                {
                    "name": self.env._("Online services"),
                    "code": ONLINE_SERVICES_JOURNAL_CODE,
                    "type": "sale",
                    "company_id": self.id,
                    "default_account_id": sales.default_account_id.id,
                }
            )
        self.sudo().online_services_journal_id = journal
        return journal
