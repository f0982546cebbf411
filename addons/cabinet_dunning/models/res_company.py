from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    dunning_run_date = fields.Date(
        string="Last dunning run",
        readonly=True,
        help="Date of the company's last dunning run. Each run updates it first, which makes "
        "two runs of the same company started at once run one after the other.",
    )

    def _cabinet_lang_env(self):
        """The environment of what the firm writes for itself (run names, chatter notes,
        to-dos): the company's language, whoever or whatever (a cron) writes it."""
        self.ensure_one()
        return self.env(context={**self.env.context, "lang": self.partner_id.lang or self.env.lang})
