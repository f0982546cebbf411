from odoo import api, models
from odoo.exceptions import UserError

from odoo.addons.cabinet_dunning.tools import rpc_arguments

from .account_move_facturx_check import FacturxRejected

# The name of the Factur-X XML attachment of an issued invoice.
FACTURX_XML = "factur-x.xml"
# Where Odoo keeps an invoice's PDF and its XML.
DOCUMENT_FIELDS = ["invoice_pdf_report_id", "invoice_pdf_report_file", "ubl_cii_xml_id",
                   "ubl_cii_xml_file"]  # fmt: skip
DOCUMENT_BINARIES = {"invoice_pdf_report_file", "ubl_cii_xml_file"}


def _documents_made_by_odoo(env):
    return env._(
        "An issued Factur-X (its PDF and its XML) is made by Send & Print, or issued for an "
        "integrator, and never written, replaced or deleted directly: once issued, it is the "
        "invoice. Reset the invoice to draft, or issue a credit note, to make a new one."
    )


def facturx_issued(moves):
    """Those of ``moves`` whose Factur-X is issued: their documents are the invoice."""
    return moves.filtered(lambda move: move.ubl_cii_xml_id.name == FACTURX_XML)


class AccountMove(models.Model):
    # Issuing the Factur-X and keeping it: a concern of its own (account_move_<concern>.py).
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    def write(self, vals):
        if not self.env.su and DOCUMENT_BINARIES & set(vals) and facturx_issued(self.sudo()):
            raise UserError(_documents_made_by_odoo(self.env))
        return super().write(vals)

    def _cabinet_issue_facturx(self, checked=False):
        """Issue these invoices as Factur-X: checked, their PDF rendered in one report call
        and split per invoice, the CII XML built and embedded (PDF/A-3). Both are kept as
        Odoo keeps an invoice's documents (``invoice_pdf_report_file`` and
        ``ubl_cii_xml_file``), so that Odoo's Send & Print, the sending batches and
        integrators all send the same e-invoice. An invoice whose PDF exists already (sent
        as a PDF before) gets the XML embedded in that PDF: the document stays the one sent.
        Returns {invoice: attachment of the PDF}. ``checked``: the caller has run the
        checks already."""
        import facturx  # noqa: PLC0415 - needs stdnum's data files, restored at import

        issued = self._cabinet_issued_facturx()
        todo = self.filtered(lambda move: move not in issued)
        if not todo:
            return issued
        # Issued once, even by two requests at the same moment: the second waits here for
        # the first to end, then fails to serialize and Odoo runs it again (it then finds the
        # documents the first issued), before rendering anything.
        self.env.cr.execute(
            "UPDATE account_move SET write_date = write_date WHERE id IN %s", [tuple(todo.ids)]
        )
        todo._cabinet_refuse_other_einvoices()
        to_render = todo.filtered(lambda move: not move.invoice_pdf_report_id)
        if checked:
            pdfs = to_render._cabinet_invoice_pdfs()
        else:
            pdfs = todo._cabinet_check_facturx(meanwhile=to_render._cabinet_invoice_pdfs)
        xmls = {move: move._cabinet_facturx_xml() for move in todo}
        todo._cabinet_check_totals(xmls)
        vals_list = []
        unreadable = {}
        for move in todo:
            try:
                pdf = facturx.generate_from_binary(
                    pdfs[move] if move in pdfs else move.invoice_pdf_report_id.raw, xmls[move],
                    flavor="factur-x", level="en16931", check_xsd=True,
                    lang=(move.partner_id.lang or "fr_FR")[:2],
                )  # fmt: skip
            except Exception as error:  # noqa: BLE001 - pypdf's many errors on a bad file
                unreadable[move] = [
                    self.env._("a readable PDF of the invoice (%(error)s)", error=error)
                ]
                continue
            if move.invoice_pdf_report_id:
                move.invoice_pdf_report_id.sudo().raw = pdf
            else:
                vals_list.append(
                    {"name": move._get_invoice_report_filename(), "raw": pdf,
                     "mimetype": "application/pdf", "res_model": "account.move",
                     "res_id": move.id, "res_field": "invoice_pdf_report_file"}
                )  # fmt: skip
            vals_list.append(
                {"name": FACTURX_XML, "raw": xmls[move], "mimetype": "application/xml",
                 "res_model": "account.move", "res_id": move.id, "res_field": "ubl_cii_xml_file"}
            )  # fmt: skip
        if unreadable:
            raise self._cabinet_rejection(unreadable)
        self.env["ir.attachment"].sudo().create(vals_list)
        todo.invalidate_recordset(DOCUMENT_FIELDS)
        for move in todo.sudo().filtered(lambda move: not move.message_main_attachment_id):
            move.message_main_attachment_id = move.invoice_pdf_report_id
        return {**issued, **{move: move.invoice_pdf_report_id for move in todo}}

    def _cabinet_refuse_other_einvoices(self):
        """An invoice issued already as another e-invoice (one of Odoo's formats) keeps it:
        the e-invoice sent is never replaced."""
        others = self.filtered("ubl_cii_xml_id")
        if others:
            problems = {
                move: [
                    self.env._(
                        "it was issued already as another e-invoice (%(file)s), which stays "
                        "the invoice's e-invoice",
                        file=move.ubl_cii_xml_id.name,
                    )
                ]
                for move in others
            }
            raise self._cabinet_rejection(problems)

    def _cabinet_issued_facturx(self):
        """{invoice: attachment of its Factur-X PDF} of those issued already: the first
        issue is the e-invoice, kept and returned, never issued again."""
        return {
            move: move.invoice_pdf_report_id
            for move in facturx_issued(self)
            if move.invoice_pdf_report_id
        }

    def _cabinet_try_issue_facturx(self):
        """Issue those of these invoices the French rules accept: ({invoice: attachment of
        its Factur-X PDF}, {invoice: [what stops it]}). One invoice the checks reject never
        stops the others; only then are the others' PDFs rendered again."""
        try:
            with self.env.cr.savepoint():
                return self._cabinet_issue_facturx(), {}
        except FacturxRejected as rejection:
            problems = rejection.problems
        ready = self.filtered(lambda move: move not in problems)
        return (ready._cabinet_issue_facturx(checked=True) if ready else {}), problems

    def _cabinet_invoice_pdfs(self):
        """{invoice: PDF bytes} of Odoo's invoice report, rendered once for all of them and
        split per invoice (see ``ir.actions.report._cabinet_render_pdfs``)."""
        if not self:
            return {}
        pdfs = self.env["ir.actions.report"]._cabinet_render_pdfs(
            "account.account_invoices", self.ids
        )
        return {move: pdfs[move.id] for move in self}

    def _cabinet_render_invoice_pdfs(self):
        """{invoice: attachment of its PDF}: the invoice's PDF as Odoo keeps it
        (``invoice_pdf_report_file``), rendered in one report call for those without one."""
        to_render = self.filtered(lambda move: not move.invoice_pdf_report_id)
        pdfs = to_render._cabinet_invoice_pdfs()
        self.env["ir.attachment"].sudo().create(
            [
                {"name": move._get_invoice_report_filename(), "raw": pdfs[move],
                 "mimetype": "application/pdf", "res_model": "account.move", "res_id": move.id,
                 "res_field": "invoice_pdf_report_file"}
                for move in to_render
            ]
        )  # fmt: skip
        to_render.invalidate_recordset(["invoice_pdf_report_id", "invoice_pdf_report_file"])
        return {move: move.invoice_pdf_report_id for move in self}

    @api.model
    def get_facturx(self, invoice_ids):
        """For integrators (XML-RPC): the Factur-X PDF and XML of posted invoices, issued
        when not yet (once: fetching again returns the same documents and stores nothing),
        as ``[{"id", "name", "filename", "pdf", "xml"}]`` (base64)."""
        invoice_ids = rpc_arguments.ids_arg(
            self.env, invoice_ids, "invoice_ids", "account.move", required=True
        )
        moves = self.browse(invoice_ids)
        moves.check_access("read")
        pdfs = moves._cabinet_issue_facturx()
        result = []
        for move in moves:
            pdf, xml = pdfs[move], move.ubl_cii_xml_id
            result.append({"id": move.id, "name": move.name, "filename": pdf.name,
                           "pdf": pdf.datas.decode(), "xml": xml.datas.decode()})  # fmt: skip
        return result

    def action_cabinet_download_facturx(self):
        """Issue this invoice as Factur-X (once) and download it."""
        self.ensure_one()
        self.check_access("read")
        attachment = self._cabinet_issue_facturx()[self]
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }
