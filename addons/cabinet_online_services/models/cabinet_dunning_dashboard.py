from odoo import models

from ..rules import letter_states


class CabinetDunningDashboard(models.AbstractModel):
    """The collection dashboard counts, with the engagement letters, the client accounts
    closed in the period: clients whose last letter ended then."""

    _inherit = "cabinet.dunning.dashboard"

    def _client_accounts(self, checked):
        accounts = super()._client_accounts(checked)
        Letter = self.env["cabinet.engagement.letter"].sudo()
        base = [("company_id", "=", checked["company"].id), *self._clients_condition(checked)]
        ended = Letter._read_group(
            base + [("state", "=", letter_states.TERMINATED),
                    ("termination_date", ">=", checked["date_from"]),
                    ("termination_date", "<=", checked["date_to"])],
            ["partner_id"],
        )  # fmt: skip
        still_engaged = Letter._read_group(
            base + [("partner_id", "in", [partner.id for (partner,) in ended]),
                    ("state", "in", (letter_states.ACTIVE, letter_states.SUSPENDED))],
            ["partner_id"],
        )  # fmt: skip
        closed = {partner.id for (partner,) in ended} - {p.id for (p,) in still_engaged}
        accounts.update(closed=len(closed), closed_ids=sorted(closed))
        return accounts

    def _list_builders(self):
        return {**super()._list_builders(), "closed_clients": self._list_closed_clients}

    def _list_closed_clients(self, checked, key):
        name = self.env._("Clients whose engagement ended")
        domain = [("id", "in", self._client_accounts(checked)["closed_ids"])]
        return name, "res.partner", domain, {}
