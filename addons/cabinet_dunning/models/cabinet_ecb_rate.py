from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CabinetEcbRate(models.Model):
    """The ECB main refinancing rate in force on 1 January or 1 July, used for late interest."""

    _name = "cabinet.ecb.rate"
    _description = "ECB refinancing rate by half-year"
    _order = "semester_start desc"
    _rec_name = "semester_start"

    semester_start = fields.Date(string="Half-year starting on", required=True)
    rate = fields.Float(string="ECB rate (%)", digits=(5, 2), required=True)

    _rate_positive = models.Constraint(
        "CHECK(rate >= 0)", "An ECB rate for late interest cannot be negative."
    )
    _semester_unique = models.Constraint(
        "UNIQUE(semester_start)", "Each half-year has one ECB rate."
    )

    @api.constrains("semester_start")
    def _check_semester_start(self):
        for record in self:
            start = record.semester_start
            if (start.month, start.day) not in ((1, 1), (7, 1)):
                raise ValidationError(
                    self.env._("A half-year starts on 1 January or 1 July, not on %(date)s.",
                               date=start)
                )  # fmt: skip

    @api.model_create_multi
    def create(self, vals_list):
        rates = super().create(vals_list)
        self.env["cabinet.dunning.run"]._refresh_proposed_penalties()
        return rates

    def write(self, vals):
        result = super().write(vals)
        self.env["cabinet.dunning.run"]._refresh_proposed_penalties()
        return result

    @api.model
    def _rates(self):
        """{semester start: rate} for the late-payment rules."""
        return {record.semester_start: record.rate for record in self.search([])}
