from odoo import api, fields, models
from odoo.exceptions import UserError

OPEN_LITIGATION_STATES = ("to_hand_over", "in_progress", "decision")

PROCEDURES = [
    ("payment_order", "Injonction de payer"),
    ("collection_agency", "Collection agency"),
    ("summary_proceedings", "Référé-provision"),
    ("lawyer", "Lawyer (action on the merits)"),
]


class CabinetDunningLitigation(models.Model):
    """A client's debt handed over to litigation once reminders are over: the procedure
    (injonction de payer, collection agency...), who handles it, and its follow-up until the
    money is recovered or written off.

    Opened by the dunning run when a client reaches a litigation level; the client stays
    blocked from reminders while its file is open.
    """

    _name = "cabinet.dunning.litigation"
    _description = "Litigation file"
    _inherit = ["mail.thread", "mail.activity.mixin", "cabinet.dunning.guarded"]
    _order = "create_date desc, id desc"
    _guarded_fields = (
        "company_id", "partner_id", "dunning_line_id", "move_line_ids", "amount_claimed",
        "interest_amount", "indemnity_amount", "state", "handover_date", "decision_date",
        "closing_date",
    )  # fmt: skip

    name = fields.Char(compute="_compute_name")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner", string="Client", required=True, index=True, tracking=True
    )
    dunning_line_id = fields.Many2one(
        "cabinet.dunning.line", string="Litigation reminder", readonly=True, index="btree_not_null"
    )
    move_line_ids = fields.Many2many(
        "account.move.line", string="Invoices in litigation", readonly=True
    )
    amount_claimed = fields.Monetary(
        string="Amount claimed", readonly=True, help="Principal due when the file was opened."
    )
    interest_amount = fields.Monetary(string="Late interest", readonly=True)
    indemnity_amount = fields.Monetary(string="Recovery indemnity", readonly=True)
    amount_residual = fields.Monetary(string="Still due", compute="_compute_amount_residual")
    procedure = fields.Selection(PROCEDURES, tracking=True)
    handled_by_id = fields.Many2one(
        "res.partner",
        string="Handled by",
        tracking=True,
        help="The collection agency, bailiff (commissaire de justice) or lawyer in charge.",
    )
    court = fields.Char(help="Court seized (tribunal de commerce, tribunal judiciaire).")
    reference = fields.Char(string="File reference", tracking=True)
    user_id = fields.Many2one(
        "res.users", string="Responsible", default=lambda self: self.env.user, tracking=True
    )
    state = fields.Selection(
        [
            ("to_hand_over", "To hand over"),
            ("in_progress", "In progress"),
            ("decision", "Decision obtained"),
            ("recovered", "Recovered"),
            ("written_off", "Written off"),
        ],
        default="to_hand_over",
        required=True,
        tracking=True,
        index=True,
    )
    handover_date = fields.Date(readonly=True, tracking=True)
    decision_date = fields.Date(readonly=True, tracking=True)
    closing_date = fields.Date(readonly=True, tracking=True)
    note = fields.Html()
    doubtful_debt_ids = fields.One2many(
        "cabinet.doubtful.debt", "litigation_id", string="Doubtful debts", readonly=True
    )
    doubtful_debt_count = fields.Integer(compute="_compute_doubtful_debt_count")

    _one_open_file_per_client = models.UniqueIndex(
        "(partner_id, company_id) WHERE state IN ('to_hand_over', 'in_progress', 'decision')",
        "A client has one open litigation file per company.",
    )

    @api.depends("partner_id")
    def _compute_name(self):
        for litigation in self:
            litigation.name = self.env._(
                "Litigation %(client)s", client=litigation.partner_id.display_name or ""
            )

    @api.depends("doubtful_debt_ids")
    def _compute_doubtful_debt_count(self):
        for litigation in self:
            litigation.doubtful_debt_count = len(litigation.doubtful_debt_ids)

    @api.depends("move_line_ids.amount_residual")
    def _compute_amount_residual(self):
        for litigation in self:
            litigation.amount_residual = sum(litigation.move_line_ids.mapped("amount_residual"))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_open(self):
        """An open file blocks its client's reminders: it is closed (recovered or written
        off), never deleted."""
        open_files = self.filtered(lambda litigation: litigation.state in OPEN_LITIGATION_STATES)
        if open_files:
            raise UserError(
                self.env._(
                    "%(files)s is open: close it (recovered or written off) instead of deleting "
                    "it, so that its client's reminders can resume.",
                    files=", ".join(open_files.mapped("name")),
                )
            )

    def _check_state(self, allowed, action):
        wrong = self.filtered(lambda litigation: litigation.state not in allowed)
        if wrong:
            raise UserError(
                self.env._(
                    "%(files)s cannot be %(action)s in its current state.",
                    files=", ".join(wrong.mapped("name")),
                    action=action,
                )
            )

    def action_hand_over(self):
        """The file leaves the firm: procedure and who handles it are required."""
        self._check_state(["to_hand_over"], self.env._("handed over"))
        missing = self.filtered(lambda litigation: not litigation.procedure
                                or not litigation.handled_by_id)  # fmt: skip
        if missing:
            raise UserError(
                self.env._(
                    "Say which procedure and who handles it (agency, bailiff or lawyer) before "
                    "handing over %(files)s.",
                    files=", ".join(missing.mapped("name")),
                )
            )
        self.sudo().write(
            {"state": "in_progress", "handover_date": fields.Date.context_today(self)}
        )
        todo = self.env.ref("mail.mail_activity_data_todo")
        self.activity_ids.filtered(
            lambda activity: activity.activity_type_id == todo
        ).action_feedback(feedback=self.env._("Handed over."))
        return True

    def action_decision(self):
        """An order for payment (or a judgment) is obtained: it is served and enforced."""
        self._check_state(["in_progress"], self.env._("marked as decided"))
        self.sudo().write({"state": "decision", "decision_date": fields.Date.context_today(self)})
        return True

    def action_close_recovered(self):
        self._check_state(["in_progress", "decision"], self.env._("closed"))
        unpaid = self.filtered(lambda litigation: litigation.amount_residual > 0)
        if unpaid:
            raise UserError(
                self.env._(
                    "%(files)s still has %(amount)s due: record the payments first, or write "
                    "the debt off.",
                    files=", ".join(unpaid.mapped("name")),
                    amount=unpaid[0].currency_id.format(unpaid[0].amount_residual),
                )
            )
        self._open_doubtful_debts().action_recover()
        self._close("recovered")
        return True

    def action_write_off(self):
        """The debt is lost; a doubtful debt of the file books its loss."""
        self._check_state(["to_hand_over", "in_progress", "decision"], self.env._("written off"))
        self._open_doubtful_debts().action_write_off()
        self._close("written_off")
        return True

    def _open_doubtful_debts(self):
        return self.doubtful_debt_ids.filtered(lambda debt: debt.state == "doubtful")

    def action_class_doubtful(self):
        """Class the file's debt doubtful: its invoices still open."""
        self.ensure_one()
        lines = self.move_line_ids.filtered(
            lambda line: not line.reconciled and line.amount_residual > 0
        )
        return self.env["cabinet.doubtful.debt.wizard"]._action_open(
            self.partner_id, lines, litigation=self
        )

    def action_view_doubtful_debts(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "cabinet.doubtful.debt",
            "view_mode": "list,form",
            "domain": [("litigation_id", "=", self.id)],
            "name": self.env._("Doubtful debts"),
        }

    def _close(self, state):
        self.sudo().write({"state": state, "closing_date": fields.Date.context_today(self)})
        # Reminders start again for the client's new debts in that company, unless another
        # file of the same company is open.
        still_open = {
            (litigation.partner_id, litigation.company_id)
            for litigation in self.sudo().search(
                [("partner_id", "in", self.partner_id.ids),
                 ("state", "in", OPEN_LITIGATION_STATES)]
            )
        }  # fmt: skip
        for litigation in self:
            if (litigation.partner_id, litigation.company_id) not in still_open:
                litigation.partner_id.with_company(litigation.company_id).sudo().write(
                    {"dunning_blocked": False}
                )

    @api.model
    def _open_for(self, dunning_lines):
        """Open a file for each client and company of ``dunning_lines`` (litigation reminders
        just sent), or add the invoices to its open file; one batch, one to-do each, written
        in the company's language."""
        existing = {
            (litigation.partner_id, litigation.company_id): litigation
            for litigation in self.search(
                [("partner_id", "in", dunning_lines.partner_id.ids),
                 ("company_id", "in", dunning_lines.company_id.ids),
                 ("state", "in", OPEN_LITIGATION_STATES)]
            )
        }  # fmt: skip
        new_vals = []
        for line in dunning_lines:
            litigation = existing.get((line.partner_id, line.company_id))
            if litigation:
                litigation.move_line_ids = [(4, move_line.id) for move_line in line.move_line_ids]
                continue
            responsible = line.partner_id.with_company(line.company_id).dunning_responsible_id
            new_vals.append(
                {
                    "partner_id": line.partner_id.id,
                    "company_id": line.company_id.id,
                    "dunning_line_id": line.id,
                    "move_line_ids": [(6, 0, line.move_line_ids.ids)],
                    "amount_claimed": line.amount_due,
                    "interest_amount": line.interest_amount,
                    "indemnity_amount": line.indemnity_amount,
                    "user_id": (responsible or line.user_id).id,
                }
            )
        files = self.with_context(mail_create_nolog=True).create(new_vals)
        todo = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id(self._name)
        activity_vals = []
        for litigation in files:
            lang_env = litigation.company_id._cabinet_lang_env()
            activity_vals.append(
                {
                    "res_model_id": model_id,
                    "res_id": litigation.id,
                    "activity_type_id": todo.id,
                    "user_id": litigation.user_id.id,
                    "summary": lang_env._("Hand the file over to litigation"),
                    "note": lang_env._(
                        "Choose the procedure (injonction de payer, collection agency...) and "
                        "who handles it, then hand the file over."
                    ),
                    "date_deadline": litigation.dunning_line_id.run_date
                    or fields.Date.context_today(self),
                }
            )
        self.env["mail.activity"].create(activity_vals)
        return files
