from odoo import api, fields, models

CATEGORIES = [
    ("billed_not_used", "Billed but not used"),
    ("used_not_billed", "Used but not billed"),
    ("quantity_mismatch", "Quantity mismatch"),
    ("price_mismatch", "Price mismatch"),
    ("ok", "Consistent"),
]


class CabinetVendorControlLine(models.Model):
    """One client, service and month of the vendor control report: what the firm billed
    against what the vendor charged."""

    _name = "cabinet.vendor.control.line"
    _description = "Vendor control report line"
    _order = "import_id desc, category, partner_id, product_id, period_start"

    import_id = fields.Many2one(
        "cabinet.usage.import", string="Vendor invoice", required=True, index=True,
        ondelete="cascade", readonly=True,
    )  # fmt: skip
    company_id = fields.Many2one(related="import_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one("res.partner", string="Client", readonly=True, index=True)
    product_id = fields.Many2one("product.product", string="Service", readonly=True)
    period_start = fields.Date(string="Month", readonly=True)
    category = fields.Selection(CATEGORIES, required=True, readonly=True, index=True)
    billed_quantity = fields.Float(readonly=True, digits="Product Unit")
    vendor_quantity = fields.Float(readonly=True, digits="Product Unit")
    quantity_difference = fields.Float(
        compute="_compute_differences", store=True, digits="Product Unit",
        help="Billed to the client minus charged by the vendor.",
    )  # fmt: skip
    vendor_amount = fields.Monetary(string="Vendor amount excl. tax", readonly=True)
    expected_amount = fields.Monetary(
        string="Expected cost", readonly=True,
        help="The vendor's quantity at the service's cost in the catalogue.",
    )  # fmt: skip
    amount_difference = fields.Monetary(compute="_compute_differences", store=True,
                                        help="Vendor amount minus expected cost.")  # fmt: skip

    @api.depends("billed_quantity", "vendor_quantity", "vendor_amount", "expected_amount")
    def _compute_differences(self):
        for line in self:
            line.quantity_difference = line.billed_quantity - line.vendor_quantity
            line.amount_difference = line.vendor_amount - line.expected_amount
