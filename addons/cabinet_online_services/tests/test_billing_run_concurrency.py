"""Two billing runs of one company at the same moment: two real database cursors, as two
Odoo workers (the cron and an integrator, two integrators) would have."""

import threading
import time
from contextlib import contextmanager

from odoo import SUPERUSER_ID, api
from odoo.tests import tagged
from odoo.tests.common import TransactionCase

from ..models.cabinet_billing_run import BillingRunBusy


@tagged("post_install", "-at_install")
class TestBillingRunConcurrency(TransactionCase):
    def _runs(self, env):
        return env["cabinet.billing.run"].search_count([("company_id", "=", env.company.id)])

    @contextmanager
    def _another_run_going_on(self):
        """A run in progress in another worker: it holds its company's run lock, in its own
        cursor, until the block ends."""
        started, release = threading.Event(), threading.Event()

        def other_run():
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["cabinet.billing.run"]._lock_company_runs(env.company)
                started.set()
                release.wait(60)
                cr.rollback()

        thread = threading.Thread(target=other_run)
        thread.start()
        try:
            self.assertTrue(started.wait(60))
            yield
        finally:
            release.set()
            thread.join(60)

    def test_a_second_run_answers_at_once_that_one_is_going_on(self):
        with self._another_run_going_on():
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {"lang": "en_US"})
                before = self._runs(env)
                began = time.monotonic()
                with self.assertRaisesRegex(BillingRunBusy, "already running"):
                    env["cabinet.billing.run"].run_billing("2026-11-25")
                self.assertLess(time.monotonic() - began, 5, "answered at once, no waiting")
                self.assertEqual(self._runs(env), before, "nothing written")
                cr.rollback()
        # Once the first run has ended, a run goes ahead.
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            result = env["cabinet.billing.run"].run_billing("2026-11-25")
            self.assertTrue(result["run_id"])
            cr.rollback()

    def test_a_queued_run_of_a_busy_company_stays_queued(self):
        run = self.env["cabinet.billing.run"].create({"state": "queued", "trigger": "cron"})
        with self._another_run_going_on():
            with self.assertRaises(BillingRunBusy):
                run._process(commit=False)
            self.assertEqual(run.state, "queued", "left for the next cron run")
