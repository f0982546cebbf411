from odoo import models
from odoo.exceptions import UserError
from odoo.tools import email_normalize

from .res_partner import CHORUS_PRO, FACTURX_FORMAT


class AccountMove(models.Model):
    # How each invoice is sent: a concern of its own (account_move_<concern>.py).
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    def _cabinet_einvoice_route(self):
        """How and where this invoice goes, from the client's settings in Odoo (its
        e-invoice format and sending method, in the invoice's company) once it agreed to
        them (a PDF by email otherwise): by email to its invoicing email, else its payer's,
        else its own; or on Chorus Pro."""
        self.ensure_one()
        client = self.commercial_partner_id.with_company(self.company_id)
        einvoice_format = "pdf_email"
        # Individuals are in the e-reporting scope: never an e-invoice.
        if client.einvoice_agreed_on and not client._is_private_individual():
            if client.invoice_sending_method == CHORUS_PRO:
                einvoice_format = "chorus_pro"
            elif client.invoice_edi_format == FACTURX_FORMAT:
                einvoice_format = "facturx_email"
        if einvoice_format == "chorus_pro":
            destination = self._cabinet_chorus_pro_destination()
        else:
            payer = client.sudo().payer_id
            destination = client.einvoice_email or payer.email or client.email or ""
        return {"einvoice_format": einvoice_format, "destination": destination}

    def _cabinet_invoicing_address(self):
        """The normalized email address this customer invoice goes to (its client's
        invoicing email, else its payer's, else its own), or "" when none is valid or the
        invoice goes to Chorus Pro."""
        if not self.is_sale_document():
            return ""
        route = self._cabinet_einvoice_route()
        if route["einvoice_format"] == "chorus_pro":
            return ""
        return email_normalize(route["destination"]) or ""

    def _cabinet_chorus_pro_destination(self):
        client = self.commercial_partner_id
        return "Chorus Pro " + (client.einvoice_service_code or client.siren or "")

    def action_cabinet_send_einvoices(self):
        """Send the selected invoices as their clients agreed, in the background."""
        batch = self.env["cabinet.einvoice.batch"]._queue(self)
        if not batch:
            raise UserError(
                self.env._("These invoices are already sent or being sent, or not posted.")
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "cabinet.einvoice.batch",
            "res_id": batch.id,
            "view_mode": "form",
        }
