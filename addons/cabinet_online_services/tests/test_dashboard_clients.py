from datetime import date

from odoo.tests import tagged

from .common import OnlineServicesCase


@tagged("post_install", "-at_install")
class TestDashboardClosedClients(OnlineServicesCase):
    """The collection dashboard counts the clients whose last engagement letter ended in the
    period (and lists them)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_billable_letter()

    def _figures(self, **filters):
        return self.env["cabinet.dunning.dashboard"].get_figures(
            {"date_from": "2027-01-01", "date_to": "2027-01-31", **filters}
        )

    def test_a_client_whose_last_letter_ended_is_closed(self):
        self.assertEqual(self._figures()["clients"]["closed"], 0)
        self.letter.terminate("2027-01-15", "Départ du client")
        figures = self._figures()
        self.assertEqual(figures["clients"]["closed"], 1)
        self.assertEqual(figures["clients"]["closed_ids"], self.client.ids)
        action = self.env["cabinet.dunning.dashboard"].open_list(
            "closed_clients", False, {"date_from": "2027-01-01", "date_to": "2027-01-31"}
        )
        self.assertEqual(self.env["res.partner"].search(action["domain"]), self.client)
        self.assertEqual(self._figures(date_to="2027-01-10")["clients"]["closed"], 0)

    def test_a_client_still_engaged_by_another_letter_is_not_closed(self):
        other = self.env["cabinet.engagement.letter"].create(
            self._letter_vals(self.client, start_date=date(2027, 1, 1), payment_mode_id=False)
        )
        self._activate(other)
        self.letter.terminate("2027-01-15", "Nouvelle lettre de mission")
        self.assertEqual(self._figures()["clients"]["closed"], 0)
