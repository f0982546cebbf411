from odoo import models
from odoo.exceptions import UserError

from .account_move_facturx_issue import DOCUMENT_BINARIES, _documents_made_by_odoo


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def _cabinet_check_invoice_documents(self):
        """A customer invoice's PDF and e-invoice are not written or deleted as attachments
        either (Odoo's own flows do it as superuser: sending, resetting to draft)."""
        if self.env.su:
            return
        documents = self.sudo().filtered(
            lambda attachment: (
                attachment.res_model == "account.move" and attachment.res_field in DOCUMENT_BINARIES
            )
        )
        if documents:
            raise UserError(_documents_made_by_odoo(self.env))

    def write(self, vals):
        self._cabinet_check_invoice_documents()
        return super().write(vals)

    def unlink(self):
        self._cabinet_check_invoice_documents()
        return super().unlink()
