from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    dunning_run_date = fields.Date(
        string="Last dunning run",
        readonly=True,
        help="Date of the company's last dunning run. Each run updates it first, which makes "
        "two runs of the same company started at once run one after the other.",
    )
