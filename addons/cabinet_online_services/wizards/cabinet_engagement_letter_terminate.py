from odoo import fields, models


class CabinetEngagementLetterTerminate(models.TransientModel):
    _name = "cabinet.engagement.letter.terminate"
    _description = "Terminate engagement letters"

    letter_ids = fields.Many2many(
        "cabinet.engagement.letter",
        "cabinet_letter_terminate_rel",
        "wizard_id",
        "letter_id",
        required=True,
    )
    termination_date = fields.Date(
        string="Last day of service", required=True, default=fields.Date.context_today
    )
    reason = fields.Text(required=True)

    def action_terminate(self):
        self.ensure_one()
        self.letter_ids.terminate(self.termination_date, self.reason)
        return {"type": "ir.actions.act_window_close"}
