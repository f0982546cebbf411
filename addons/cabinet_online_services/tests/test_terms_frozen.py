import odoorpc

from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from .common import OnlineServicesCase


@tagged("post_install", "-at_install")
class TestTermsFrozen(OnlineServicesCase, HttpCase):
    """A published text of the terms of use never changes, whoever asks and however: clients
    are bound to the text they saw."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_letters()
        cls._valid_mandate(cls.client)
        cls._activate(cls.letter)
        cls.text_hash = cls.terms.text_hash

    def _assert_untouched(self):
        self.env.invalidate_all()
        self.assertEqual(
            (self.terms.state, self.terms.text_hash, self.terms.body),
            ("published", self.text_hash, "<p>Conditions générales d'utilisation 2026.</p>"),
        )

    def test_nobody_changes_a_published_version_through_the_orm(self):
        attempts = [
            {"state": "draft"},
            {"body": "<p>Autre texte</p>"},
            {"text_hash": "0" * 64},
            {"published_datetime": "2020-01-01 00:00:00"},
            {"name": "CGU révisées"},
        ]
        for env in (self.env, self.env(su=True), self.env(user=self.manager)):
            for vals in attempts:
                with self.subTest(user=env.user.login, vals=vals):
                    with self.assertRaisesRegex(UserError, "cannot be changed"):
                        self.terms.with_env(env).write(vals)
        self._assert_untouched()

    def test_a_manager_over_rpc_can_neither_unpublish_nor_rewrite(self):
        with self._odoorpc("os_manager") as rpc:
            for vals in (
                {"state": "draft"},
                {"body": "<p>Autre texte</p>"},
                {"text_hash": "0" * 64},
            ):
                with self.assertRaises(odoorpc.error.RPCError) as refused:
                    rpc.execute_kw("cabinet.terms.version", "write", [self.terms.ids, vals])
                self.assertIn("cannot be changed", str(refused.exception))
            # Nor can a context key passed by the caller open the door.
            with self.assertRaises(odoorpc.error.RPCError):
                rpc.execute_kw(
                    "cabinet.terms.version", "write", [self.terms.ids, {"state": "draft"}],
                    {"context": {"cabinet_terms_transition": True}},
                )  # fmt: skip
        self._assert_untouched()

    def test_a_version_is_published_only_with_its_button(self):
        Version = self.env["cabinet.terms.version"].with_user(self.manager)
        with self.assertRaisesRegex(UserError, "Publish button"):
            Version.create({"name": "CGU 2027", "body": "<p>2027</p>", "state": "published"})
        draft = Version.create({"name": "CGU 2027", "body": "<p>2027</p>"})
        with self.assertRaisesRegex(UserError, "Publish button"):
            draft.write({"state": "published", "text_hash": self.text_hash})
        copy = self.terms.copy()
        self.assertEqual((copy.state, copy.text_hash), ("draft", False))
        draft.action_publish()
        self.assertEqual(draft.text_hash, Version._hash_text("<p>2027</p>"))
        self.assertEqual(self.terms.state, "superseded")

    def test_an_acceptance_counts_for_the_text_it_recorded(self):
        user = self.client_portal_user
        self.env["cabinet.terms.acceptance"]._record(user, self.terms, "10.1.2.3")
        self.assertFalse(user._cabinet_terms_to_accept())
        # Were the fingerprint ever changed behind the ORM, the client is asked again.
        self.env.cr.execute(
            "UPDATE cabinet_terms_version SET text_hash = %s WHERE id = %s",
            ["f" * 64, self.terms.id],
        )
        self.env.invalidate_all()
        self.assertEqual(user._cabinet_terms_to_accept(), self.terms)
