import hashlib

from odoo import api, fields, models
from odoo.exceptions import UserError

# What is frozen once a version is published; state, date and fingerprint are written by
# ``action_publish`` only (marked with this object, which no RPC call can pass).
FROZEN_FIELDS = {"name", "body", "company_id", "text_hash", "published_datetime", "state"}
_TRANSITION = object()


class CabinetTermsVersion(models.Model):
    """A version of the terms of use (CGU) of the online services.

    Once published, a version is frozen: its text is what clients accept, and its hash is
    kept with every acceptance.
    """

    _name = "cabinet.terms.version"
    _description = "Terms of use version"
    _inherit = ["mail.thread"]
    _order = "published_datetime desc, id desc"

    name = fields.Char(required=True, tracking=True)
    body = fields.Html(string="Text", required=True, sanitize=True)
    state = fields.Selection(
        [("draft", "Draft"), ("published", "Published"), ("superseded", "Superseded")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
    )
    published_datetime = fields.Datetime(string="Published on", readonly=True, copy=False)
    text_hash = fields.Char(
        string="Text fingerprint",
        readonly=True,
        copy=False,
        help="SHA-256 of the published text, recorded with each acceptance.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    acceptance_count = fields.Integer(compute="_compute_acceptance_count")

    def _compute_acceptance_count(self):
        counts = dict(
            self.env["cabinet.terms.acceptance"]._read_group(
                [("version_id", "in", self.ids)], ["version_id"], ["__count"]
            )
        )
        for version in self:
            version.acceptance_count = counts.get(version, 0)

    @api.model
    def _hash_text(self, body):
        return hashlib.sha256((body or "").encode()).hexdigest()

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if (
                vals.get("state", "draft") != "draft"
                or vals.get("text_hash")
                or vals.get("published_datetime")
            ):
                raise UserError(self._publish_with_its_button_message())
        return super().create(vals_list)

    def _publish_with_its_button_message(self):
        return self.env._(
            "A version of the terms of use is published with its Publish button, which records "
            "its date and the fingerprint of its text."
        )

    def write(self, vals):
        # Refused for every user, the superuser included: clients are bound to this text.
        if self.env.context.get("cabinet_terms_transition") is not _TRANSITION:
            published = FROZEN_FIELDS & set(vals) and any(v.state != "draft" for v in self)
            if published:
                raise UserError(
                    self.env._(
                        "A published version of the terms of use cannot be changed: clients "
                        "have accepted this text. Write a new version and publish it."
                    )
                )
            if {"state", "text_hash", "published_datetime"} & set(vals):
                raise UserError(self._publish_with_its_button_message())
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_published(self):
        if any(version.state != "draft" for version in self):
            raise UserError(
                self.env._(
                    "A published version of the terms of use cannot be deleted: it is the "
                    "record of what clients accepted."
                )
            )

    def action_publish(self):
        """Publish this version: it becomes the one every client user must accept."""
        for version in self:
            if version.state != "draft":
                raise UserError(
                    self.env._("%(version)s is already published.", version=version.name)
                )
            previous = self.search(
                [("company_id", "=", version.company_id.id), ("state", "=", "published")]
            )
            previous.with_context(cabinet_terms_transition=_TRANSITION).state = "superseded"
            version.with_context(cabinet_terms_transition=_TRANSITION).write(
                {
                    "state": "published",
                    "published_datetime": fields.Datetime.now(),
                    "text_hash": self._hash_text(version.body),
                }
            )
        return True

    @api.model
    def _current(self, company):
        return self.search([("company_id", "=", company.id), ("state", "=", "published")], limit=1)
