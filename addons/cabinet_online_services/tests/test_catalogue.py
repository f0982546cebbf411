import ast

from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import OnlineServicesCase


@tagged("post_install", "-at_install")
class TestCatalogue(OnlineServicesCase):
    def test_manager_creates_a_subscription_from_the_catalogue(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "cabinet_online_services.action_online_service_catalogue"
        )
        Product = self.env["product.template"].with_user(self.manager)
        with Form(Product.with_context(**ast.literal_eval(action["context"]))) as form:
            form.name = "Tableau de bord en ligne"
            form.list_price = 29.0
            form.standard_price = 11.5
            form.service_vendor_id = self.vendor
            form.vendor_service_code = "TDB"
        service = form.record
        self.assertTrue(service.is_online_service)
        self.assertEqual(service.type, "service")
        self.assertEqual(service.online_service_billing, "subscription")
        self.assertIn(service, Product.search(ast.literal_eval(action["domain"])))

    def test_graduated_tiers_split_the_usage(self):
        segments = self.entries._usage_price_segments(2300)
        self.assertEqual(
            [(s.quantity, s.unit_price) for s in segments],
            [(500, 0.10), (1500, 0.08), (300, 0.05)],
        )
        self.assertEqual(self.entries._usage_price_segments(0), [])

    def test_volume_tiers_price_every_unit_at_the_tier_reached(self):
        self.entries.usage_tier_mode = "volume"
        segments = self.entries._usage_price_segments(730)
        self.assertEqual([(s.quantity, s.unit_price) for s in segments], [(730, 0.08)])

    def test_bad_tiers_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "two tiers cannot start at the same"):
            self.entries.usage_tier_ids = [(0, 0, {"from_quantity": 500, "unit_price": 0.07})]
        with self.assertRaisesRegex(ValidationError, "a unit price cannot be negative"):
            self.entries.usage_tier_ids[0].unit_price = -1
        self.assertEqual(len(self.entries.usage_tier_ids), 2)
        self.assertEqual(self.entries.usage_tier_ids[0].unit_price, 0.08)

    def test_bad_tiers_are_refused_in_french(self):
        product = self.entries.with_context(lang="fr_FR")
        with self.assertRaisesRegex(ValidationError, "ne peut pas être négatif"):
            product.usage_tier_ids[0].unit_price = -1

    def test_an_online_service_is_a_service(self):
        with self.assertRaisesRegex(ValidationError, "product type must be 'Service'"):
            self.env["product.template"].create(
                {"name": "Clé USB", "type": "consu", "is_online_service": True}
            )

    def test_vendor_codes_are_unique_per_vendor(self):
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self.env["product.template"].create(
                {
                    "name": "Autre",
                    "type": "service",
                    "is_online_service": True,
                    "service_vendor_id": self.vendor.id,
                    "vendor_service_code": "ECR",
                }
            )
            self.env.flush_all()

    def test_options_are_product_variants(self):
        attribute = self.env["product.attribute"].create(
            {
                "name": "Niveau d'accès",
                "value_ids": [(0, 0, {"name": "Consultation"}), (0, 0, {"name": "Saisie"})],
            }
        )
        service = self.env["product.template"].create(
            {
                "name": "Comptabilité en ligne",
                "type": "service",
                "is_online_service": True,
                "list_price": 35.0,
                "attribute_line_ids": [
                    (0, 0, {"attribute_id": attribute.id, "value_ids": attribute.value_ids.ids})
                ],
            }
        )
        saisie = service.attribute_line_ids.product_template_value_ids.filtered(
            lambda v: v.name == "Saisie"
        )
        saisie.price_extra = 15.0
        self.assertEqual(service.product_variant_count, 2)
        prices = sorted(service.product_variant_ids.mapped("lst_price"))
        self.assertEqual(prices, [35.0, 50.0])
