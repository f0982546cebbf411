from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..rules import usage_pricing


class ProductTemplate(models.Model):
    _inherit = "product.template"

    is_online_service = fields.Boolean(
        string="Online service",
        index=True,
        help="Sold to the firm's clients through their engagement letters and billed by the "
        "subscription run.",
    )
    online_service_billing = fields.Selection(
        [
            ("subscription", "Monthly subscription"),
            ("usage", "Usage (billed in arrears)"),
        ],
        string="Billed as",
        default="subscription",
        help="Monthly subscription: the sales price is the monthly price excluding tax, billed "
        "in advance or in arrears as the engagement letter says. Usage: each unit consumed "
        "(entries, payslips...) is billed the month after, at the tier prices.",
    )
    service_vendor_id = fields.Many2one(
        "res.partner",
        string="Software vendor",
        help="The publisher whose software the service resells; its usage statements and "
        "invoices are checked against what the firm billed.",
    )
    vendor_service_code = fields.Char(
        string="Vendor service code",
        index="btree_not_null",
        help="The code of this service in the vendor's usage statements.",
    )
    usage_tier_mode = fields.Selection(
        [
            (usage_pricing.GRADUATED, "Graduated (each unit at the price of its tier)"),
            (usage_pricing.VOLUME, "Volume (all units at the price of the tier reached)"),
        ],
        string="Tier pricing",
        default=usage_pricing.GRADUATED,
    )
    usage_max_quantity = fields.Float(
        string="Most plausible monthly quantity",
        digits="Product Unit",
        help="A vendor's row above this quantity for a client and a month is refused as an "
        "error with its row (a typing or export error); empty: 10 million.",
    )
    usage_tier_ids = fields.One2many(
        "cabinet.usage.tier", "product_tmpl_id", string="Quantity tiers", copy=True
    )

    _vendor_service_code_unique = models.Constraint(
        "UNIQUE(service_vendor_id, vendor_service_code)",
        "Each service of a vendor has its own code.",
    )

    @api.constrains("is_online_service", "type", "online_service_billing")
    def _check_online_service(self):
        for product in self.filtered("is_online_service"):
            if product.type != "service":
                raise ValidationError(
                    self.env._(
                        "%(product)s is an online service, so its product type must be 'Service'.",
                        product=product.display_name,
                    )
                )
            if not product.online_service_billing:
                raise ValidationError(
                    self.env._(
                        "Say how %(product)s is billed: monthly subscription or usage.",
                        product=product.display_name,
                    )
                )

    def _check_usage_tiers(self):
        for product in self:
            tiers = [
                usage_pricing.Tier(tier.from_quantity, tier.unit_price)
                for tier in product.usage_tier_ids
            ]
            problems = usage_pricing.check_tiers(tiers)
            if not problems:
                continue
            messages = {
                "negative_quantity": self.env._("a tier cannot start below zero"),
                "negative_price": self.env._("a unit price cannot be negative"),
                "duplicate_start": self.env._("two tiers cannot start at the same quantity"),
            }
            raise ValidationError(
                self.env._(
                    "The quantity tiers of %(product)s are wrong: %(problems)s.",
                    product=product.display_name,
                    problems=", ".join(messages[code] for code in problems),
                )
            )

    def _usage_price_segments(self, quantity, base_unit_price=None):
        """The invoice segments (quantity, unit price) of ``quantity`` units of this service;
        below the first tier, units cost ``base_unit_price`` (the sales price by default)."""
        self.ensure_one()
        tiers = [
            usage_pricing.Tier(tier.from_quantity, tier.unit_price) for tier in self.usage_tier_ids
        ]
        return usage_pricing.price_segments(
            quantity,
            self.list_price if base_unit_price is None else base_unit_price,
            tiers,
            self.usage_tier_mode or usage_pricing.GRADUATED,
        )
