from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .cabinet_doubtful_debt import DEFAULT_ACCOUNTS

# The account types each role accepts (prefixes of account.account.account_type).
DOUBTFUL_ACCOUNT_KINDS = {
    "doubtful_account_id": ("asset_current",),
    "doubtful_provision_account_id": ("asset_current",),
    "doubtful_expense_account_id": ("expense",),
    "doubtful_reversal_account_id": ("income",),
    "bad_debt_account_id": ("expense",),
    "bad_debt_prior_account_id": ("expense",),
}


class ResCompany(models.Model):
    _inherit = "res.company"

    dunning_run_date = fields.Date(
        string="Last dunning run",
        readonly=True,
        help="Date of the company's last dunning run. Each run updates it first, which makes "
        "two runs of the same company started at once run one after the other.",
    )

    dunning_report_recipients = fields.Selection(
        [
            ("both", "The collection managers, and each responsible for their clients"),
            ("managers", "The collection managers"),
            ("responsibles", "Each responsible chartered accountant, for their clients"),
            ("none", "Nobody"),
        ],
        string="Monthly collection report",
        default="both",
        required=True,
        help="Who receives the collection dashboard of the month gone by, as a PDF, on the "
        "first day of each month: the collection managers get all the clients, each "
        "responsible chartered accountant their own.",
    )
    dunning_report_month = fields.Date(
        string="Last monthly report",
        readonly=True,
        help="First day of the last month whose collection report was sent.",
    )

    doubtful_account_id = fields.Many2one(
        "account.account", string="Doubtful clients", help="Default: 416 of the French chart."
    )
    doubtful_provision_account_id = fields.Many2one(
        "account.account", string="Provision for doubtful debts", help="Default: 491."
    )
    doubtful_expense_account_id = fields.Many2one(
        "account.account", string="Provision expense", help="Default: 6817 (681740)."
    )
    doubtful_reversal_account_id = fields.Many2one(
        "account.account", string="Provision reversal", help="Default: 7817 (781740)."
    )
    bad_debt_account_id = fields.Many2one(
        "account.account", string="Bad debts of the year", help="Default: 6541."
    )
    bad_debt_prior_account_id = fields.Many2one(
        "account.account", string="Bad debts of earlier years", help="Default: 6544."
    )

    @api.constrains(*DEFAULT_ACCOUNTS)
    def _check_doubtful_accounts(self):
        """Each role on an account of its kind: 416 and 491 on the balance sheet (not the
        client account itself), provision and losses in expenses, the reversal in income."""
        for company in self:
            wrong = [
                company._fields[name]._description_string(self.env)
                for name, kinds in DOUBTFUL_ACCOUNT_KINDS.items()
                if company[name] and not company[name].account_type.startswith(kinds)
            ]
            if wrong:
                raise ValidationError(
                    self.env._(
                        "These doubtful-debt accounts are not of their kind (416 and 491: "
                        "current assets, not the client account; 6817, 654: expenses; 7817: "
                        "income): %(accounts)s.",
                        accounts=", ".join(wrong),
                    )
                )

    def _cabinet_doubtful_accounts(self):
        """{role: account} of the doubtful-debt entries: the company's own choice, else
        the French chart's account."""
        self.ensure_one()
        ChartTemplate = self.env["account.chart.template"].with_company(self)
        accounts, missing = {}, []
        for field_name, xmlid in DEFAULT_ACCOUNTS.items():
            account = self[field_name] or ChartTemplate.ref(xmlid, raise_if_not_found=False)
            if not account:
                missing.append(self._fields[field_name]._description_string(self.env))
            accounts[field_name] = account
        if missing:
            raise UserError(
                self.env._(
                    "Choose the accounts of doubtful debts in the Accounting settings "
                    "(Collection): %(accounts)s.",
                    accounts=", ".join(missing),
                )
            )
        return accounts

    def _cabinet_lang_env(self):
        """The environment of what the firm writes for itself (run names, chatter notes,
        to-dos): the company's language, whoever or whatever (a cron) writes it."""
        self.ensure_one()
        return self.env(context={**self.env.context, "lang": self.partner_id.lang or self.env.lang})
