from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..rules import instalments


class AccountPaymentTerm(models.Model):
    _inherit = "account.payment.term"

    cabinet_monthly_debits = fields.Integer(
        string="Equal monthly debits",
        help="When set, the invoice is collected in this many equal monthly instalments "
        "(the rounding cents on the last), due on the debit day of each month, the first "
        "once the SEPA pre-notification lead time after the invoice date has passed.",
    )
    cabinet_debit_day = fields.Integer(
        string="Debit day", default=5, help="Day of the month of each direct debit."
    )

    @api.constrains("cabinet_monthly_debits", "cabinet_debit_day")
    def _check_cabinet_monthly_debits(self):
        for term in self.filtered("cabinet_monthly_debits"):
            if not 1 <= term.cabinet_monthly_debits <= 36 or not 1 <= term.cabinet_debit_day <= 31:
                raise ValidationError(
                    self.env._(
                        "%(term)s: from 1 to 36 monthly debits, on a day from 1 to 31.",
                        term=term.name,
                    )
                )

    def _compute_terms(
        self, date_ref, currency, company, tax_amount, tax_amount_currency, sign,
        untaxed_amount, untaxed_amount_currency, cash_rounding=None,
    ):  # fmt: skip
        # EXTENDS 'account': equal monthly debits on a fixed day, instead of percentages of
        # the total falling every 30 days.
        pay_term = super()._compute_terms(
            date_ref, currency, company, tax_amount, tax_amount_currency, sign,
            untaxed_amount, untaxed_amount_currency, cash_rounding=cash_rounding,
        )  # fmt: skip
        if not self.cabinet_monthly_debits:
            return pay_term
        earliest = fields.Date.to_date(date_ref) + company._cabinet_prenotification_delta()
        plans = [
            instalments.equal_monthly_instalments(
                Decimal(str(round(amount, 2))),
                self.cabinet_monthly_debits,
                earliest,
                self.cabinet_debit_day,
            )  # fmt: skip
            for amount in (
                company.currency_id.round(tax_amount + untaxed_amount),
                currency.round(tax_amount_currency + untaxed_amount_currency),
            )
        ]
        pay_term["line_ids"] = [
            {"date": due, "company_amount": float(company_amount),
             "foreign_amount": float(foreign_amount)}
            for (due, company_amount), (_due, foreign_amount) in zip(*plans, strict=True)
        ]  # fmt: skip
        return pay_term
