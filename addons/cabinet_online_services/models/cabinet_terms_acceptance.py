from odoo import api, fields, models
from odoo.exceptions import UserError


class CabinetTermsAcceptance(models.Model):
    """The record that a user accepted a version of the terms of use. Never altered."""

    _name = "cabinet.terms.acceptance"
    _description = "Terms of use acceptance"
    _order = "accepted_datetime desc, id desc"
    _rec_name = "version_id"

    user_id = fields.Many2one("res.users", required=True, readonly=True, index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Client", required=True, readonly=True, index=True
    )
    version_id = fields.Many2one(
        "cabinet.terms.version", required=True, readonly=True, index=True, ondelete="restrict"
    )
    company_id = fields.Many2one(related="version_id.company_id", store=True)
    accepted_datetime = fields.Datetime(string="Accepted on", required=True, readonly=True)
    ip_address = fields.Char(string="IP address", readonly=True)
    text_hash = fields.Char(string="Fingerprint of the accepted text", required=True, readonly=True)

    _user_version_unique = models.Constraint(
        "UNIQUE(user_id, version_id)", "A user accepts a version of the terms of use once."
    )

    def write(self, vals):  # pylint: disable=method-required-super
        # Never written, by design: there is no super() to call.
        raise UserError(
            self.env._(
                "An acceptance of the terms of use is evidence: it can be neither changed nor "
                "deleted."
            )
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            self.env._(
                "An acceptance of the terms of use is evidence: it can be neither changed nor "
                "deleted."
            )
        )

    @api.model
    def _record(self, user, version, ip_address):
        """Record that ``user`` accepts ``version`` now, from ``ip_address``."""
        if version.state != "published":
            raise UserError(self.env._("Only the published terms of use can be accepted."))
        return self.sudo().create(
            {
                "user_id": user.id,
                "partner_id": user.partner_id.commercial_partner_id.id,
                "version_id": version.id,
                "accepted_datetime": fields.Datetime.now(),
                "ip_address": ip_address,
                "text_hash": version.text_hash,
            }
        )
