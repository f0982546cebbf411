from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..rules import letter_states
from .cabinet_engagement_letter import by_action, is_action


class CabinetEngagementAmendment(models.Model):
    """An amendment (avenant): the services of a letter from a date on."""

    _name = "cabinet.engagement.amendment"
    _description = "Engagement letter amendment"
    _order = "letter_id, effective_date, id"

    name = fields.Char(compute="_compute_name", store=True)
    letter_id = fields.Many2one(
        "cabinet.engagement.letter", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="letter_id.company_id", store=True)
    effective_date = fields.Date(string="Applies from", required=True)
    reason = fields.Text(required=True)
    line_ids = fields.One2many(
        "cabinet.engagement.amendment.line", "amendment_id", string="Services from that date"
    )
    state = fields.Selection(
        [("draft", "Draft"), ("applied", "Applied")], default="draft", required=True
    )
    applied_datetime = fields.Datetime(string="Applied on", readonly=True)

    @api.depends("letter_id", "effective_date")
    def _compute_name(self):
        for amendment in self:
            amendment.name = self.env._(
                "Amendment of %(date)s to %(letter)s",
                date=amendment.effective_date,
                letter=amendment.letter_id.name,
            )

    @api.model_create_multi
    def create(self, vals_list):
        if not is_action(self) and any(
            vals.get("state", "draft") != "draft" or vals.get("applied_datetime")
            for vals in vals_list
        ):
            raise UserError(self._applied_by_its_button_message())
        return super().create(vals_list)

    def write(self, vals):
        if not is_action(self):
            if {"state", "applied_datetime"} & set(vals):
                raise UserError(self._applied_by_its_button_message())
            applied = self.filtered(lambda amendment: amendment.state == "applied")
            if applied:
                raise UserError(
                    self.env._(
                        "%(name)s is applied: it is the record of what changed, and stays as "
                        "it is. Draw up a new amendment.",
                        name=applied[0].name,
                    )
                )
        return super().write(vals)

    def _applied_by_its_button_message(self):
        return self.env._("An amendment is applied with its Apply button, once.")

    def action_apply(self):
        for amendment in by_action(self):
            amendment._apply()
        return True

    def _apply(self):
        self.ensure_one()
        letter = self.letter_id
        if self.state != "draft":
            raise UserError(self.env._("%(name)s is already applied.", name=self.name))
        if letter.state not in letter_states.BINDING:
            raise UserError(
                self.env._(
                    "%(letter)s is not signed, or has ended: change it directly, or draw up a "
                    "new letter.",
                    letter=letter.name,
                )
            )
        if self.effective_date <= letter.start_date:
            raise UserError(
                self.env._(
                    "An amendment applies after the letter's start (%(start)s); to change the "
                    "services from the start, edit the letter before it is signed.",
                    start=letter.start_date,
                )
            )
        running = letter._lines_at(self.effective_date) | letter.line_ids.filtered(
            lambda line: line.date_start > self.effective_date
        )
        kept = self.env["cabinet.engagement.letter.line"]
        new_lines = []
        for wanted in self.line_ids:
            same = (running - kept).filtered(
                lambda line, wanted=wanted: (
                    line.product_id == wanted.product_id
                    and line.quantity == wanted.quantity
                    and line.price_unit == wanted.price_unit
                    and line.date_start <= self.effective_date
                )
            )[:1]
            if same:
                kept |= same
            else:
                new_lines.append(wanted._prepare_letter_line_vals())
        ended = running - kept
        # A line that had not started yet is replaced outright; the others end the day before.
        not_started = ended.filtered(lambda line: line.date_start >= self.effective_date)
        (ended - not_started).write({"date_end": self.effective_date - timedelta(days=1)})
        not_started.unlink()
        self.env["cabinet.engagement.letter.line"].create(new_lines)
        self.write({"state": "applied", "applied_datetime": fields.Datetime.now()})
        letter.message_post(
            body=self.env._(
                "%(name)s: %(ended)s service(s) ended on %(end)s, %(added)s started. Reason: "
                "%(reason)s",
                name=self.name,
                ended=len(ended),
                end=self.effective_date - timedelta(days=1),
                added=len(new_lines),
                reason=self.reason,
            )
        )
