from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    cabinet_doubtful_debt_id = fields.Many2one(
        "cabinet.doubtful.debt",
        string="Doubtful debt",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The doubtful debt this entry classes, writes off or recovers.",
    )


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    cabinet_doubtful_role = fields.Selection(
        [
            ("transfer", "Moved between the client account and doubtful clients"),
            ("doubtful", "Doubtful clients"),
            ("provision", "Provision"),
            ("loss", "Bad debt"),
        ],
        string="Doubtful debt role",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="What the line of a doubtful-debt entry books; the collection dashboard reads "
        "its doubtful, provision and write-off figures from these lines. The client-account "
        "lines it moves are not credits for the dunning (the invoices are still due).",
    )
    cabinet_doubtful_invoice_id = fields.Many2one(
        "account.move",
        string="Doubtful invoice",
        readonly=True,
        copy=False,
        help="The invoice whose amount this client-account line moves to or from doubtful clients.",
    )
