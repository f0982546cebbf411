from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CabinetEngagementLetterLine(models.Model):
    """An online service subscribed by an engagement letter, over a range of dates.

    Amendments never edit a line's service, quantity or price: they end it and start a new
    one, so the lines of a letter tell what applied on any day.
    """

    _name = "cabinet.engagement.letter.line"
    _description = "Engagement letter service"
    _order = "letter_id, date_start, sequence, id"

    letter_id = fields.Many2one(
        "cabinet.engagement.letter", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="letter_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="letter_id.currency_id")
    sequence = fields.Integer(default=10)
    product_id = fields.Many2one(
        "product.product",
        string="Service",
        required=True,
        domain="[('is_online_service', '=', True)]",
    )
    name = fields.Char(
        string="Description",
        compute="_compute_name",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
    )
    billing_kind = fields.Selection(related="product_id.online_service_billing")
    quantity = fields.Float(default=1.0, required=True, digits="Product Unit")
    price_unit = fields.Float(
        string="Price excl. tax",
        compute="_compute_price_unit",
        store=True,
        readonly=False,
        precompute=True,
        digits="Product Price",
        help="Monthly price of a subscription, or unit price of a usage-based service.",
    )
    subtotal = fields.Monetary(
        string="Monthly amount excl. tax", compute="_compute_subtotal", store=True
    )
    date_start = fields.Date(
        string="From",
        required=True,
        compute="_compute_date_start",
        store=True,
        readonly=False,
        precompute=True,
    )
    date_end = fields.Date(string="Until")
    amendment_id = fields.Many2one(
        "cabinet.engagement.amendment", string="Added by", readonly=True, index="btree_not_null"
    )

    @api.depends("product_id")
    def _compute_name(self):
        for line in self:
            line.name = line.product_id.display_name or line.name

    @api.depends("product_id")
    def _compute_price_unit(self):
        for line in self:
            line.price_unit = line.product_id.lst_price

    @api.depends("quantity", "price_unit", "billing_kind")
    def _compute_subtotal(self):
        for line in self:
            line.subtotal = (
                line.quantity * line.price_unit if line.billing_kind == "subscription" else 0.0
            )

    @api.depends("letter_id.start_date")
    def _compute_date_start(self):
        for line in self:
            line.date_start = line.date_start or line.letter_id.start_date

    @api.constrains("date_start", "date_end", "quantity", "price_unit", "product_id")
    def _check_line(self):
        for line in self:
            if line.date_end and line.date_end < line.date_start:
                raise ValidationError(
                    self.env._(
                        "%(service)s cannot end (%(end)s) before it starts (%(start)s).",
                        service=line.name,
                        end=line.date_end,
                        start=line.date_start,
                    )
                )
            if line.date_start < line.letter_id.start_date:
                raise ValidationError(
                    self.env._(
                        "%(service)s cannot start before the engagement letter (%(start)s).",
                        service=line.name,
                        start=line.letter_id.start_date,
                    )
                )
            if line.quantity < 0 or line.price_unit < 0:
                raise ValidationError(
                    self.env._(
                        "%(service)s: the quantity and the price cannot be negative.",
                        service=line.name,
                    )
                )
            if not line.product_id.is_online_service:
                raise ValidationError(
                    self.env._(
                        "%(product)s is not an online service of the catalogue.",
                        product=line.product_id.display_name,
                    )
                )
