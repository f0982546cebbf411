from odoo import api, models
from odoo.tools import email_normalize

from .account_move_facturx_issue import FACTURX_XML
from .res_partner import CHORUS_PRO, FACTURX_FORMAT


class AccountMoveSend(models.AbstractModel):
    """Odoo's Send & Print with our Factur-X as an e-invoice format and Chorus Pro as a
    sending method: an invoice sent from its form gets the e-invoice a sending batch or an
    integrator gets (``account.move._cabinet_issue_facturx``: checked, issued once, kept as
    Odoo keeps an invoice's PDF and XML)."""

    _inherit = "account.move.send"

    @api.model
    def _get_default_invoice_edi_format(self, move, **kwargs):
        # EXTENDS 'account': what goes to Chorus Pro is our Factur-X.
        if CHORUS_PRO in kwargs.get("sending_methods", ()):
            return FACTURX_FORMAT
        return super()._get_default_invoice_edi_format(move, **kwargs)

    @api.model
    def _is_applicable_to_company(self, method, company):
        # EXTENDS 'account'
        if method == CHORUS_PRO:
            return company.country_code == "FR"
        return super()._is_applicable_to_company(method, company)

    @api.model
    def _is_applicable_to_move(self, method, move, **move_data):
        # EXTENDS 'account'
        if method == CHORUS_PRO:
            return move.is_sale_document() and (
                not move.commercial_partner_id._is_private_individual()
            )
        return super()._is_applicable_to_move(method, move, **move_data)

    @api.model
    def _get_default_mail_partner_ids(self, move, mail_template, mail_lang):
        # EXTENDS 'account': a client's invoices go to the invoicing address it gave (or its
        # payer's), from the form as from a sending batch.
        partners = super()._get_default_mail_partner_ids(move, mail_template, mail_lang)
        address = move._cabinet_invoicing_address()
        if address and address != email_normalize(move.partner_id.email or ""):
            # A new invoicing contact is the client's own (its invoice address).
            found = move._partner_find_from_emails_single(
                [address],
                no_create=False,
                additional_values={
                    address: {"parent_id": move.commercial_partner_id.id, "type": "invoice"}
                },
            )
            if found:
                return found
        return partners

    @api.model
    def _cabinet_wants_facturx(self, move, move_data):
        return move.is_sale_document() and (
            move_data.get("invoice_edi_format") == FACTURX_FORMAT
            or CHORUS_PRO in move_data.get("sending_methods", ())
        )

    @api.model
    def _get_placeholder_mail_attachments_data(
        self, move, invoice_edi_format=None, extra_edis=None, pdf_report=None
    ):
        # EXTENDS 'account': the dialog shows that the e-invoice's XML goes with the PDF.
        results = super()._get_placeholder_mail_attachments_data(
            move, invoice_edi_format=invoice_edi_format, extra_edis=extra_edis,
            pdf_report=pdf_report,
        )  # fmt: skip
        if invoice_edi_format == FACTURX_FORMAT and not move._cabinet_issued_facturx():
            results.append(
                {"id": f"placeholder_{FACTURX_XML}", "name": FACTURX_XML,
                 "mimetype": "application/xml", "placeholder": True}
            )  # fmt: skip
        return results

    @api.model
    def _get_alerts(self, moves, moves_data):
        # EXTENDS 'account': what stops our Factur-X, said in the dialog before sending.
        alerts = super()._get_alerts(moves, moves_data)
        ours = moves.filtered(lambda move: self._cabinet_wants_facturx(move, moves_data[move]))
        ours = ours.filtered(lambda move: move not in ours._cabinet_issued_facturx())
        individuals = ours.filtered(
            lambda move: move.commercial_partner_id._is_private_individual()
        )
        if individuals:
            alerts["cabinet_facturx_individuals"] = {
                "level": "danger",
                "message": self.env._(
                    "%(invoices)s: invoices to private individuals are not e-invoices (they "
                    "are in the e-reporting scope); send them as a PDF.",
                    invoices=", ".join(individuals.mapped("name")),
                ),
            }
        missing = (ours - individuals)._cabinet_facturx_missing()
        if missing:
            alerts["cabinet_facturx_missing"] = {
                "level": "danger",
                "message": self.env["account.move"]._cabinet_missing_message(missing),
            }
        return alerts

    @api.model
    def _generate_invoice_documents(self, invoices_data, allow_fallback_pdf=False):
        # EXTENDS 'account': our Factur-X is issued first, for all these invoices at once
        # (checked while their PDFs render in one report call); Odoo then sends the PDF and
        # the XML it finds on each invoice and renders nothing again.
        ours = (
            self.env["account.move"]
            .sudo()
            .browse(
                move.id
                for move, move_data in invoices_data.items()
                if not move_data.get("error") and self._cabinet_wants_facturx(move, move_data)
            )
        )
        issued = {}
        if ours:
            issued, problems = ours._cabinet_try_issue_facturx()
            for move, move_problems in problems.items():
                invoices_data[move]["error"] = {
                    "error_title": self.env._(
                        "%(invoice)s cannot be issued as Factur-X:", invoice=move.name
                    ),
                    "errors": move_problems,
                }
        result = super()._generate_invoice_documents(
            invoices_data, allow_fallback_pdf=allow_fallback_pdf
        )
        self.env["account.move"].browse(move.id for move in issued).sudo().is_move_sent = True
        return result

    @api.model
    def _hook_if_success(self, moves_data, from_cron=False):
        # EXTENDS 'account': the invoices sent by Chorus Pro wait in the deposit list.
        result = super()._hook_if_success(moves_data, from_cron=from_cron)
        to_deposit = self.env["account.move"].browse(
            move.id
            for move, move_data in moves_data.items()
            if CHORUS_PRO in move_data["sending_methods"]
            and self._is_applicable_to_move(CHORUS_PRO, move, **move_data)
        )
        if to_deposit:
            self.env["cabinet.einvoice.batch"].sudo()._list_to_deposit(to_deposit)
        return result
