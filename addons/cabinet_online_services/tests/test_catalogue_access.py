from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import OnlineServicesCase


@tagged("post_install", "-at_install")
class TestCatalogueAccess(OnlineServicesCase):
    def test_user_reads_the_catalogue_but_does_not_edit_it(self):
        entries = self.entries.with_user(self.user)
        self.assertEqual(entries.usage_tier_ids.mapped("unit_price"), [0.08, 0.05])
        with self.assertRaises(AccessError):
            entries.list_price = 0.2
        with self.assertRaises(AccessError):
            entries.usage_tier_ids[0].unit_price = 0.01

    def test_manager_edits_the_catalogue(self):
        entries = self.entries.with_user(self.manager)
        entries.write(
            {
                "list_price": 0.12,
                "usage_tier_ids": [(1, entries.usage_tier_ids[0].id, {"unit_price": 0.09})],
            }
        )
        self.assertEqual(self.entries.list_price, 0.12)
        self.assertEqual(self.entries.usage_tier_ids[0].unit_price, 0.09)

    def test_portal_user_reads_no_tier(self):
        with self.assertRaises(AccessError):
            self.entries.usage_tier_ids.with_user(self.portal_user).read(["unit_price"])

    def test_other_company_does_not_see_this_company_services(self):
        Product = self.env["product.template"].with_user(self.other_company_user)
        self.assertFalse(Product.search([("id", "=", self.entries.id)]))
        Tier = self.env["cabinet.usage.tier"].with_user(self.other_company_user)
        self.assertFalse(Tier.search([("product_tmpl_id", "=", self.entries.id)]))
