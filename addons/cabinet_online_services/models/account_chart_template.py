from odoo import models

from odoo.addons.account.models.chart_template import template

# The disbursement tax (débours) the French chart gets, as "account.<company id>_<this>".
DISBURSEMENT_TAX = "cabinet_tva_debours"


class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"

    @template("fr", "account.tax")
    def _get_cabinet_fr_account_tax(self):
        """The French chart's tax for disbursements (débours: costs paid in the name and on
        behalf of the client, re-invoiced at cost, outside the VAT base under article 267
        II-2° of the CGI). Its e-invoicing category is "exempt" (E) with its reason, so that
        it sits on the same e-invoice as the firm's fees at 20 %, which a tax outside the
        scope of VAT (O) cannot."""
        return {
            DISBURSEMENT_TAX: {
                **self._cabinet_disbursement_tax_vals(),
                "tax_group_id": "tax_group_tva_0",
                "country_id": "base.fr",
            }
        }

    def _cabinet_disbursement_tax_vals(self):
        return {
            "name": "Débours (hors base TVA)",
            "description": "Débours",
            "invoice_label": "Débours",
            "amount": 0.0,
            "amount_type": "percent",
            "type_tax_use": "sale",
            "tax_scope": "service",
            "ubl_cii_tax_category_code": "E",
            "invoice_legal_notes": "<p>Débours : frais payés au nom et pour le compte du client, "
            "exclus de la base d'imposition à la TVA (article 267 II-2° du CGI).</p>",
        }

    def _cabinet_load_disbursement_tax(self, company):
        """Give a company on the French chart its disbursement tax, when it has none yet."""
        if self.env.ref(f"account.{company.id}_{DISBURSEMENT_TAX}", raise_if_not_found=False):
            return
        chart = self.with_company(company)
        chart._load_data({"account.tax": chart._get_cabinet_fr_account_tax()})
