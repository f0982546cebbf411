from odoo import fields, models

from .cabinet_dunning_client import NEXT_ACTIONS
from .res_partner import DUNNING_USER

SUMMARY_FIELDS = {
    "collection_amount_due": "amount_due",
    "collection_amount_overdue": "amount_overdue",
    "collection_days_late": "days_late",
    "collection_level_id": "level_id",
    "collection_next_action": "next_action",
    "collection_next_action_date": "next_action_date",
    "collection_dispute_count": "open_dispute_count",
    "collection_promise_count": "open_promise_count",
}


class ResPartner(models.Model):
    # Where the client stands, on its card: a concern of its own (res_partner_<concern>.py).
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    collection_currency_id = fields.Many2one(
        "res.currency",
        string="Currency of the figures",
        compute="_compute_collection",
        groups=DUNNING_USER,
    )
    collection_amount_due = fields.Monetary(
        string="Total due",
        currency_field="collection_currency_id",
        compute="_compute_collection",
        groups=DUNNING_USER,
    )
    collection_amount_overdue = fields.Monetary(
        string="Overdue",
        currency_field="collection_currency_id",
        compute="_compute_collection",
        groups=DUNNING_USER,
    )
    collection_days_late = fields.Integer(
        string="Days late", compute="_compute_collection", groups=DUNNING_USER
    )
    collection_level_id = fields.Many2one(
        "cabinet.dunning.level",
        string="Level reached",
        compute="_compute_collection",
        groups=DUNNING_USER,
    )
    collection_next_action = fields.Selection(
        NEXT_ACTIONS, string="Next action", compute="_compute_collection", groups=DUNNING_USER
    )
    collection_next_action_date = fields.Date(
        string="Next action on", compute="_compute_collection", groups=DUNNING_USER
    )
    collection_dispute_count = fields.Integer(
        string="Open disputes", compute="_compute_collection", groups=DUNNING_USER
    )
    collection_promise_count = fields.Integer(
        string="Open promises", compute="_compute_collection", groups=DUNNING_USER
    )
    collection_reminder_count = fields.Integer(
        string="Number of reminders", compute="_compute_collection", groups=DUNNING_USER
    )
    collection_overdue_invoice_count = fields.Integer(
        string="Overdue invoices", compute="_compute_collection", groups=DUNNING_USER
    )

    def _compute_collection(self):
        """The client's figures in the current company, from "Mes clients" (one query for
        all the partners shown) and the reminders sent (one grouped query)."""
        company = self.env.company
        clients = self.commercial_partner_id
        summaries = {
            summary.partner_id: summary
            for summary in self.env["cabinet.dunning.client"]
            .sudo()
            .search_fetch(
                [("partner_id", "in", clients.ids), ("company_id", "=", company.id)],
                [*SUMMARY_FIELDS.values(), "partner_id"],
            )
        }
        reminders = dict(
            self.env["cabinet.dunning.line"]
            .sudo()
            ._read_group(self._collection_reminder_domain(clients), ["partner_id"], ["__count"])
        )
        overdue = dict(
            self.env["account.move"]
            .sudo()
            ._read_group(
                self._collection_overdue_domain(clients), ["commercial_partner_id"], ["__count"]
            )
        )
        for partner in self:
            client = partner.commercial_partner_id
            summary = summaries.get(client)
            partner.collection_currency_id = company.currency_id
            for field, column in SUMMARY_FIELDS.items():
                partner[field] = summary[column] if summary else False
            partner.collection_reminder_count = reminders.get(client, 0)
            partner.collection_overdue_invoice_count = overdue.get(client, 0)

    def _collection_reminder_domain(self, clients):
        """The reminders of ``clients`` in the current company (those not skipped)."""
        return [("partner_id", "in", clients.ids), ("company_id", "=", self.env.company.id),
                ("state", "!=", "skipped")]  # fmt: skip

    def _collection_overdue_domain(self, clients):
        """The customer invoices of ``clients`` in the current company left unpaid after
        their due date."""
        return [("commercial_partner_id", "in", clients.ids),
                ("company_id", "=", self.env.company.id),
                ("move_type", "in", ("out_invoice", "out_receipt")), ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
                ("invoice_date_due", "<", fields.Date.context_today(self))]  # fmt: skip

    def _collection_action(self, xml_id, domain, context=None):
        action = self.env["ir.actions.act_window"]._for_xml_id(xml_id)
        action["domain"] = domain
        action["context"] = context or {}
        return action

    def action_view_collection_reminders(self):
        self.ensure_one()
        return self._collection_action(
            "cabinet_dunning.action_cabinet_dunning_line",
            self._collection_reminder_domain(self.commercial_partner_id),
        )

    def action_view_collection_disputes(self):
        self.ensure_one()
        return self._collection_action(
            "cabinet_dunning.action_cabinet_dunning_dispute",
            [("partner_id", "=", self.commercial_partner_id.id), ("state", "=", "open")],
        )

    def action_view_collection_promises(self):
        self.ensure_one()
        return self._collection_action(
            "cabinet_dunning.action_cabinet_dunning_promise",
            [("partner_id", "=", self.commercial_partner_id.id), ("state", "=", "open")],
        )

    def action_view_collection_overdue_invoices(self):
        self.ensure_one()
        return self._collection_action(
            "account.action_move_out_invoice_type",
            self._collection_overdue_domain(self.commercial_partner_id),
            {"create": False},
        )

    def action_view_collection_litigation(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "cabinet.dunning.litigation",
            "res_id": self.commercial_partner_id.dunning_litigation_id.id,
            "view_mode": "form",
        }
