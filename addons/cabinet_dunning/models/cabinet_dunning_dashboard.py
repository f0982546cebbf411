import calendar
import logging
from datetime import timedelta

from psycopg2.errors import LockNotAvailable, SerializationFailure

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, Query, format_date

from ..rules import receivable_figures
from ..tools import rpc_arguments
from .cabinet_dunning_litigation import OPEN_LITIGATION_STATES, PROCEDURES
from .cabinet_dunning_policy import SEGMENTS

_logger = logging.getLogger(__name__)

HISTORY_MONTHS = 12
DSO_MONTHS = 12
TOP_SIZE = 20
FILTER_KEYS = ("company_id", "responsible_id", "account_manager_id", "client_segment",
               "date_from", "date_to")  # fmt: skip


class CabinetDunningDashboard(models.AbstractModel):
    """The collection dashboard ("Recouvrement"): the figures of a company's receivables,
    for all its clients or those of a responsible chartered accountant, an account manager
    or a segment, over a period.

    Every figure is read from Odoo's own records in grouped queries (receivable lines and
    their reconciliations, invoices, disputes, promises, litigation files, activities),
    whatever the number of clients; each one opens the list behind it (``open_list``). The
    collection team (Recouvrement groups) sees every client; any other internal user sees
    the clients they are responsible for or manage, as in "My clients".
    """

    _name = "cabinet.dunning.dashboard"
    _description = "Collection dashboard"

    # ------------------------------------------------------------------------------------
    # Filters
    # ------------------------------------------------------------------------------------
    @api.model
    def _filters(self, filters):
        """The checked filters, with their defaults: the current company, the current
        month up to today."""
        if filters in (None, False):
            filters = {}
        if not isinstance(filters, dict) or set(filters) - set(FILTER_KEYS):
            raise UserError(
                self.env._(
                    "filters: expected a dictionary with the keys %(keys)s.",
                    keys=", ".join(FILTER_KEYS),
                )
            )
        if not self.env.user._is_internal():
            raise AccessError(self.env._("The collection dashboard is for the firm's users."))
        today = fields.Date.context_today(self)
        company_ids = rpc_arguments.ids_arg(
            self.env, filters.get("company_id"), "company_id", "res.company"
        )
        company = self.env["res.company"].browse(company_ids[:1]) if company_ids else None
        if company and not self.env.su and company not in self.env.user.company_ids:
            raise AccessError(self.env._("You have no access to %(company)s.",
                                         company=company.sudo().name))  # fmt: skip
        checked = {
            "company": company or self.env.company,
            "responsible": self._user_filter(filters.get("responsible_id"), "responsible_id"),
            "account_manager": self._user_filter(
                filters.get("account_manager_id"), "account_manager_id"
            ),
            "segment": filters.get("client_segment") or False,
            "date_from": rpc_arguments.date_arg(
                self.env, filters.get("date_from"), "date_from", default=today.replace(day=1)
            ),
            "date_to": rpc_arguments.date_arg(
                self.env, filters.get("date_to"), "date_to", default=today
            ),
            "today": today,
        }
        if checked["segment"] not in (False, *dict(SEGMENTS)):
            raise UserError(
                self.env._(
                    "client_segment: expected one of %(segments)s.",
                    segments=", ".join(dict(SEGMENTS)),
                )
            )
        if checked["date_from"] > checked["date_to"]:
            raise UserError(self.env._("The period ends before it starts."))
        return checked

    def _user_filter(self, value, argument):
        ids = rpc_arguments.ids_arg(self.env, value, argument, "res.users")
        if ids and len(ids) > 1:
            raise UserError(self.env._("%(argument)s: expected one user id.", argument=argument))
        return self.env["res.users"].browse(ids) if ids else False

    def _sees_all_clients(self):
        return self.env.su or self.env.user.has_group("cabinet_dunning.group_dunning_user")

    def _partner_domain(self, checked):
        """The clients the figures are about, as a domain on res.partner."""
        domain = []
        if checked["responsible"]:
            domain.append(("dunning_responsible_id", "=", checked["responsible"].id))
        if checked["account_manager"]:
            domain.append(("user_id", "=", checked["account_manager"].id))
        if checked["segment"]:
            domain.append(("client_segment", "=", checked["segment"]))
        if not self._sees_all_clients():
            domain += ["|", ("dunning_responsible_id", "=", self.env.uid),
                       ("user_id", "=", self.env.uid)]  # fmt: skip
        return domain

    def _partner_query(self, checked):
        """The clients as a sub-query (archived clients included: they may still owe)."""
        return (
            self.env["res.partner"]
            .sudo()
            .with_company(checked["company"])
            .with_context(active_test=False)
            ._search(self._partner_domain(checked))
        )

    def _clients_condition(self, checked, field="partner_id"):
        """The domain condition on ``field`` (a many2one to the client) for the clients: a
        sub-query, read as superuser (the responsible is a field of the collection team);
        ``open_list`` turns it into ids."""
        if not self._partner_domain(checked):
            return []
        return [(field, "in", self._partner_query(checked))]

    # ------------------------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------------------------
    @api.model
    def get_figures(self, filters=None):
        """All the dashboard's figures for ``filters`` (keys: company_id, responsible_id,
        account_manager_id, client_segment, date_from, date_to), as plain data."""
        checked = self._filters(filters)
        return self.with_company(checked["company"])._figures(checked)

    def _figures(self, checked):
        today = checked["today"]
        ends = [*receivable_figures.month_ends(today, HISTORY_MONTHS), today]
        aged = self._aged_balances(checked, ends)
        sales = self._monthly_sales(checked, receivable_figures.month_start(today, 2 * DSO_MONTHS))
        history = []
        for end in ends:
            amounts = aged.get(end, {})
            total = sum(amounts.values())
            history.append(
                {
                    "date": end.isoformat(),
                    "label": self.env._("Today")
                    if end == today
                    else format_date(self.env, end, date_format="MMM y"),
                    "buckets": {
                        key: amounts.get(key, 0.0) for key in receivable_figures.BUCKET_KEYS
                    },  # fmt: skip
                    "total": total,
                    "dso": float(self._dso(total, end, sales, is_today=end == today)),
                }
            )
        current = history[-1]
        percents = receivable_figures.percentages(current["buckets"].values())
        return {
            "filters": self._filters_echo(checked),
            "options": self._filter_options(checked),
            "currency_id": checked["company"].currency_id.id,
            "aged": {
                "buckets": [
                    {
                        "key": key,
                        "label": label,
                        "amount": current["buckets"][key],
                        "percent": float(percent),
                    }
                    for (key, label), percent in zip(self._bucket_labels(), percents, strict=True)
                ],  # fmt: skip
                "total": current["total"],
            },
            "history": history,
            "dso": {
                "days": current["dso"],
                "method": self.env._(
                    "Count-back: what clients owe today, matched against the sales (taxes "
                    "included) of this month, then of the months before, up to %(months)s "
                    "months; days of the months used up, plus the share of the last one.",
                    months=DSO_MONTHS,
                ),
            },
            "paid_late": self._paid_late(checked),
            "issued": self._issued(checked),
            "clients": self._client_accounts(checked),
            "doubtful": self._doubtful(checked),
            "disputes": self._disputes(checked),
            "litigation": self._litigation(checked),
            "promises": self._promises(checked),
            **self._top_clients(checked),
            "todo": self._todo(checked),
        }

    def _filters_echo(self, checked):
        return {
            "company_id": checked["company"].id,
            "responsible_id": checked["responsible"].id if checked["responsible"] else False,
            "account_manager_id": checked["account_manager"].id
            if checked["account_manager"]
            else False,
            "client_segment": checked["segment"],
            "date_from": checked["date_from"].isoformat(),
            "date_to": checked["date_to"].isoformat(),
        }

    def _filter_options(self, checked):
        """What the filters offer: the company's internal users, the segments."""
        users = self.env["res.users"].search_read(
            [("share", "=", False), ("company_ids", "in", checked["company"].id)],
            ["name"],
            order="name",
        )
        segments = (
            self.env["res.partner"]._fields["client_segment"]._description_selection(self.env)
        )
        return {"users": users, "segments": segments}

    def _bucket_labels(self):
        labels = {
            "not_due": self.env._("Not due"),
            "late_1_30": self.env._("1-30 days"),
            "late_31_60": self.env._("31-60 days"),
            "late_61_90": self.env._("61-90 days"),
            "late_90_plus": self.env._("Over 90 days"),
        }
        return [(key, labels[key]) for key in receivable_figures.BUCKET_KEYS]

    def _receivable_lines(self, checked, last_day, condition=None):
        """The posted receivable lines of the clients up to ``last_day`` (and meeting the
        SQL ``condition`` on ``aml``), as SQL; what the queries built on it read is
        written to the database first."""
        for model in ("account.move.line", "account.partial.reconcile", "res.partner"):
            self.env[model].flush_model()
        return SQL(
            """
            SELECT aml.id, aml.partner_id, aml.amount_residual, aml.balance, aml.date,
                   COALESCE(aml.date_maturity, aml.date) AS due_date
              FROM account_move_line aml
              JOIN account_account account ON account.id = aml.account_id
             WHERE aml.parent_state = 'posted'
               AND account.account_type = 'asset_receivable'
               AND aml.company_id = %(company)s
               AND aml.date <= %(last_day)s
               AND aml.partner_id IN %(partners)s
               -- A doubtful debt's move to 416 is no payment: the client still owes.
               AND aml.cabinet_doubtful_role IS NULL
               AND %(condition)s
            """,
            company=checked["company"].id,
            last_day=last_day,
            partners=self._partner_query(checked).subselect(),
            condition=condition or SQL("TRUE"),
        )

    def _bucket_case(self, days_late):
        """The SQL that puts ``days_late`` in its bucket (receivable_figures.AGE_BUCKETS)."""
        whens = [
            SQL("WHEN %s <= %s THEN %s", days_late, last, key)
            for key, _first, last in receivable_figures.AGE_BUCKETS
            if last is not None
        ]
        return SQL("CASE %s ELSE %s END", SQL(" ").join(whens),
                   receivable_figures.BUCKET_KEYS[-1])  # fmt: skip

    def _aged_balances(self, checked, ends):
        """{end date: {bucket: amount}}: what clients owed at the end of each day of
        ``ends`` (month ends, then today), by days late then.

        A line's residual on a day is its residual today plus what was matched with it
        after that day. Summed as dated contributions: from the line's date, its residual
        today plus everything matched with it after the first day; from each of those
        matchings' date, less its amount. Contributions are grouped by the month they start
        in and the due date before meeting the days, so the work grows with the number of
        due dates, not of lines."""
        query = SQL(
            """
            WITH matched AS (
                SELECT debit_move_id AS line_id, max_date, amount
                  FROM account_partial_reconcile
                 WHERE max_date > %(first_end)s
                 UNION ALL
                SELECT credit_move_id, max_date, -amount
                  FROM account_partial_reconcile
                 WHERE max_date > %(first_end)s
            ),
            -- The lines that count on some day: open today, or matched after the first day.
            lines AS (%(lines)s),
            later AS (
                SELECT matched.line_id, matched.max_date, matched.amount, lines.due_date
                  FROM matched
                  JOIN lines ON lines.id = matched.line_id
            ),
            later_total AS (
                SELECT line_id, SUM(amount) AS amount FROM later GROUP BY line_id
            ),
            contributions AS (
                SELECT lines.date AS start, lines.due_date,
                       lines.amount_residual + COALESCE(later_total.amount, 0) AS amount
                  FROM lines
             LEFT JOIN later_total ON later_total.line_id = lines.id
                 UNION ALL
                SELECT max_date, due_date, -amount FROM later
            ),
            -- Each contribution counts from the end of the month it starts in (today for
            -- this month's; never for one dated after today).
            grouped AS (
                SELECT LEAST((DATE_TRUNC('month', start) + INTERVAL '1 month - 1 day')::date,
                             %(today)s::date) AS first_day,
                       due_date, SUM(amount) AS amount
                  FROM contributions
                 WHERE start <= %(today)s
              GROUP BY 1, 2
            ),
            ends AS (SELECT UNNEST(%(ends)s::date[]) AS end_date)
            SELECT ends.end_date, %(bucket)s AS bucket, SUM(grouped.amount) AS amount
              FROM ends
              JOIN grouped ON grouped.first_day <= ends.end_date
          GROUP BY 1, 2
            """,
            lines=self._receivable_lines(
                checked,
                ends[-1],
                SQL("(NOT aml.reconciled OR aml.id IN (SELECT line_id FROM matched))"),
            ),
            first_end=ends[0],
            today=ends[-1],
            ends=ends,
            bucket=self._bucket_case(SQL("ends.end_date - grouped.due_date")),
        )
        aged = {}
        for end_date, bucket, amount in self.env.execute_query(query):
            aged.setdefault(end_date, {})[bucket] = checked["company"].currency_id.round(amount)
        return aged

    def _monthly_sales(self, checked, since):
        """{first day of month: sales taxes included (invoices less credit notes)}."""
        groups = self.env["account.move"].sudo()._read_group(
            self._moves_domain(checked)
            + [("move_type", "in", ("out_invoice", "out_refund")),
               ("invoice_date", ">=", since)],
            ["invoice_date:month"],
            ["amount_total_signed:sum"],
        )  # fmt: skip
        return {month: amount for month, amount in groups}

    def _dso(self, receivable, day, sales, is_today):
        """The count-back DSO on ``day`` (the end of a month, or today: its month counts
        the days gone by)."""
        months = []
        first = day.replace(day=1)
        for index in range(DSO_MONTHS):
            start = receivable_figures.month_start(first, index)
            days = calendar.monthrange(start.year, start.month)[1]
            if index == 0 and is_today:
                days = day.day
            months.append((days, sales.get(start, 0.0)))
        return receivable_figures.count_back_dso(receivable, months)

    def _moves_domain(self, checked):
        return [
            ("company_id", "=", checked["company"].id),
            ("state", "=", "posted"),
            *self._clients_condition(checked),
        ]

    def _period_moves_domain(self, checked, move_type):
        return self._moves_domain(checked) + [
            ("move_type", "=", move_type),
            ("invoice_date", ">=", checked["date_from"]),
            ("invoice_date", "<=", checked["date_to"]),
        ]

    def _paid_late(self, checked):
        """Invoices fully paid in the period (by the date of their last payment) and their
        average days late then (paid on time counts zero)."""
        rows = self.env.execute_query(self._paid_in_period(checked))
        days = [max((paid_date - due_date).days, 0) for _move, due_date, paid_date in rows]
        return {
            "count": len(rows),
            "average_days": round(sum(days) / len(days), 1) if days else 0.0,
        }

    def _paid_in_period(self, checked):
        """SQL of the debit receivable lines fully matched, last in the period:
        (move id, due date, date of the last matching)."""
        return SQL(
            """
            WITH candidates AS (
                SELECT DISTINCT debit_move_id AS line_id
                  FROM account_partial_reconcile
                 WHERE max_date BETWEEN %(date_from)s AND %(date_to)s
            ),
            lines AS (%(lines)s)
            SELECT aml.move_id, lines.due_date, MAX(apr.max_date)
              FROM lines
              JOIN account_move_line aml ON aml.id = lines.id
              JOIN account_partial_reconcile apr ON apr.debit_move_id = lines.id
             WHERE aml.reconciled AND lines.balance > 0
          GROUP BY aml.move_id, lines.id, lines.due_date
            HAVING MAX(apr.max_date) <= %(date_to)s
            """,
            lines=self._receivable_lines(
                checked,
                checked["date_to"],
                SQL("aml.id IN (SELECT line_id FROM candidates)"),
            ),
            date_from=checked["date_from"],
            date_to=checked["date_to"],
        )

    def _issued(self, checked):
        Move = self.env["account.move"].sudo()
        issued = {}
        for key, move_type in (("invoices", "out_invoice"), ("credit_notes", "out_refund")):
            [(count, untaxed, total)] = Move._read_group(
                self._period_moves_domain(checked, move_type),
                [],
                ["__count", "amount_untaxed_signed:sum", "amount_total_signed:sum"],
            )
            issued[key] = {"count": count, "amount_untaxed": untaxed or 0.0, "amount": total or 0.0}
        return issued

    def _client_accounts(self, checked):
        """New clients: their first invoice of the company was issued in the period."""
        firsts = (
            self.env["account.move"]
            .sudo()
            ._read_group(
                self._moves_domain(checked) + [("move_type", "=", "out_invoice")],
                ["partner_id"],
                ["invoice_date:min"],
            )
        )
        new = [partner.id for partner, first in firsts
               if first and checked["date_from"] <= first <= checked["date_to"]]  # fmt: skip
        return {"new": len(new), "new_ids": new}

    def _record_domain(self, checked):
        return [("company_id", "=", checked["company"].id), *self._clients_condition(checked)]

    def _doubtful(self, checked):
        """Doubtful debts and write-offs, read from their journal entries: the doubtful
        clients' balance (416) today, its provision (491), the losses booked in the period
        (654)."""
        Line = self.env["account.move.line"].sudo()
        base = [
            ("company_id", "=", checked["company"].id),
            ("parent_state", "=", "posted"),
            ("date", "<=", checked["today"]),
            *self._clients_condition(checked),
        ]
        currency = checked["company"].currency_id
        doubtful = Line._read_group(
            base + [("cabinet_doubtful_role", "=", "doubtful")], ["partner_id"], ["balance:sum"]
        )
        [(provision,)] = Line._read_group(
            base + [("cabinet_doubtful_role", "=", "provision")], [], ["balance:sum"]
        )
        losses_by_debt = Line._read_group(
            base + [("cabinet_doubtful_role", "=", "loss"),
                    ("date", ">=", checked["date_from"]), ("date", "<=", checked["date_to"])],
            ["move_id.cabinet_doubtful_debt_id"], ["balance:sum"],
        )  # fmt: skip
        losses = sum(balance for _debt, balance in losses_by_debt)
        loss_count = len(losses_by_debt)
        return {
            "amount": currency.round(sum(balance for _partner, balance in doubtful)),
            "count": len([1 for _partner, balance in doubtful if not currency.is_zero(balance)]),
            "provision": currency.round(-provision),
            "write_offs": {"amount": currency.round(losses), "count": loss_count},
        }

    def _disputes(self, checked):
        Dispute = self.env["cabinet.dunning.dispute"].sudo()
        states = dict(Dispute._fields["state"]._description_selection(self.env))
        reasons = dict(
            self.env["account.move"]._fields["non_payment_reason"]._description_selection(self.env)
        )
        by_state = Dispute._read_group(
            self._record_domain(checked), ["state"], ["__count", "amount:sum"]
        )
        by_reason = Dispute._read_group(
            self._record_domain(checked) + [("state", "=", "open")],
            ["move_id.non_payment_reason"],
            ["__count", "amount:sum"],
        )
        return {
            "by_state": [{"key": state, "label": states.get(state, state), "count": count,
                          "amount": amount} for state, count, amount in by_state],
            "by_reason": [{"key": reason or False,
                           "label": reasons.get(reason) or self.env._("No reason given"),
                           "count": count, "amount": amount}
                          for reason, count, amount in by_reason],
        }  # fmt: skip

    def _litigation(self, checked):
        Litigation = self.env["cabinet.dunning.litigation"].sudo()
        states = dict(Litigation._fields["state"]._description_selection(self.env))
        procedures = dict(Litigation._fields["procedure"]._description_selection(self.env))
        by_state = Litigation._read_group(
            self._record_domain(checked), ["state"], ["__count", "amount_claimed:sum"]
        )
        by_procedure = Litigation._read_group(
            self._record_domain(checked) + [("state", "in", OPEN_LITIGATION_STATES)],
            ["procedure"],
            ["__count", "amount_claimed:sum"],
        )
        return {
            "by_state": [{"key": state, "label": states.get(state, state), "count": count,
                          "amount": amount} for state, count, amount in by_state],
            "by_procedure": [{"key": procedure or False,
                              "label": procedures.get(procedure)
                              or self.env._("Procedure not chosen yet"),
                              "count": count, "amount": amount}
                             for procedure, count, amount in by_procedure],
        }  # fmt: skip

    def _promises(self, checked):
        """Promises open now; kept and broken among those due in the period."""
        groups = self.env["cabinet.dunning.promise"].sudo()._read_group(
            self._record_domain(checked)
            + ["|", ("state", "=", "open"), "&",
               ("promise_date", ">=", checked["date_from"]),
               ("promise_date", "<=", checked["date_to"])],
            ["state"],
            ["__count", "amount:sum"],
        )  # fmt: skip
        figures = {state: {"count": 0, "amount": 0.0} for state in ("open", "kept", "broken")}
        for state, count, amount in groups:
            figures[state] = {"count": count, "amount": amount}
        return figures

    def _top_clients(self, checked):
        """The largest and the latest clients, read from "My clients" in one query:
        {"top_outstanding": [...], "top_late": [...]} of TOP_SIZE rows each, as
        ``search_read`` gives them."""
        Client = self.env["cabinet.dunning.client"].sudo()
        Client.flush_model()
        columns = SQL("id, partner_id, amount_due, amount_overdue, days_late, level_id, "
                      "responsible_id")  # fmt: skip
        query = SQL(
            """
            WITH clients AS (
                SELECT * FROM (%(view)s) view
                 WHERE view.company_id = %(company)s AND view.partner_id IN %(partners)s
            )
            (SELECT 'top_outstanding', %(columns)s FROM clients WHERE amount_due > 0
              ORDER BY amount_due DESC, partner_id LIMIT %(size)s)
            UNION ALL
            (SELECT 'top_late', %(columns)s FROM clients WHERE days_late > 0
              ORDER BY days_late DESC, amount_overdue DESC, partner_id LIMIT %(size)s)
            """,
            view=Client._table_query,
            company=checked["company"].id,
            partners=self._partner_query(checked).subselect(),
            columns=columns,
            size=TOP_SIZE,
        )
        rows = self.env.execute_query(query)
        names = {}
        for model, index in (("res.partner", 2), ("cabinet.dunning.level", 6),
                             ("res.users", 7)):  # fmt: skip
            records = self.env[model].sudo().browse({row[index] for row in rows if row[index]})
            names[index] = {record.id: record.display_name for record in records}
        tops = {"top_outstanding": [], "top_late": []}
        for key, row_id, partner, due, overdue, days, level, responsible in rows:
            tops[key].append(
                {
                    "id": row_id,
                    "partner_id": [partner, names[2][partner]],
                    "amount_due": due,
                    "amount_overdue": overdue,
                    "days_late": days,
                    "level_id": [level, names[6][level]] if level else False,
                    "responsible_id": [responsible, names[7][responsible]]
                    if responsible
                    else False,
                }
            )
        return tops

    def _todo(self, checked):
        """Reminders to validate and calls to make today, per user who acts."""
        reminders = (
            self.env["cabinet.dunning.line"]
            .sudo()
            ._read_group(
                self._record_domain(checked) + [("state", "=", "proposed")],
                ["user_id"],
                ["__count"],
            )
        )
        calls = (
            self.env["mail.activity"]
            .sudo()
            ._read_group(
                self._calls_domain(checked),
                ["user_id"],
                ["__count"],
            )
        )
        users = {}
        for key, rows in (("reminders", reminders), ("calls", calls)):
            for user, count in rows:
                entry = users.setdefault(
                    user.id,
                    {"user_id": user.id,
                     "name": user.name or self.env._("Nobody"),
                     "reminders": 0, "calls": 0},
                )  # fmt: skip
                entry[key] = count
        return sorted(users.values(), key=lambda entry: -(entry["reminders"] + entry["calls"]))

    # ------------------------------------------------------------------------------------
    # The report
    # ------------------------------------------------------------------------------------
    @api.model
    def action_print(self, filters=None):
        """The dashboard as a PDF, for the same filters."""
        checked = self._filters(filters)
        return self.env.ref("cabinet_dunning.action_report_dunning_dashboard").report_action(
            None, data={"filters": self._filters_echo(checked)}, config=False
        )

    @api.model
    def _cron_send_monthly_reports(self):
        """On the first days of a month, send each company's report of the month gone by
        to whom its setting says; once per company and month, even if run twice at once."""
        today = fields.Date.context_today(self)
        month_start = receivable_figures.month_start(today, 1)
        companies = self.env["res.company"].search(
            [("dunning_report_recipients", "!=", "none"),
             "|", ("dunning_report_month", "=", False),
             ("dunning_report_month", "<", month_start)]
        )  # fmt: skip
        for company in companies:
            try:
                with self.env.cr.savepoint():
                    locked = company.try_lock_for_update()
            except (LockNotAvailable, SerializationFailure):
                locked = False
            if not locked:
                _logger.info("Monthly collection report of %s: sent by another run", company.name)
                continue
            company.invalidate_recordset(["dunning_report_month"])
            if company.dunning_report_month and company.dunning_report_month >= month_start:
                continue
            self.with_company(company)._send_monthly_report(company, month_start)
            company.dunning_report_month = month_start

    def _monthly_recipients(self, company):
        """(user, extra filters): managers get every client, responsibles their own."""
        recipients = company.dunning_report_recipients
        sends = []
        if recipients in ("both", "managers"):
            managers = self.env["res.users"].search(
                [("share", "=", False), ("company_ids", "in", company.id),
                 ("all_group_ids", "in",
                  self.env.ref("cabinet_dunning.group_dunning_manager").id)]
            )  # fmt: skip
            sends += [(user, {}) for user in managers]
        if recipients in ("both", "responsibles"):
            responsible_ids = {
                user_id
                for (user_id,) in self.env.execute_query(
                    SQL(
                        """
                        SELECT DISTINCT (dunning_responsible_id ->> %(company)s)::int
                          FROM res_partner
                         WHERE dunning_responsible_id ? %(company)s AND active
                        """,
                        company=str(company.id),
                    )
                )
                if user_id
            }
            responsibles = self.env["res.users"].search(
                [("id", "in", list(responsible_ids)), ("share", "=", False)]
            )
            sends += [(user, {"responsible_id": user.id}) for user in responsibles]
        return sends

    def _send_monthly_report(self, company, month_start):
        month_end = receivable_figures.month_start(month_start, -1) - timedelta(days=1)
        report = self.env.ref("cabinet_dunning.action_report_dunning_dashboard")
        template = self.env.ref("cabinet_dunning.mail_template_dunning_monthly_report")
        for user, extra in self._monthly_recipients(company):
            lang = user.lang or company.partner_id.lang
            filters = {"company_id": company.id, "date_from": month_start.isoformat(),
                       "date_to": month_end.isoformat(), **extra}  # fmt: skip
            lang_env = self.with_context(lang=lang).env
            pdf, _report_type = (
                self.env["ir.actions.report"]
                .with_context(lang=lang)
                ._render_qweb_pdf(report.report_name, data={"filters": filters})
            )
            month_label = format_date(lang_env, month_start, date_format="MMMM y")
            attachment = self.env["ir.attachment"].create(
                {
                    "name": lang_env._("Collection %(month)s.pdf", month=month_label),
                    "raw": pdf,
                    "mimetype": "application/pdf",
                    "res_model": "res.company",
                    "res_id": company.id,
                }
            )
            template.with_context(
                lang=lang, report_month=month_label, own_clients=bool(extra)
            ).send_mail(
                user.id,
                email_values={"attachment_ids": [(4, attachment.id)]},
            )

    # ------------------------------------------------------------------------------------
    # The lists behind the figures
    # ------------------------------------------------------------------------------------
    @api.model
    def open_list(self, figure, key=False, filters=None):
        """The action listing what ``figure`` counts (with ``key``: a bucket, a state, a
        reason, a user, a month end as YYYY-MM-DD), for the same filters."""
        checked = self._filters(filters)
        dashboard = self.with_company(checked["company"])
        builders = dashboard._list_builders()
        if not isinstance(figure, str) or figure not in builders:
            raise UserError(
                self.env._("figure: expected one of %(figures)s.", figures=", ".join(builders))
            )
        name, model, domain, context = builders[figure](checked, key)
        if not self.env[model].has_access("read"):
            raise UserError(
                self.env._(
                    "The list behind this figure (%(list)s) needs rights you do not have: "
                    "ask for the Invoicing or Collection rights; My clients shows where your "
                    "clients stand.",
                    list=name,
                )
            )
        # A list's domain travels to the browser: the clients' sub-query becomes their ids.
        domain = [
            (leaf[0], leaf[1], [row[0] for row in self.env.execute_query(leaf[2].select())])
            if isinstance(leaf, tuple) and isinstance(leaf[2], Query)
            else leaf
            for leaf in domain
        ]
        list_view = False
        if model == "account.move.line":
            list_view = self.env.ref("cabinet_dunning.view_move_line_receivables_list").id
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "domain": domain,
            "views": [(list_view, "list"), (False, "form")],
            "context": context or {},
            "target": "current",
        }

    def _list_builders(self):
        """{figure: method(checked filters, key) -> (name, model, domain, context)}."""
        return {
            "aged": self._list_aged,
            "history": self._list_history,
            "paid_late": self._list_paid_late,
            "invoices": lambda checked, _key: self._list_issued(checked, "out_invoice"),
            "credit_notes": lambda checked, _key: self._list_issued(checked, "out_refund"),
            "new_clients": self._list_new_clients,
            "doubtful": self._list_doubtful,
            "write_offs": self._list_write_offs,
            "disputes": self._list_disputes,
            "dispute_reasons": self._list_dispute_reasons,
            "litigation": self._list_litigation,
            "litigation_procedures": self._list_litigation_procedures,
            "promises": self._list_promises,
            "reminders": self._list_reminders,
            "calls": self._list_calls,
        }

    def _key_in(self, key, allowed, argument="key"):
        if not isinstance(key, (str, bool)) or key not in allowed:
            raise UserError(
                self.env._(
                    "%(argument)s: expected one of %(keys)s.",
                    argument=argument,
                    keys=", ".join(str(value) for value in allowed),
                )
            )
        return key

    def _open_lines_domain(self, checked):
        return [
            ("company_id", "=", checked["company"].id),
            ("parent_state", "=", "posted"),
            ("account_id.account_type", "=", "asset_receivable"),
            *self._clients_condition(checked),
        ]

    def _bucket_domain(self, key, day):
        """Receivable lines whose due date puts them in bucket ``key`` on ``day``."""
        for bucket, first, last in receivable_figures.AGE_BUCKETS:
            if bucket != key:
                continue
            domain = []
            if last is not None:
                domain.append(("date_maturity", ">=", day - timedelta(days=last)))
            if first is not None:
                domain.append(("date_maturity", "<=", day - timedelta(days=first)))
            return domain
        return []

    def _list_aged(self, checked, key):
        if key:
            self._key_in(key, receivable_figures.BUCKET_KEYS)
        domain = self._open_lines_domain(checked) + [
            ("reconciled", "=", False),
            ("amount_residual", "!=", 0),
        ]
        domain += self._bucket_domain(key, checked["today"]) if key else []
        name = self.env._("Receivables")
        return (
            name,
            "account.move.line",
            domain,
            {"search_default_group_by_partner": 1},
        )

    def _list_history(self, checked, key):
        day = rpc_arguments.date_arg(self.env, key, "key", required=True)
        domain = self._open_lines_domain(checked) + [
            ("date", "<=", day),
            "|", "|", ("amount_residual", "!=", 0),
            ("matched_credit_ids.max_date", ">", day),
            ("matched_debit_ids.max_date", ">", day),
        ]  # fmt: skip
        name = self.env._("Receivables on %(date)s", date=format_date(self.env, day))
        return (
            name,
            "account.move.line",
            domain,
            {"search_default_group_by_partner": 1},
        )

    def _list_paid_late(self, checked, key):
        move_ids = [move for move, _due, _paid in self.env.execute_query(
            self._paid_in_period(checked))]  # fmt: skip
        name = self.env._("Invoices paid in the period")
        return name, "account.move", [("id", "in", move_ids)], {}

    def _list_issued(self, checked, move_type):
        name = {
            "out_invoice": self.env._("Invoices issued in the period"),
            "out_refund": self.env._("Credit notes issued in the period"),
        }[move_type]
        return (
            name,
            "account.move",
            self._period_moves_domain(checked, move_type),
            {"default_move_type": move_type},
        )

    def _list_new_clients(self, checked, key):
        name = self.env._("New clients")
        return (
            name,
            "res.partner",
            [("id", "in", self._client_accounts(checked)["new_ids"])],
            {},
        )

    def _list_doubtful(self, checked, key):
        domain = self._record_domain(checked) + [("state", "=", "doubtful")]
        return self.env._("Doubtful debts"), "cabinet.doubtful.debt", domain, {}

    def _list_write_offs(self, checked, key):
        domain = self._record_domain(checked) + [
            ("state", "=", "written_off"),
            ("closing_date", ">=", checked["date_from"]),
            ("closing_date", "<=", checked["date_to"]),
        ]
        return self.env._("Debts written off"), "cabinet.doubtful.debt", domain, {}

    def _list_disputes(self, checked, key):
        domain = self._record_domain(checked)
        if key:
            states = self.env["cabinet.dunning.dispute"]._fields["state"].get_values(self.env)
            domain.append(("state", "=", self._key_in(key, states)))
        return self.env._("Disputes"), "cabinet.dunning.dispute", domain, {}

    def _list_dispute_reasons(self, checked, key):
        reasons = self.env["account.move"]._fields["non_payment_reason"].get_values(self.env)
        domain = self._record_domain(checked) + [
            ("state", "=", "open"),
            ("move_id.non_payment_reason", "=", self._key_in(key, [False, *reasons])),
        ]
        return self.env._("Open disputes"), "cabinet.dunning.dispute", domain, {}

    def _list_litigation(self, checked, key):
        domain = self._record_domain(checked)
        if key:
            states = self.env["cabinet.dunning.litigation"]._fields["state"].get_values(self.env)
            domain.append(("state", "=", self._key_in(key, states)))
        return self.env._("Litigation files"), "cabinet.dunning.litigation", domain, {}

    def _list_litigation_procedures(self, checked, key):
        domain = self._record_domain(checked) + [
            ("state", "in", OPEN_LITIGATION_STATES),
            ("procedure", "=", self._key_in(key, [False, *dict(PROCEDURES)])),
        ]
        return self.env._("Open litigation files"), "cabinet.dunning.litigation", domain, {}

    def _list_promises(self, checked, key):
        self._key_in(key, ["open", "kept", "broken"])
        domain = self._record_domain(checked) + [("state", "=", key)]
        if key != "open":
            domain += [
                ("promise_date", ">=", checked["date_from"]),
                ("promise_date", "<=", checked["date_to"]),
            ]
        return self.env._("Promises to pay"), "cabinet.dunning.promise", domain, {}

    def _user_key(self, key):
        if key in (False, None):
            return False
        return rpc_arguments.ids_arg(self.env, key, "key", "res.users", required=True)[0]

    def _list_reminders(self, checked, key):
        domain = self._record_domain(checked) + [("state", "=", "proposed")]
        if key is not None:
            domain.append(("user_id", "=", self._user_key(key)))
        return self.env._("Reminders to validate"), "cabinet.dunning.line", domain, {}

    def _calls_domain(self, checked):
        """Call activities on the clients, due today or before."""
        domain = [
            ("res_model", "=", "res.partner"),
            ("activity_type_id.category", "=", "phonecall"),
            ("date_deadline", "<=", checked["today"]),
        ]
        if self._partner_domain(checked):
            partners = self.env["res.partner"].sudo().with_company(checked["company"])
            domain.append(("res_id", "in", partners.with_context(active_test=False).search(
                self._partner_domain(checked)).ids))  # fmt: skip
        return domain

    def _list_calls(self, checked, key):
        domain = self._calls_domain(checked)
        if key is not None:
            domain.append(("user_id", "=", self._user_key(key)))
        return self.env._("Calls to make"), "mail.activity", domain, {}
