from odoo import api, models
from odoo.exceptions import UserError

from .account_move_facturx_issue import DOCUMENT_BINARIES, _documents_made_by_odoo, facturx_issued


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def _cabinet_check_invoice_documents(self, even_as_superuser=False):
        """An issued Factur-X is not written or deleted as attachments either (Odoo's own
        flows do it as superuser: resetting to draft). The PDF of an invoice sent without
        our Factur-X stays Odoo's to manage."""
        if self.env.su and not even_as_superuser:
            return
        if self._cabinet_issued_documents():
            raise UserError(_documents_made_by_odoo(self.env))

    def _cabinet_issued_documents(self):
        """Those of these attachments that hold an issued Factur-X (its PDF or its XML)."""
        documents = self.sudo().filtered(lambda attachment: attachment.res_model == "account.move")
        issued = facturx_issued(self.env["account.move"].sudo().browse(documents.mapped("res_id")))
        return documents & (issued.invoice_pdf_report_id | issued.ubl_cii_xml_id)

    @api.model_create_multi
    def create(self, vals_list):
        # Nobody adds a second PDF or XML to an issued Factur-X (which would replace it).
        if not self.env.su:
            self._cabinet_refuse_onto_issued(vals_list)
        return super().create(vals_list)

    def _cabinet_refuse_onto_issued(self, targets):
        """Refuse attachments that would become the PDF or XML of an issued Factur-X
        (``targets``: their res_model, res_id and res_field)."""
        moves = (
            self.env["account.move"]
            .sudo()
            .browse(
                target["res_id"]
                for target in targets
                if target.get("res_model") == "account.move"
                and target.get("res_field") in DOCUMENT_BINARIES
                and target.get("res_id")
            )
        )
        if facturx_issued(moves):
            raise UserError(_documents_made_by_odoo(self.env))

    def _delete_and_notify(self, message=None):
        # The chatter's delete runs as superuser once it checked the user's rights: an
        # issued Factur-X is refused there too.
        self._cabinet_check_invoice_documents(even_as_superuser=True)
        return super()._delete_and_notify(message=message)

    def write(self, vals):
        self._cabinet_check_invoice_documents()
        if not self.env.su and {"res_model", "res_id", "res_field"} & set(vals):
            # Nor is an attachment moved onto an issued Factur-X's PDF or XML.
            self._cabinet_refuse_onto_issued(
                [
                    {"res_model": vals.get("res_model", attachment.res_model),
                     "res_id": vals.get("res_id", attachment.res_id),
                     "res_field": vals.get("res_field", attachment.res_field)}
                    for attachment in self.sudo()
                ]
            )  # fmt: skip
        return super().write(vals)

    def unlink(self):
        self._cabinet_check_invoice_documents()
        return super().unlink()
