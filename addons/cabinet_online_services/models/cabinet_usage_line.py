from odoo import fields, models


class CabinetUsageLine(models.Model):
    """A quantity of an online service used by a client in a month, from a vendor's usage
    statement (billed by the next billing run) or from a vendor's invoice detail (what the
    vendor charged the firm, for the control report)."""

    _name = "cabinet.usage.line"
    _description = "Online service usage"
    _order = "period_start desc, partner_id, id"

    import_id = fields.Many2one(
        "cabinet.usage.import", required=True, index=True, ondelete="cascade", readonly=True
    )
    kind = fields.Selection(related="import_id.kind", store=True, index=True)
    company_id = fields.Many2one(related="import_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    row_number = fields.Integer(readonly=True)
    partner_id = fields.Many2one("res.partner", string="Client", required=True, index=True,
                                 readonly=True)  # fmt: skip
    product_id = fields.Many2one("product.product", string="Service", required=True,
                                 index=True, readonly=True)  # fmt: skip
    period_start = fields.Date(string="Month", required=True, readonly=True, index=True)
    period_end = fields.Date(required=True, readonly=True)
    quantity = fields.Float(required=True, readonly=True, digits="Product Unit")
    amount = fields.Monetary(string="Vendor amount excl. tax", readonly=True)
    state = fields.Selection(
        [
            ("draft", "Not imported"),
            ("to_bill", "To bill"),
            ("billed", "Billed"),
            ("vendor", "Vendor invoice"),
        ],
        default="draft",
        required=True,
        readonly=True,
        index=True,
    )
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True,
                              index="btree_not_null", ondelete="set null")  # fmt: skip

    def _billing_letter(self, letters):
        """Among a client's ``letters``, the one whose services include this one during the
        month (None when no letter bills it: the run reports it)."""
        self.ensure_one()
        covering = [
            letter
            for letter in letters
            if letter.line_ids.filtered(
                lambda line: (
                    line.product_id == self.product_id
                    and line.date_start <= self.period_end
                    and (not line.date_end or line.date_end >= self.period_start)
                )
            )
        ]
        if covering:
            return covering[0]
        return None

    def _billing_unit_price(self, letter):
        """The unit price agreed in the letter for the service, else the catalogue's."""
        lines = letter.line_ids.filtered(
            lambda line: (
                line.product_id == self.product_id
                and line.date_start <= self.period_end
                and (not line.date_end or line.date_end >= self.period_start)
            )
        )
        return lines[-1:].price_unit if lines else self.product_id.lst_price
