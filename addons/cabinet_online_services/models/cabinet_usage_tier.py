from odoo import api, fields, models


class CabinetUsageTier(models.Model):
    """A quantity tier of a usage-based online service (e.g. from 500 entries, 0.08 each)."""

    _name = "cabinet.usage.tier"
    _description = "Usage price tier"
    _order = "product_tmpl_id, from_quantity"

    product_tmpl_id = fields.Many2one(
        "product.template", string="Service", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="product_tmpl_id.company_id", store=True)
    currency_id = fields.Many2one(related="product_tmpl_id.currency_id")
    from_quantity = fields.Float(
        string="From quantity",
        required=True,
        digits="Product Unit",
        help="The tier applies to the units beyond this quantity.",
    )
    unit_price = fields.Float(required=True, digits="Product Price")

    @api.constrains("from_quantity", "unit_price", "product_tmpl_id")
    def _check_tiers(self):
        self.product_tmpl_id._check_usage_tiers()
