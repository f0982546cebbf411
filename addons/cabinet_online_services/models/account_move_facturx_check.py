from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import formatLang, is_html_empty

from ..rules import facturx_cii
from ..tools import facturx_checker
from .account_move_direct_debit import SDD_METHOD_CODE


class FacturxRejected(UserError):
    """Invoices the French rules reject; ``problems`` is {invoice: [what is wrong]}."""

    def __init__(self, message, problems):
        super().__init__(message)
        self.problems = problems


class AccountMove(models.Model):
    # The Factur-X checks are a concern of their own (account_move_<concern>.py).
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    def _cabinet_facturx_check_start(self):
        """Check the Factur-X XML of these invoices against the XSD and the EN 16931 and
        BR-FR schematrons, in one exchange with this server process's long-lived checker
        (``tools/facturx_checker.py``). The XML is built now; the check runs while the caller
        goes on (e.g. renders the PDFs). Returns a function that waits for the outcome:
        {invoice: [(rule, message)]}, the invoices that pass left out."""
        moves = list(self)
        pending = facturx_checker.checker().submit([move._cabinet_facturx_xml() for move in moves])

        def rejections():
            try:
                results = pending.result()
            except facturx_checker.CheckerError as error:
                raise UserError(
                    self.env._("The Factur-X checks could not run: %(error)s", error=error)
                ) from error
            return {
                move: problems for move, problems in zip(moves, results, strict=True) if problems
            }

        return rejections

    def _cabinet_facturx_rejections(self):
        """{invoice: [(rule, message)]}: what the XSD and schematrons reject, the invoices
        that pass left out (see ``_cabinet_facturx_check_start``)."""
        return self._cabinet_facturx_check_start()()

    def _cabinet_facturx_problems(self):
        """What the Factur-X XSD and the EN 16931 and French schematrons reject."""
        self.ensure_one()
        return self._cabinet_facturx_rejections().get(self, [])

    def _cabinet_facturx_missing(self):
        """{invoice: [what the French rules require and the invoice lacks]}, in the user's
        language; an invoice missing nothing is not listed."""
        missing = {}
        for move in self:
            seller = move.company_id.partner_id
            buyer = move.commercial_partner_id
            problems = []
            if move.state != "posted" or move.move_type not in ("out_invoice", "out_refund"):
                problems.append(self.env._("it is not a posted customer invoice or credit note"))
            if buyer._is_private_individual():
                problems.append(
                    self.env._(
                        "a business client: %(client)s is a private individual, whose invoices "
                        "are not e-invoices (they go as a PDF and are e-reported)",
                        client=buyer.name,
                    )
                )
            if not seller.siren:
                problems.append(self.env._("the SIREN of %(company)s", company=seller.name))
            if not seller.vat:
                problems.append(self.env._("the VAT number of %(company)s", company=seller.name))
            if buyer.country_id.code == "FR" and buyer.is_company and not buyer.siren:
                problems.append(self.env._("the SIREN of the client %(client)s",
                                           client=buyer.name))  # fmt: skip
            if not (buyer.street and buyer.zip and buyer.city):
                problems.append(self.env._("the address of the client %(client)s",
                                           client=buyer.name))  # fmt: skip
            categories = set()
            for line in move.invoice_line_ids.filtered(lambda item: item.display_type == "product"):
                tax = move._cabinet_facturx_tax(line)
                categories.add(tax.category)
                if (
                    tax.category == "E"
                    and not tax.exemption_code
                    and is_html_empty(line.tax_ids[:1].invoice_legal_notes)
                ):
                    problems.append(
                        self.env._(
                            "the VAT exemption reason of “%(tax)s” on “%(line)s” (its Tax "
                            "Exemption Reason Code, VATEX, or its legal notes)",
                            tax=line.tax_ids[:1].name or self.env._("no tax"),
                            line=line.name or line.product_id.name,
                        )
                    )
            if "O" in categories and len(categories) > 1:
                problems.append(
                    self.env._(
                        "a separate invoice for the lines outside the scope of VAT: an "
                        "e-invoice cannot mix them with lines subject to VAT (European standard "
                        "EN 16931). Disbursements (débours) re-invoiced at cost take the "
                        "“Débours” tax, which can sit beside VAT."
                    )
                )
            if move.payment_mode_id.payment_method_id.code == SDD_METHOD_CODE:
                if not move.mandate_id.partner_bank_id:
                    problems.append(self.env._("the client's bank account and SEPA mandate"))
            elif not move._cabinet_payee_bank():
                problems.append(self.env._("the IBAN of the firm's bank account to be paid on"))
            if problems:
                missing[move] = problems
        return missing

    def _cabinet_facturx_differences(self, xml):
        """What the totals written in ``xml`` say otherwise than the invoice, in words with
        both figures; empty when they agree."""
        self.ensure_one()
        written = facturx_cii.written_totals(xml)
        # Fixed taxes are charges of the e-invoice: in its taxable amount, not in its VAT.
        fixed = self._cabinet_fixed_taxes()
        expected = {
            "tax_basis_total": (self.amount_untaxed + fixed, self.env._("total without tax")),
            "tax_total": (self.amount_tax - fixed, self.env._("VAT")),
            "grand_total": (self.amount_total, self.env._("total with tax")),
            "due": (
                self.amount_total - self._cabinet_prepaid_amount(),
                self.env._("amount due"),
            ),
        }
        return [
            self.env._(
                "the %(total)s of the e-invoice, %(xml)s, differs from the invoice's, %(invoice)s",
                total=label,
                xml=formatLang(self.env, float(written[key]), currency_obj=self.currency_id),
                invoice=formatLang(self.env, figure, currency_obj=self.currency_id),
            )
            for key, (figure, label) in expected.items()
            if self.currency_id.compare_amounts(float(written.get(key, 0)), figure)
        ]

    def _cabinet_check_totals(self, xmls):
        """Refuse to issue an e-invoice whose totals are not its invoice's: {invoice: xml}."""
        differences = {}
        for move, xml in xmls.items():
            found = move.with_env(self.env)._cabinet_facturx_differences(xml)
            if found:
                differences[move] = found
        if differences:
            raise UserError(
                self.env._("These e-invoices do not say what their invoices say:")
                + "".join(
                    f"\n- {move.name}: " + "; ".join(found) for move, found in differences.items()
                )
            )

    def _cabinet_check_facturx(self, meanwhile=None):
        """Refuse, with the list of what is missing, to issue invoices the rules reject.
        While the checker process runs the XSD and schematrons, ``meanwhile()`` runs here
        (e.g. the PDF render) and its result is returned."""
        missing = self._cabinet_facturx_missing()
        rejections = (
            self - self.browse([move.id for move in missing])
        )._cabinet_facturx_check_start()
        result = meanwhile() if meanwhile and not missing else None
        for move, problems in rejections().items():
            missing[move] = [f"{rule}: {text}" for rule, text in problems]
        if missing:
            raise FacturxRejected(self._cabinet_missing_message(missing), missing)
        return result

    @api.model
    def _cabinet_missing_message(self, missing):
        """What the invoices of ``missing`` ({invoice: [what is missing]}) lack, said once
        for the checks, the Send dialog and the sendings."""
        return self.env._("These invoices cannot be issued as Factur-X yet:") + "".join(
            "\n- "
            + self.env._(
                "%(invoice)s: missing %(missing)s",
                invoice=move.name or move.display_name,
                missing="; ".join(problems),
            )
            for move, problems in missing.items()
        )

    @api.model
    def _cabinet_rejection(self, problems):
        """The refusal of the invoices of ``problems`` ({invoice: [why]}), each named with
        its reason, for the callers that issue by batch to set the others apart."""
        return FacturxRejected(
            self.env._("These invoices cannot be issued as Factur-X:")
            + "".join(f"\n- {move.name}: {'; '.join(texts)}" for move, texts in problems.items()),
            problems,
        )
