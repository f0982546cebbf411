from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date


class CabinetDunningRunWizard(models.TransientModel):
    """Run the dunning now, for a date: says when a run was already made that day and asks
    for confirmation before running again (which proposes nothing already proposed)."""

    _name = "cabinet.dunning.run.wizard"
    _description = "Run the dunning"

    run_date = fields.Date(string="Date", required=True, default=fields.Date.context_today)
    same_date_run_ids = fields.Many2many(
        "cabinet.dunning.run", string="Runs of that date", compute="_compute_same_date_run_ids"
    )
    same_date_run_count = fields.Integer(
        string="Runs already made that day", compute="_compute_same_date_run_ids"
    )

    @api.depends("run_date")
    @api.depends_context("company")
    def _compute_same_date_run_ids(self):
        for wizard in self:
            runs = self.env["cabinet.dunning.run"]._same_date_runs(wizard.run_date)
            wizard.same_date_run_ids = runs
            wizard.same_date_run_count = len(runs)

    def action_run(self):
        self.ensure_one()
        today = fields.Date.context_today(self)
        if self.run_date > today:
            raise UserError(
                self.env._(
                    "A dunning run is dated today or earlier (a run dated %(date)s would remind "
                    "invoices that are not overdue yet).",
                    date=format_date(self.env, self.run_date),
                )
            )
        run_id = self.env["cabinet.dunning.run"].run_dunning(self.run_date)
        return self.env["cabinet.dunning.run"].browse(run_id).action_open_run()
