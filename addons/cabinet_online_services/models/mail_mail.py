from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(
        self, success_pids, success_emails, failure_reason=False, failure_type=None
    ):
        # Before Odoo deletes the emails sent (auto_delete): the invoices they carry are sent.
        self.env["cabinet.einvoice.batch.line"]._mails_left_queue(
            self, success_pids, failure_reason or failure_type
        )  # the mail server's words first (e.g. "Connection refused"), else Odoo's code
        return super()._postprocess_sent_message(
            success_pids, success_emails, failure_reason=failure_reason, failure_type=failure_type
        )

    def unlink(self):
        self.env["cabinet.einvoice.batch.line"]._mails_deleted(self)
        return super().unlink()
