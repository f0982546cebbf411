from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import OnlineServicesCase


@tagged("post_install", "-at_install")
class TestTermsOfUse(OnlineServicesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_letters()
        cls._valid_mandate(cls.client)
        cls._activate(cls.letter)

    def test_publishing_freezes_the_text_and_supersedes_the_previous_version(self):
        self.assertEqual(len(self.terms.text_hash), 64)
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            self.terms.body = "<p>Autre texte</p>"
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            self.terms.unlink()
        new = self.env["cabinet.terms.version"].create({"name": "CGU 2027", "body": "<p>2027</p>"})
        new.action_publish()
        self.assertEqual(self.terms.state, "superseded")
        self.assertEqual(self.env["cabinet.terms.version"]._current(self.company), new)

    def test_portal_user_must_accept_each_new_version(self):
        user = self.client_portal_user
        self.assertEqual(user._cabinet_terms_to_accept(), self.terms)
        acceptance = self.env["cabinet.terms.acceptance"]._record(user, self.terms, "10.1.2.3")
        self.assertEqual(acceptance.partner_id, self.client)
        self.assertEqual(acceptance.text_hash, self.terms.text_hash)
        self.assertEqual(acceptance.ip_address, "10.1.2.3")
        self.assertFalse(user._cabinet_terms_to_accept())
        new = self.env["cabinet.terms.version"].create({"name": "CGU 2027", "body": "<p>2027</p>"})
        new.action_publish()
        self.assertEqual(user._cabinet_terms_to_accept(), new)

    def test_only_clients_with_an_active_letter_are_asked(self):
        self.assertFalse(self.user._cabinet_terms_to_accept(), "internal users are not asked")
        stranger = new_test_user(
            self.env,
            login="stranger_portal",
            groups="base.group_portal",
            partner_id=self.env["res.partner"]
            .create({"name": "Paul Dupont", "parent_id": self.other_client.id})
            .id,
        )
        self.assertFalse(stranger._cabinet_terms_to_accept())
        self.letter.action_suspend()
        self.assertFalse(self.client_portal_user._cabinet_terms_to_accept())

    def test_acceptances_can_be_neither_changed_nor_deleted_by_anyone(self):
        acceptance = self.env["cabinet.terms.acceptance"]._record(
            self.client_portal_user, self.terms, "10.1.2.3"
        )
        everyone = (
            self.env,
            self.env(su=True),
            self.env(user=self.manager),
            self.env(user=self.user),
            self.env(user=self.client_portal_user),
        )
        for env in everyone:
            with self.assertRaisesRegex(UserError, "neither changed nor deleted"):
                acceptance.with_env(env).write({"ip_address": "0.0.0.0"})
        for env in everyone[:2]:
            with self.assertRaisesRegex(UserError, "neither changed nor deleted"):
                acceptance.with_env(env).unlink()
        for env in everyone[2:]:
            with self.assertRaises(AccessError):
                acceptance.with_env(env).unlink()
        self.assertEqual(acceptance.ip_address, "10.1.2.3")
        self.assertTrue(acceptance.exists())

    def test_only_the_published_version_can_be_accepted(self):
        draft = self.env["cabinet.terms.version"].create({"name": "Brouillon", "body": "<p>x</p>"})
        with self.assertRaisesRegex(UserError, "Only the published terms"):
            self.env["cabinet.terms.acceptance"]._record(self.client_portal_user, draft, "::1")
