import threading
from contextlib import contextmanager

import odoorpc

from odoo import SUPERUSER_ID, api
from odoo.tests import get_db_name, new_test_user, tagged
from odoo.tests.common import TransactionCase


def at_once(registry, work, context=None):
    """Run ``work(env)`` in two threads, each with its own cursor and snapshot, started
    together, as two Odoo workers (or two RPC calls) would; returns (results, errors)."""
    barrier = threading.Barrier(2, timeout=60)
    results, errors = [], []

    def worker():
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, dict(context or {}))
            cr.execute("SELECT 1")  # each worker takes its snapshot before the other ends
            barrier.wait()
            try:
                results.append(work(env))
            except Exception as error:  # noqa: BLE001 - reported to the test
                errors.append(error)

    threads = [threading.Thread(target=worker) for __ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    return results, errors


# Real identifiers of well-known French companies (public SIRENE data).
SIREN_DANONE = "552032534"
SIRET_DANONE = "55203253400646"
VAT_DANONE = "FR27552032534"
SIREN_AIRBUS = "383474814"
SIRET_AIRBUS = "38347481400100"
VAT_AIRBUS = "FR89383474814"


class CabinetTestMixin:
    """What the tests of both addons share: both languages, savepoint-safe message checks,
    and an odoorpc session for the integrator tests (in an HttpCase)."""

    @classmethod
    def _setup_cabinet_env(cls):
        cls.env = cls.env(context={**cls.env.context, "tracking_disable": True})
        # Messages are checked in both languages, whichever the database was created with.
        cls.env["res.lang"]._activate_lang("en_US")
        cls.env["res.lang"]._activate_lang("fr_FR")

    @contextmanager
    def assertRaisesRegex(self, exception, expected_regex, msg=None):
        """Odoo's assertRaises (which rolls back to a savepoint) with the message checked, so
        a test can also assert that nothing of the refused operation was written."""
        with self.assertRaises(exception, msg=msg) as caught:
            yield caught
        self.assertRegex(str(caught.exception), expected_regex)

    def _send_queued_reminders(self):
        """Run the sending cron as the scheduler would (its own cursor, committed chunks)."""
        self.env.flush_all()
        with self.enter_registry_test_mode():
            self.env.ref("cabinet_dunning.ir_cron_dunning_send").method_direct_trigger()
        self.env.invalidate_all()

    @contextmanager
    def _odoorpc(self, login):
        """An odoorpc session of ``login`` (the password Odoo's ``new_test_user`` gives: the
        login, padded to 8 characters with "x") on the test server, which shares the test's
        transaction: Odoo's HttpCase serves only the requests it allows."""
        self.env.flush_all()
        with self.allow_requests(all_requests=True):
            client = odoorpc.ODOO(
                "127.0.0.1", protocol="jsonrpc", port=self.http_port(), timeout=60
            )
            client.login(get_db_name(), login, login + "x" * (8 - len(login)))
            yield client
        self.env.invalidate_all()


@tagged("post_install", "-at_install")
class CabinetDunningCase(CabinetTestMixin, TransactionCase):
    """A French firm with a user per role, a second company and a portal client."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_cabinet_env()
        cls.france = cls.env.ref("base.fr")
        cls.company = cls.env.company
        cls.company.country_id = cls.france
        cls.other_company = cls.env["res.company"].create(
            {"name": "Cabinet Lyon", "country_id": cls.france.id}
        )
        cls.user = new_test_user(
            cls.env,
            login="dunning_user",
            lang="en_US",
            groups="cabinet_dunning.group_dunning_user",
        )
        cls.manager = new_test_user(
            cls.env,
            login="dunning_manager",
            groups="cabinet_dunning.group_dunning_manager",
        )
        cls.internal = new_test_user(
            cls.env, login="internal", groups="base.group_user,base.group_partner_manager"
        )
        cls.other_company_user = new_test_user(
            cls.env,
            login="lyon_user",
            groups="cabinet_dunning.group_dunning_user",
            company_id=cls.other_company.id,
            company_ids=[cls.other_company.id],
        )
        cls.client = cls.env["res.partner"].create(
            {
                "name": "Boulangerie Martin",
                "is_company": True,
                "country_id": cls.france.id,
                "company_registry": SIRET_DANONE,
                "vat": VAT_DANONE,
                "company_id": cls.company.id,
                "payer_name": "Claire Martin",
                "payer_function": "Gérante",
                "payer_email": "claire.martin@boulangerie-martin.fr",
            }
        )
        cls.portal_client = cls.env["res.partner"].create(
            {"name": "Garage Dupont", "is_company": True, "country_id": cls.france.id}
        )
        cls.portal_user = new_test_user(
            cls.env,
            login="portal_dupont",
            groups="base.group_portal",
            partner_id=cls.env["res.partner"]
            .create({"name": "Paul Dupont", "parent_id": cls.portal_client.id})
            .id,
        )
