from odoo import models

from ..rules import letter_states


class ResUsers(models.Model):
    _inherit = "res.users"

    def _cabinet_terms_to_accept(self):
        """The terms-of-use version this portal user must accept before using the online
        services, or an empty recordset.

        Only portal users of a client with an active letter are asked, once per version: an
        acceptance counts for the text whose fingerprint it recorded.
        """
        self.ensure_one()
        if not self.share:
            return self.env["cabinet.terms.version"]
        Letter = self.env["cabinet.engagement.letter"].sudo()
        letter = Letter.search(
            [
                ("partner_id", "=", self.partner_id.commercial_partner_id.id),
                ("state", "in", list(letter_states.RUNNING)),
            ],
            limit=1,
        )
        if not letter:
            return self.env["cabinet.terms.version"]
        version = self.env["cabinet.terms.version"].sudo()._current(letter.company_id)
        accepted = (
            self.env["cabinet.terms.acceptance"]
            .sudo()
            .search_count(
                [
                    ("user_id", "=", self.id),
                    ("version_id", "=", version.id),
                    ("text_hash", "=", version.text_hash),
                ],
                limit=1,
            )
        )
        return version if version and not accepted else self.env["cabinet.terms.version"]
