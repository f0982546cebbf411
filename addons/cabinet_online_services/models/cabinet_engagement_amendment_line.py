from odoo import api, fields, models
from odoo.exceptions import UserError


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

    def _refuse_applied(self, amendments):
        applied = amendments.filtered(lambda amendment: amendment.state == "applied")
        if applied:
            raise UserError(
                self.env._(
                    "%(name)s is applied: its services are the record of what changed, and "
                    "stay as they are. Draw up a new amendment.",
                    name=applied[0].name,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._refuse_applied(
            self.env["cabinet.engagement.amendment"].browse(
                {vals.get("amendment_id") for vals in vals_list if vals.get("amendment_id")}
            )
        )
        return super().create(vals_list)

    def write(self, vals):
        self._refuse_applied(self.amendment_id)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_applied(self):
        self._refuse_applied(self.amendment_id)

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
