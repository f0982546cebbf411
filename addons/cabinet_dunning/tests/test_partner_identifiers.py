from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import (
    SIREN_AIRBUS,
    SIREN_DANONE,
    SIRET_AIRBUS,
    SIRET_DANONE,
    VAT_AIRBUS,
    VAT_DANONE,
    CabinetDunningCase,
)


@tagged("post_install", "-at_install")
class TestPartnerIdentifiers(CabinetDunningCase):
    def _client(self, **vals):
        return self.env["res.partner"].create(
            {"name": "Client", "is_company": True, "country_id": self.france.id, **vals}
        )

    def test_siren_is_taken_from_siret_or_siren(self):
        self.assertEqual(self.client.siren, SIREN_DANONE)
        client = self._client(company_registry="383 474 814")
        self.assertEqual(client.siren, SIREN_AIRBUS)
        client.company_registry = SIRET_AIRBUS
        self.assertEqual(client.siren, SIREN_AIRBUS)
        client.company_registry = False
        self.assertFalse(client.siren)

    def test_foreign_registry_is_not_read_as_a_siren(self):
        client = self._client(
            country_id=self.env.ref("base.de").id, company_registry="HRB 12345", vat="DE136695976"
        )
        self.assertFalse(client.siren)

    def test_bad_siren_and_siret_are_refused(self):
        for number, message in (
            ("55203253400647", "SIRET 55203253400647 is not valid"),
            ("552032535", "SIREN 552032535 is not valid"),
            ("5520325", "neither a SIREN"),
            ("RCS PARIS B", "neither a SIREN"),
        ):
            with self.subTest(number=number), self.assertRaisesRegex(ValidationError, message):
                self._client(company_registry=number)

    def test_french_vat_must_carry_the_siren(self):
        with self.assertRaisesRegex(
            ValidationError, f"belongs to SIREN {SIREN_DANONE}, not to this client's SIREN"
        ):
            self._client(company_registry=SIRET_AIRBUS, vat=VAT_DANONE)
        client = self._client(company_registry=SIRET_AIRBUS, vat=VAT_AIRBUS)
        self.assertEqual(client.vat, VAT_AIRBUS)

    def test_eu_company_needs_its_vat_number(self):
        germany = self.env.ref("base.de")
        with self.assertRaisesRegex(ValidationError, "intra-community VAT number"):
            self._client(name="Müller GmbH", country_id=germany.id)
        client = self._client(name="Müller GmbH", country_id=germany.id, vat="DE136695976")
        self.assertEqual(client.vat, "DE136695976")
        with self.assertRaisesRegex(ValidationError, "intra-community VAT number"):
            client.vat = False
        # A French company, a private person or a company outside the EU need none.
        self._client(name="SARL Locale")
        self._client(name="Hans Privat", is_company=False, country_id=germany.id)
        self._client(name="Swiss AG", country_id=self.env.ref("base.ch").id)

    def test_second_client_with_same_siren_is_refused_naming_the_first(self):
        with self.assertRaisesRegex(
            ValidationError,
            r"same SIREN \(552032534\) as the existing client Boulangerie Martin",
        ):
            self._client(name="Boulangerie Martin bis", company_registry=SIREN_DANONE)
        self.client.action_archive()
        with self.assertRaisesRegex(ValidationError, r"Boulangerie Martin \(archived\)"):
            self._client(name="Boulangerie Martin bis", company_registry="55203253400018")

    def test_second_client_with_same_vat_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "same VAT number"):
            self._client(name="Autre", vat=VAT_DANONE)

    def test_duplicates_inside_one_batch_are_refused(self):
        count = self.env["res.partner"].search_count([])
        with self.assertRaisesRegex(ValidationError, "same SIREN"):
            self.env["res.partner"].create(
                [
                    {"name": "A", "is_company": True, "company_registry": SIREN_AIRBUS},
                    {"name": "B", "is_company": True, "company_registry": SIRET_AIRBUS},
                ]
            )
        self.assertEqual(self.env["res.partner"].search_count([]), count)

    def test_persons_and_contacts_are_left_alone(self):
        # As Odoo's own duplicate warning: only a second client company is refused (Odoo's
        # own tests create two persons with one VAT number).
        Partner = self.env["res.partner"]
        Partner.create({"name": "Jean Dupont", "vat": VAT_DANONE})
        Partner.create({"name": "Jeanne Dupont", "vat": VAT_DANONE})
        Partner.create({"name": "Service achats", "parent_id": self.client.id})

    def test_an_administrator_records_a_separate_establishment_with_its_own_siret(self):
        lyon_siret = "55203253400018"
        with self.assertRaisesRegex(ValidationError, "separate establishment, with its own SIRET"):
            self._client(name="Martin Lyon", company_registry=lyon_siret, vat=VAT_DANONE)
        establishment = self._client(name="Boulangerie Martin Lyon").with_user(self.manager)
        establishment.write(
            {"company_registry": lyon_siret, "vat": VAT_DANONE, "separate_establishment": True}
        )
        self.assertEqual(establishment.siren, SIREN_DANONE)
        # Its own SIRET, never the head office's, nor the SIREN alone.
        for registry in (SIRET_DANONE, SIREN_DANONE):
            with self.assertRaisesRegex(ValidationError, "same SIREN"):
                establishment.company_registry = registry
        # A dunning user cannot record it: an administrator's decision.
        other = self._client(name="Boulangerie Martin Nice")
        with self.assertRaises(AccessError):
            other.with_user(self.user).write({"separate_establishment": True})

    def test_a_client_is_duplicated_without_its_payer_card(self):
        # By a user without the dunning groups too: nothing restricted is read or copied.
        supplier = self.env["res.partner"].create(
            {"name": "Fournisseur SARL", "is_company": True, "country_id": self.france.id}
        )
        copy = supplier.with_user(self.internal).copy()
        self.assertEqual(copy.name, "Fournisseur SARL (copy)")
        self.client.write({"payer_hour_from": 9, "payer_hour_to": 12})
        copy = self.client.with_user(self.internal).copy().sudo()
        self.assertFalse(copy.payer_id, "the payer contact stays with the original client")
        self.assertEqual(self.client.payer_id.parent_id, self.client)
        self.assertFalse(copy.payer_hour_from)
        self.assertFalse(copy.company_registry or copy.vat, "a copy gets its own identifiers")
        with self.assertRaisesRegex(ValidationError, "same SIREN"):
            copy.company_registry = SIRET_DANONE

    def test_contacts_of_a_client_share_its_identifiers(self):
        contact = self.env["res.partner"].create(
            {"name": "Marc Martin", "parent_id": self.client.id}
        )
        self.assertEqual(contact.vat, VAT_DANONE)
        self.assertEqual(contact.siren, SIREN_DANONE)

    def test_same_siren_in_two_companies_of_the_group_is_allowed(self):
        self.env["res.partner"].create(
            {
                "name": "Boulangerie Martin (Lyon)",
                "is_company": True,
                "company_registry": SIREN_DANONE,
                "company_id": self.other_company.id,
            }
        )

    def test_errors_are_in_french_for_a_french_user(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        Partner = self.env["res.partner"].with_context(lang="fr_FR")
        with self.assertRaisesRegex(ValidationError, "SIRET 55203253400647 n'est pas valide"):
            Partner.create(
                {"name": "Faux", "is_company": True, "company_registry": "55203253400647"}
            )
        with self.assertRaisesRegex(ValidationError, "a le même SIREN"):
            Partner.create({"name": "Copie", "is_company": True, "company_registry": SIREN_DANONE})
