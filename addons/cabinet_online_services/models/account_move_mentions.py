from odoo import models
from odoo.tools import format_date


class AccountMove(models.Model):
    # The French mentions of the invoice PDF: a concern of its own (account_move_<concern>.py).
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    def _cabinet_invoice_mentions(self):
        """The French mentions the invoice PDF carries, as in its Factur-X: the client's
        SIREN, the nature of the operation, the due date and the B2B payment mentions of
        Code de commerce L441-9. Empty outside French customer invoices."""
        self.ensure_one()
        if self.move_type not in ("out_invoice", "out_refund") or (
            self.company_id.country_id.code != "FR"
        ):
            return []
        mentions = []
        if self.commercial_partner_id.siren:
            mentions.append(
                self.env._("Client SIREN: %(siren)s", siren=self.commercial_partner_id.siren)
            )
        # Odoo's French localisation prints the operation type and the VAT on debits itself
        # when the taxes say them (their scope, their exigibility): never twice.
        french_report = "l10n_fr_is_company_french" in self._fields and (
            self.l10n_fr_is_company_french
        )
        taxes = self.invoice_line_ids.tax_ids
        if not (french_report and any(taxes.mapped("tax_scope"))):
            mentions.append(self._cabinet_operation_nature())
        localised_debits = french_report and any(
            line.product_id.type == "service"
            and any(t.tax_exigibility == "on_invoice" and t.tax_scope == "consu"
                    for t in line.tax_ids)
            for line in self.invoice_line_ids
        )  # fmt: skip
        if self.company_id.vat_on_debits and not localised_debits:
            mentions.append(self.env._("Option for the payment of VAT on debits."))
        first_due, terms = self._cabinet_payment_terms()
        if first_due and self.move_type == "out_invoice":
            mentions.append(self.env._("Due date: %(date)s", date=format_date(self.env, first_due)))
            if len(self.line_ids.filtered(lambda line: line.display_type == "payment_term")) > 1:
                mentions.append(terms)
        notes = self._cabinet_facturx_notes()
        if self.commercial_partner_id._is_private_individual():
            # No business-to-business mention for a consumer; an early payment discount, if
            # any, still stated.
            term = self.invoice_payment_term_id
            return mentions + ([notes["AAB"]] if term.early_discount else [])
        return mentions + [notes["PMD"], notes["PMT"], notes["AAB"]]

    def _cabinet_first_due_date(self):
        """The first due date of the invoice's instalments (the one its e-invoice states)."""
        self.ensure_one()
        return self._cabinet_payment_terms()[0]

    def _cabinet_operation_nature(self):
        return {
            "S": self.env._("Nature of the operation: services"),
            "B": self.env._("Nature of the operation: delivery of goods"),
            "M": self.env._("Nature of the operation: delivery of goods and services"),
        }[self._cabinet_facturx_billing_mode()[0]]
