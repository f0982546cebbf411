from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import OnlineServicesCase


@tagged("post_install", "-at_install")
class TestLetterAccess(OnlineServicesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_letters()
        cls.letter.action_send()
        cls.other_letter = cls.env["cabinet.engagement.letter"].create(
            cls._letter_vals(cls.other_client)
        )
        cls.other_letter.action_send()

    def test_user_draws_up_letters_but_only_managers_delete_them(self):
        Letter = self.env["cabinet.engagement.letter"].with_user(self.user)
        letter = Letter.create(self._letter_vals(self.client))
        letter.special_conditions = "<p>Remise de bienvenue</p>"
        with self.assertRaises(AccessError):
            letter.unlink()
        letter.with_user(self.manager).unlink()
        self.assertFalse(letter.exists())

    def test_portal_user_reads_only_its_own_sent_letters(self):
        Letter = self.env["cabinet.engagement.letter"].with_user(self.client_portal_user)
        self.assertEqual(Letter.search([]), self.letter)
        self.assertEqual(Letter.browse(self.letter.id).line_ids.mapped("price_unit"), [30.0, 40.0])
        with self.assertRaises(AccessError):
            Letter.browse(self.other_letter.id).read(["name"])
        with self.assertRaises(AccessError):
            Letter.browse(self.letter.id).write({"billing_day": 1})
        draft = self.env["cabinet.engagement.letter"].create(self._letter_vals(self.client))
        self.assertNotIn(draft, Letter.search([]), "a draft is not shown to the client")

    def test_portal_user_cannot_record_an_acceptance_directly(self):
        with self.assertRaises(AccessError):
            self.env["cabinet.terms.acceptance"].with_user(self.client_portal_user).create(
                {
                    "user_id": self.client_portal_user.id,
                    "partner_id": self.client.id,
                    "version_id": self.terms.id,
                    "accepted_datetime": "2026-01-01 10:00:00",
                    "text_hash": "forged",
                }
            )

    def test_other_company_sees_no_letter_of_this_company(self):
        Letter = self.env["cabinet.engagement.letter"].with_user(self.other_company_user)
        self.assertFalse(Letter.search([]))
        with self.assertRaises(AccessError):
            Letter.browse(self.letter.id).read(["name"])

    def test_internal_user_without_the_group_sees_no_letter(self):
        with self.assertRaises(AccessError):
            self.env["cabinet.engagement.letter"].with_user(self.internal_user).search([])
