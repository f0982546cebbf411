from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CabinetDunningCase


@tagged("post_install", "-at_install")
class TestAccess(CabinetDunningCase):
    def test_dunning_user_reads_and_edits_the_card(self):
        client = self.client.with_user(self.user)
        self.assertEqual(client.payer_email, "claire.martin@boulangerie-martin.fr")
        client.write({"dunning_channel": "letter", "payer_phone": "0102030405"})
        self.assertEqual(self.client.payer_id.phone, "0102030405")

    def test_internal_user_without_the_group_does_not_see_the_card(self):
        client = self.client.with_user(self.internal)
        self.assertEqual(client.name, "Boulangerie Martin")
        self.assertEqual(client.siren, "552032534")
        with self.assertRaises(AccessError):
            client.read(["payer_email"])
        with self.assertRaises(AccessError):
            client.write({"dunning_channel": "sms"})
        self.assertNotIn("payer_id", client.fields_get())

    def test_users_without_the_group_still_create_partners(self):
        partner = (
            self.env["res.partner"]
            .with_user(self.internal)
            .create({"name": "Nouveau prospect", "is_company": True})
        )
        self.assertEqual(partner.create_uid, self.internal)

    def test_only_managers_edit_reference_data(self):
        monday = self.env.ref("cabinet_dunning.weekday_monday")
        with self.assertRaises(AccessError):
            monday.with_user(self.user).name = "Lundi"
        monday.with_user(self.manager).name = "Lundi"
        self.assertEqual(monday.name, "Lundi")

    def test_portal_user_sees_nothing_of_other_clients(self):
        with self.assertRaises(AccessError):
            self.client.with_user(self.portal_user).read(["name"])
        Partner = self.env["res.partner"].with_user(self.portal_user)
        self.assertFalse(Partner.search([("id", "=", self.client.id)]))
        with self.assertRaises(AccessError):
            self.portal_client.with_user(self.portal_user).read(["payer_id"])

    def test_other_company_does_not_see_this_company_clients(self):
        Partner = self.env["res.partner"].with_user(self.other_company_user)
        self.assertFalse(Partner.search([("id", "=", self.client.id)]))
        with self.assertRaises(AccessError):
            self.client.with_user(self.other_company_user).read(["payer_email"])
