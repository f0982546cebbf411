from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

SDD_METHOD_CODE = "sepa_direct_debit"
# Direct-debit orders whose file has not been sent to the bank yet.
ORDER_IN_PROGRESS = ("draft", "open", "generated")


class AccountMove(models.Model):
    # SEPA direct debit: a concern of its own (account_move_<concern>.py).
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _cabinet_debit_lines(self, domain, due_by=None):
        """The open instalments of the posted invoices of ``domain`` (on journal items), paid
        by SEPA direct debit with a valid mandate, due by ``due_by`` (all when None), and in no
        order not yet sent to the bank."""
        domain = [
            *domain,
            ("move_id.move_type", "=", "out_invoice"),
            ("parent_state", "=", "posted"),
            ("display_type", "=", "payment_term"),
            ("reconciled", "=", False),
            ("amount_residual", ">", 0),
            ("move_id.payment_mode_id.payment_method_id.code", "=", SDD_METHOD_CODE),
            ("move_id.mandate_id.state", "=", "valid"),
            ("payment_line_ids", "not any", [("state", "in", ORDER_IN_PROGRESS)]),
        ]
        if due_by:
            domain.append(("date_maturity", "<=", due_by))
        return self.env["account.move.line"].search(domain, order="date_maturity, id")

    @api.model
    def _cabinet_prepare_direct_debits(self, domain, due_by=None, next_only=False):
        """Put the instalments of the invoices of ``domain`` due by ``due_by`` into the draft
        direct-debit order of their payment mode (created when there is none). Returns the
        orders."""
        lines = self._cabinet_debit_lines(domain, due_by)
        if next_only:
            # Only each invoice's next instalment (its lines come by due date).
            first = {}
            for line in lines:
                first.setdefault(line.move_id, line)
            lines = lines.browse([line.id for line in first.values()])
        # One order per payment mode and month of collection: each monthly debit of an
        # annual fee goes into the order of its own month, each line debited on its due date.
        by_order = defaultdict(lambda: self.env["account.move.line"])
        for line in lines:
            by_order[line.move_id.payment_mode_id, f"{line.date_maturity:%Y-%m}"] |= line
        Order = self.env["account.payment.order"]
        orders = Order
        for (mode, month), order_lines in by_order.items():
            description = self.env._("Direct debits of %(month)s", month=month)
            order = Order.search(
                [("payment_mode_id", "=", mode.id), ("state", "=", "draft"),
                 ("description", "=", description)], limit=1,
            ) or Order.create(
                {"payment_mode_id": mode.id, "date_prefered": "due", "description": description}
            )  # fmt: skip
            order_lines.create_payment_line_from_move_line(order)
            orders |= order
        return orders

    def action_cabinet_prepare_direct_debits(self):
        """Gather the next instalment of each selected invoice paid by direct debit into the
        direct-debit order of its month; the later instalments go into their own month's
        order when their time comes (the daily preparation)."""
        orders = self._cabinet_prepare_direct_debits([("move_id", "in", self.ids)], next_only=True)
        if not orders:
            raise UserError(
                self.env._(
                    "None of these invoices has an instalment to collect by SEPA direct debit: "
                    "they must be posted, unpaid, paid by direct debit with a valid mandate, "
                    "and in no direct-debit order not yet sent to the bank."
                )
            )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_payment_order.account_payment_order_inbound_action"
        )
        if len(orders) == 1:
            action.update({"view_mode": "form", "views": [(False, "form")], "res_id": orders.id})
        else:
            action["domain"] = [("id", "in", orders.ids)]
        return action

    @api.model
    def _cron_cabinet_prepare_direct_debits(self):
        """Daily: the online services instalments due within each company's lead time go
        into draft direct-debit orders."""
        today = fields.Date.context_today(self)
        companies = self.env["res.company"].search([("online_services_journal_id", "!=", False)])
        for company in companies:
            self.with_company(company)._cabinet_prepare_direct_debits(
                [("journal_id", "=", company.online_services_journal_id.id)],
                today + timedelta(days=company.online_services_debit_lead_days),
            )
