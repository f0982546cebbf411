from contextlib import contextmanager

from odoo.tests import new_test_user, tagged
from odoo.tests.common import TransactionCase


@tagged("post_install", "-at_install")
class OnlineServicesCase(TransactionCase):
    """A catalogue of online services, a user per role and a second company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context={**cls.env.context, "tracking_disable": True})
        cls.env["res.lang"]._activate_lang("en_US")
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.company = cls.env.company
        cls.other_company = cls.env["res.company"].create({"name": "Cabinet Lyon"})
        cls.user = new_test_user(
            cls.env,
            login="os_user",
            lang="en_US",
            groups="base.group_user,cabinet_online_services.group_online_services_user",
        )
        cls.manager = new_test_user(
            cls.env,
            login="os_manager",
            lang="en_US",
            groups="base.group_user,cabinet_online_services.group_online_services_manager",
        )
        cls.portal_user = new_test_user(cls.env, login="os_portal", groups="base.group_portal")
        cls.other_company_user = new_test_user(
            cls.env,
            login="os_lyon",
            groups="base.group_user,cabinet_online_services.group_online_services_manager",
            company_id=cls.other_company.id,
            company_ids=[cls.other_company.id],
        )
        cls.vendor = cls.env["res.partner"].create({"name": "Éditeur Logiciel SAS"})
        cls.entries = cls.env["product.template"].create(
            {
                "name": "Saisie des écritures",
                "type": "service",
                "is_online_service": True,
                "online_service_billing": "usage",
                "list_price": 0.10,
                "standard_price": 0.04,
                "service_vendor_id": cls.vendor.id,
                "vendor_service_code": "ECR",
                "usage_tier_ids": [
                    (0, 0, {"from_quantity": 500, "unit_price": 0.08}),
                    (0, 0, {"from_quantity": 2000, "unit_price": 0.05}),
                ],
                "company_id": cls.company.id,
            }
        )

    @contextmanager
    def assertRaisesRegex(self, exception, expected_regex, msg=None):
        """Odoo's assertRaises (which rolls back to a savepoint) with the message checked."""
        with self.assertRaises(exception, msg=msg) as caught:
            yield caught
        self.assertRegex(str(caught.exception), expected_regex)
