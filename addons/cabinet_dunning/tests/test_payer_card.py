from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import CabinetDunningCase


@tagged("post_install", "-at_install")
class TestPayerCard(CabinetDunningCase):
    def test_create_client_with_payer_in_one_call(self):
        payer = self.client.payer_id
        self.assertEqual(payer.parent_id, self.client)
        self.assertEqual(payer.name, "Claire Martin")
        self.assertEqual(payer.function, "Gérante")
        self.assertEqual(payer.email, "claire.martin@boulangerie-martin.fr")
        self.assertFalse(payer.is_company)
        self.assertEqual(self.client.payer_name, "Claire Martin")

    def test_write_details_of_existing_payer_updates_the_contact(self):
        payer = self.client.payer_id
        self.client.with_user(self.user).write(
            {"payer_phone": "+33 1 23 45 67 89", "payer_mobile": "+33 6 12 34 56 78"}
        )
        self.assertEqual(self.client.payer_id, payer, "no second contact is created")
        self.assertEqual(payer.phone, "+33 1 23 45 67 89")
        self.assertEqual(payer.mobile, "+33 6 12 34 56 78")
        self.assertEqual(len(self.client.child_ids), 1)

    def test_write_details_without_payer_creates_the_contact(self):
        client = self.env["res.partner"].create({"name": "SARL Petit", "is_company": True})
        client.with_user(self.user).write(
            {"payer_name": "Luc Petit", "payer_phone": "01 02 03 04 05", "ref": "C042"}
        )
        self.assertEqual(client.payer_id.name, "Luc Petit")
        self.assertEqual(client.payer_id.phone, "01 02 03 04 05")
        self.assertEqual(client.payer_id.parent_id, client)
        self.assertEqual(client.ref, "C042")

    def test_payer_details_without_a_name_are_refused_and_nothing_is_written(self):
        partners_before = self.env["res.partner"].search_count([])
        with self.assertRaisesRegex(UserError, "give the payer's name"):
            self.env["res.partner"].create(
                [
                    {"name": "SAS Valide", "is_company": True},
                    {"name": "SAS Sans Nom", "is_company": True, "payer_email": "x@example.com"},
                ]
            )
        self.assertEqual(self.env["res.partner"].search_count([]), partners_before)
        client = self.env["res.partner"].create({"name": "SAS Vide", "is_company": True})
        with self.assertRaises(UserError):
            client.write({"payer_email": "compta@sas-vide.fr", "ref": "V1"})
        self.assertFalse(client.payer_id)
        self.assertFalse(client.ref)

    def test_payer_must_be_a_contact_of_the_client(self):
        stranger = self.env["res.partner"].create({"name": "Jean Étranger"})
        with self.assertRaisesRegex(ValidationError, "is not a contact of Boulangerie Martin"):
            self.client.payer_id = stranger
        with self.assertRaisesRegex(ValidationError, "is not a contact"):
            self.client.payment_approver_id = self.portal_client.child_ids[0]
        with self.assertRaisesRegex(ValidationError, "is not a contact"):
            self.client.payer_id = self.client

    def test_contact_hours_must_be_a_range_within_the_day(self):
        self.client.write({"payer_hour_from": 9.0, "payer_hour_to": 12.5})
        for start, end in ((14.0, 9.0), (9.0, 25.0), (-1.0, 10.0), (10.0, 10.0)):
            with self.assertRaisesRegex(ValidationError, "contact hours"):
                self.client.write({"payer_hour_from": start, "payer_hour_to": end})
        self.assertEqual(self.client.payer_hour_to, 12.5)

    def test_card_is_searchable(self):
        Partner = self.env["res.partner"].with_user(self.user)
        self.assertEqual(Partner.search([("payer_email", "ilike", "claire.martin@")]), self.client)
        self.assertEqual(Partner.search([("payer_name", "=", "Claire Martin")]), self.client)
        self.client.payer_contact_day_ids = self.env.ref("cabinet_dunning.weekday_tuesday")
        self.assertIn(
            self.client,
            Partner.search([("payer_contact_day_ids.sequence", "=", 2)]),
        )
        self.assertNotIn(self.client, Partner.search([("payer_id", "=", False)]))

    def test_payment_term_and_means_on_the_card(self):
        term = self.env.ref("account.account_payment_term_30days")
        self.client.with_user(self.user).write(
            {
                "property_payment_term_id": term.id,
                "agreed_payment_means": "sepa_direct_debit",
                "dunning_channel": "phone",
                "client_segment": "tpe",
                "payment_approval_note": "Bon à payer par la gérante sous 8 jours",
            }
        )
        self.assertEqual(self.client.property_payment_term_id, term)
        self.assertEqual(self.client.agreed_payment_means, "sepa_direct_debit")

    def test_accountant_fills_the_card_in_the_form(self):
        Partner = self.env["res.partner"].with_user(self.user)
        with Form(Partner.with_context(default_is_company=True)) as form:
            form.name = "Pharmacie du Centre"
            form.payer_name = "Sophie Bernard"
            form.payer_function = "Comptable"
            form.payer_email = "compta@pharmacie-centre.fr"
            form.payer_hour_from = 8.5
            form.payer_hour_to = 12.0
            form.payer_contact_day_ids.add(self.env.ref("cabinet_dunning.weekday_monday"))
            form.dunning_channel = "email"
        client = form.record
        self.assertEqual(client.payer_id.name, "Sophie Bernard")
        self.assertEqual(client.payer_id.email, "compta@pharmacie-centre.fr")
        self.assertEqual(client.payer_contact_day_ids.mapped("sequence"), [1])

    def test_a_client_without_payer_details_is_created_from_the_form(self):
        # The form sends the empty payer fields too: they make no contact, and no error.
        for is_company, name in ((False, "Jean Particulier"), (True, "Garage du Port")):
            Partner = self.env["res.partner"].with_user(self.user)
            with Form(Partner.with_context(default_is_company=is_company)) as form:
                form.name = name
            self.assertFalse(form.record.payer_id)
            self.assertFalse(form.record.child_ids)
        client = self.env["res.partner"].create(
            {"name": "Boucherie Roux", "is_company": True, "payer_name": False,
             "payer_email": False, "payer_phone": ""}
        )  # fmt: skip
        self.assertFalse(client.payer_id)

    def test_messages_are_translated_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        client = self.env["res.partner"].with_context(lang="fr_FR")
        with self.assertRaisesRegex(UserError, "indiquez le nom du payeur"):
            client.create({"name": "SAS Muette", "is_company": True, "payer_phone": "0102"})
