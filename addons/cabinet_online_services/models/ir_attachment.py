from odoo import models
from odoo.exceptions import UserError

from .account_move_facturx_issue import DOCUMENT_BINARIES, _documents_made_by_odoo, facturx_issued


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def _cabinet_check_invoice_documents(self):
        """An issued Factur-X is not written or deleted as attachments either (Odoo's own
        flows do it as superuser: resetting to draft). The PDF of an invoice sent without
        our Factur-X stays Odoo's to manage."""
        if self.env.su:
            return
        documents = self.sudo().filtered(
            lambda attachment: (
                attachment.res_model == "account.move" and attachment.res_field in DOCUMENT_BINARIES
            )
        )
        if documents and facturx_issued(
            self.env["account.move"].sudo().browse(documents.mapped("res_id"))
        ):
            raise UserError(_documents_made_by_odoo(self.env))

    def write(self, vals):
        self._cabinet_check_invoice_documents()
        return super().write(vals)

    def unlink(self):
        self._cabinet_check_invoice_documents()
        return super().unlink()
