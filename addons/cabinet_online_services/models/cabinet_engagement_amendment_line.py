from odoo import api, fields, models


class CabinetEngagementAmendmentLine(models.Model):
    _name = "cabinet.engagement.amendment.line"
    _description = "Service of an amendment"

    amendment_id = fields.Many2one(
        "cabinet.engagement.amendment", required=True, index=True, ondelete="cascade"
    )
    product_id = fields.Many2one(
        "product.product",
        string="Service",
        required=True,
        domain="[('is_online_service', '=', True)]",
    )
    quantity = fields.Float(default=1.0, required=True, digits="Product Unit")
    price_unit = fields.Float(
        string="Price excl. tax",
        compute="_compute_price_unit",
        store=True,
        readonly=False,
        precompute=True,
        digits="Product Price",
    )

    @api.depends("product_id")
    def _compute_price_unit(self):
        for line in self:
            line.price_unit = line.price_unit or line.product_id.lst_price

    def _prepare_letter_line_vals(self):
        self.ensure_one()
        return {
            "letter_id": self.amendment_id.letter_id.id,
            "product_id": self.product_id.id,
            "quantity": self.quantity,
            "price_unit": self.price_unit,
            "date_start": self.amendment_id.effective_date,
            "amendment_id": self.amendment_id.id,
        }
