from odoo import fields, models
from odoo.tools import SQL

from .cabinet_dunning_litigation import OPEN_LITIGATION_STATES
from .cabinet_dunning_policy import SEGMENTS

NEXT_ACTIONS = [
    ("litigation", "Follow the litigation file"),
    ("validate_reminder", "Validate the reminder"),
    ("promise", "Check the promise to pay"),
    ("dispute", "Resolve the dispute"),
    ("next_run", "Next dunning run"),
    ("none", "Nothing overdue"),
]


class CabinetDunningClient(models.Model):
    """Where each client stands, per company: what it owes, what is overdue and for how long,
    the level its invoices reached, its disputes, promises and litigation, and the next thing
    to do ("Mes clients"). A database view over the open receivable lines, so that every
    figure is Odoo's own (the lines' residual amounts) and any list of clients is one query.

    Every internal user sees the clients they are responsible for or manage; the collection
    team (Recouvrement groups) sees them all.
    """

    _name = "cabinet.dunning.client"
    _description = "Client receivables"
    _auto = False
    _order = "amount_overdue desc, partner_id"
    _rec_name = "partner_id"

    # What the view reads: flushed before any search or read of it.
    _depends = {
        "account.move.line": ["partner_id", "company_id", "account_id", "parent_state",
                              "reconciled", "amount_residual", "date_maturity", "date",
                              "dunning_level_id", "dunning_date", "cabinet_doubtful_role"],
        "account.account": ["account_type"],
        "cabinet.dunning.level": ["sequence", "days_after_due"],
        "res.partner": ["dunning_responsible_id", "user_id", "client_segment"],
        "res.company": ["currency_id"],
        "cabinet.dunning.dispute": ["partner_id", "company_id", "state"],
        "cabinet.dunning.promise": ["partner_id", "company_id", "state", "promise_date"],
        "cabinet.dunning.line": ["partner_id", "company_id", "state", "run_date"],
        "cabinet.dunning.litigation": ["partner_id", "company_id", "state", "handover_date"],
    }  # fmt: skip

    partner_id = fields.Many2one("res.partner", string="Client", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    responsible_id = fields.Many2one(
        "res.users", string="Responsible chartered accountant", readonly=True
    )
    account_manager_id = fields.Many2one("res.users", string="Account manager", readonly=True)
    client_segment = fields.Selection(SEGMENTS, string="Segment", readonly=True)
    amount_due = fields.Monetary(string="Total due", readonly=True)
    amount_overdue = fields.Monetary(
        string="Overdue",
        readonly=True,
        help="Due before today, less the credits not yet matched (credit notes, payments).",
    )
    invoice_count = fields.Integer(string="Open invoices", readonly=True)
    oldest_due_date = fields.Date(string="Oldest due date", readonly=True)
    days_late = fields.Integer(
        string="Days late", readonly=True, help="Days since the oldest overdue due date."
    )
    level_id = fields.Many2one(
        "cabinet.dunning.level",
        string="Level reached",
        readonly=True,
        help="The highest level reached by the client's open invoices.",
    )
    last_reminder_date = fields.Date(string="Last reminder", readonly=True)
    open_dispute_count = fields.Integer(string="Open disputes", readonly=True)
    open_promise_count = fields.Integer(string="Open promises", readonly=True)
    litigation_id = fields.Many2one(
        "cabinet.dunning.litigation", string="Litigation file", readonly=True
    )
    next_action = fields.Selection(NEXT_ACTIONS, string="Next action", readonly=True)
    next_action_date = fields.Date(string="Next action on", readonly=True)

    @property
    def _table_query(self) -> SQL:
        return SQL(
            """
            WITH open_lines AS (
                SELECT aml.id, aml.partner_id, aml.company_id, aml.amount_residual,
                       COALESCE(aml.date_maturity, aml.date) AS due_date,
                       aml.dunning_level_id, aml.dunning_date
                  FROM account_move_line aml
                  JOIN account_account account ON account.id = aml.account_id
                 WHERE aml.parent_state = 'posted'
                   AND account.account_type = 'asset_receivable'
                   AND NOT aml.reconciled
                   AND aml.amount_residual != 0
                   AND aml.partner_id IS NOT NULL
                   -- A doubtful debt's move to 416 is no payment: the client still owes.
                   AND aml.cabinet_doubtful_role IS NULL
            ), clients AS (
                SELECT MIN(l.id) AS id, l.partner_id, l.company_id,
                       SUM(l.amount_residual) AS amount_due,
                       GREATEST(COALESCE(SUM(l.amount_residual) FILTER (
                           WHERE l.due_date < CURRENT_DATE OR l.amount_residual < 0), 0), 0)
                           AS amount_overdue,
                       COUNT(*) FILTER (WHERE l.amount_residual > 0) AS invoice_count,
                       MIN(l.due_date) FILTER (WHERE l.amount_residual > 0) AS oldest_due_date,
                       COALESCE(CURRENT_DATE - MIN(l.due_date) FILTER (
                           WHERE l.amount_residual > 0 AND l.due_date < CURRENT_DATE), 0)
                           AS days_late,
                       (ARRAY_AGG(l.dunning_level_id ORDER BY level.sequence DESC,
                                  level.days_after_due DESC)
                            FILTER (WHERE l.dunning_level_id IS NOT NULL))[1] AS level_id,
                       MAX(l.dunning_date) AS last_reminder_date
                  FROM open_lines l
             LEFT JOIN cabinet_dunning_level level ON level.id = l.dunning_level_id
              GROUP BY l.partner_id, l.company_id
            )
            SELECT c.*,
                   company.currency_id,
                   (partner.dunning_responsible_id ->> c.company_id::text)::int AS responsible_id,
                   partner.user_id AS account_manager_id,
                   partner.client_segment,
                   COALESCE(dispute.count, 0) AS open_dispute_count,
                   COALESCE(promise.count, 0) AS open_promise_count,
                   litigation.id AS litigation_id,
                   CASE WHEN litigation.id IS NOT NULL THEN 'litigation'
                        WHEN reminder.run_date IS NOT NULL THEN 'validate_reminder'
                        WHEN promise.next_date IS NOT NULL THEN 'promise'
                        WHEN dispute.count > 0 THEN 'dispute'
                        WHEN c.amount_overdue > 0 THEN 'next_run'
                        ELSE 'none' END AS next_action,
                   CASE WHEN litigation.id IS NOT NULL THEN litigation.handover_date
                        WHEN reminder.run_date IS NOT NULL THEN reminder.run_date
                        WHEN promise.next_date IS NOT NULL THEN promise.next_date
                        WHEN dispute.count > 0 THEN dispute.since
                        ELSE NULL END AS next_action_date
              FROM clients c
              JOIN res_company company ON company.id = c.company_id
              JOIN res_partner partner ON partner.id = c.partner_id
         LEFT JOIN LATERAL (
                    SELECT COUNT(*) AS count, MIN(d.create_date)::date AS since
                      FROM cabinet_dunning_dispute d
                     WHERE d.partner_id = c.partner_id AND d.company_id = c.company_id
                       AND d.state = 'open') dispute ON TRUE
         LEFT JOIN LATERAL (
                    SELECT COUNT(*) AS count, MIN(p.promise_date) AS next_date
                      FROM cabinet_dunning_promise p
                     WHERE p.partner_id = c.partner_id AND p.company_id = c.company_id
                       AND p.state = 'open') promise ON TRUE
         LEFT JOIN LATERAL (
                    SELECT MIN(r.run_date) AS run_date
                      FROM cabinet_dunning_line r
                     WHERE r.partner_id = c.partner_id AND r.company_id = c.company_id
                       AND r.state = 'proposed') reminder ON TRUE
         LEFT JOIN LATERAL (
                    SELECT f.id, f.handover_date
                      FROM cabinet_dunning_litigation f
                     WHERE f.partner_id = c.partner_id AND f.company_id = c.company_id
                       AND f.state IN %s
                     LIMIT 1) litigation ON TRUE
            """,
            OPEN_LITIGATION_STATES,
        )

    def action_open_client(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
        }

    def action_class_doubtful(self):
        """Class the client's open invoices doubtful (a collection manager)."""
        self.ensure_one()
        lines = self.env["account.move.line"].search(
            self.env["cabinet.doubtful.debt"]._open_invoice_lines_domain(
                self.company_id, self.partner_id
            )
        )
        return self.env["cabinet.doubtful.debt.wizard"]._action_open(
            self.partner_id, lines, litigation=self.litigation_id
        )
