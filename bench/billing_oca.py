"""OCA ``contract`` side of the subscription invoicing benchmark (bench/billing.py).

Customer contracts are created in one batched ``create``, billed monthly in advance
("pre-paid") with a fixed unit price, and invoiced the way OCA's daily cron does
(``contract.contract.cron_recurring_create_invoice``), then posted, since OCA leaves its
invoices in draft.

Billing dates. OCA bills a line on its ``recurring_next_date``; for a pre-paid line this is the
first day of its next period, ``next_period_date_start``, which is the day after
``last_date_invoiced`` or, for a line never invoiced, its ``date_start``. Each line of these
contracts carries its own schedule (``line_recurrence``), so that it keeps its own start and end
dates. A line that started before the billing date is recorded as invoiced up to the day before
it (``last_date_invoiced``): its next period is the month starting on the billing date, billed
on the billing date, and the next ones follow month after month from there.

Proration. OCA ``contract`` 19.0 has no proration: ``contract.line._get_quantity_to_invoice``
always returns the line's quantity, whatever part of the period it covers. A line that stops
in the billed month is billed for the whole month (its period is only cut at ``date_end``). A
line that starts after the billing date cannot be billed on it (OCA forbids a next invoice
date before a line's start): it is first billed on its own start date, for a month from that
day, on a separate invoice, and is not part of the run on the billing date.
"""

import datetime
import sys

from dateutil.relativedelta import relativedelta

CONTRACT_MODULE = "contract"


def ensure_contract_installed(registry_cls, database, api, superuser):
    """Install OCA ``contract`` in ``database`` when it is not installed yet.

    Runs in its own cursor, committed when the block ends, like the other ``ensure_*``
    helpers of the benchmarks.
    """
    with registry_cls(database).cursor() as cr:
        env = api.Environment(cr, superuser, {})
        Module = env["ir.module.module"]
        module = Module.search([("name", "=", CONTRACT_MODULE)])
        if not module:
            Module.update_list()
            module = Module.search([("name", "=", CONTRACT_MODULE)])
        if not module:
            sys.exit(
                "OCA contract is not available to Odoo: pip install 'odoo-addon-contract==19.0.*'"
            )
        if module.state != "installed":
            module.button_immediate_install()


def _to_date(value):
    """Return ``value`` (a date, a datetime or an ISO string) as a ``datetime.date``."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, str):
        return datetime.date.fromisoformat(value)
    return value


def _line_schedule(date_start, date_end, start_date):
    """Return the OCA schedule fields of a line so that it is billed on ``start_date``.

    A line started before ``start_date`` is marked invoiced up to the day before, so that its
    next period is the month starting on ``start_date``, billed in advance on that day. A line
    starting on or after ``start_date`` is left uninvoiced: OCA bills it on its start date. A
    line already over before ``start_date`` is marked invoiced up to its end: OCA leaves it.
    """
    if date_end and date_end < start_date:
        return {"last_date_invoiced": date_end, "recurring_next_date": False}
    if date_start < start_date:
        return {
            "last_date_invoiced": start_date - relativedelta(days=1),
            "recurring_next_date": start_date,
        }
    return {"last_date_invoiced": False, "recurring_next_date": date_start}


def create_contracts(env, specs, journal, start_date):
    """Create one OCA customer contract per spec, in one batched ``create``.

    ``specs``: dicts ``{"partner_id": int, "payment_term_id": int | False, "lines": [
    {"product_id": int, "name": str, "quantity": float, "price_unit": float,
    "date_start": date, "date_end": date | None}]}``. ``journal``: the sales journal of the
    invoices. ``start_date``: the billing date, first day of the month billed.

    Each contract is a sale contract billed every month, in advance ("pre-paid"), with fixed
    unit prices (``automatic_price`` off, the price kept in ``specific_price``, which
    ``price_unit`` reads), and a schedule per line (``line_recurrence``). A line started before
    ``start_date`` gets ``last_date_invoiced`` = the day before and ``recurring_next_date`` =
    ``start_date``: one run of :func:`run_contract_invoicing` on ``start_date`` bills it for
    the month starting on ``start_date``, on one invoice per contract. OCA contract 19.0 does
    not prorate: a line ending in that month is billed for the whole month, and a line starting
    after ``start_date`` is billed on its own start date, outside that run (see the module
    docstring). Returns the ``contract.contract`` records, in the order of ``specs``.
    """
    start_date = _to_date(start_date)
    common = {
        "contract_type": "sale",
        "journal_id": journal.id,
        "line_recurrence": True,
        "recurring_rule_type": "monthly",
        "recurring_interval": 1,
        "recurring_invoicing_type": "pre-paid",
    }
    line_common = {
        "recurring_rule_type": "monthly",
        "recurring_interval": 1,
        "recurring_invoicing_type": "pre-paid",
        "automatic_price": False,
    }
    vals_list = []
    for index, spec in enumerate(specs, start=1):
        line_vals = []
        for sequence, line in enumerate(spec["lines"], start=1):
            date_start = _to_date(line["date_start"])
            date_end = _to_date(line.get("date_end")) or False
            line_vals.append(
                (0, 0, {
                    **line_common,
                    "sequence": sequence,
                    "product_id": line["product_id"],
                    "name": line["name"],
                    "quantity": line["quantity"],
                    "specific_price": line["price_unit"],
                    "date_start": date_start,
                    "date_end": date_end,
                    **_line_schedule(date_start, date_end, start_date),
                })
            )  # fmt: skip
        contract_start = min((vals[2]["date_start"] for vals in line_vals), default=start_date)
        vals_list.append(
            {
                **common,
                "name": spec.get("name") or f"Abonnement {index}",
                "partner_id": spec["partner_id"],
                "payment_term_id": spec.get("payment_term_id") or False,
                "date": contract_start,
                "date_start": contract_start,
                "contract_line_ids": line_vals,
            }
        )
    return env["contract.contract"].create(vals_list)


def run_contract_invoicing(env, date_ref):
    """Invoice the contracts due on ``date_ref`` as OCA's cron does, post and return them.

    Calls ``contract.contract.cron_recurring_create_invoice(date_ref)`` (the method of OCA's
    daily cron "Generate Recurring Invoices from Contracts"): every contract whose
    ``recurring_next_date`` is on or before ``date_ref`` gets its invoice, one batched
    ``account.move.create`` per company. OCA leaves them in draft, so the new ones are posted
    here with ``action_post``. Returns the invoices created by this run (``account.move``).
    """
    date_ref = _to_date(date_ref)
    moves = env["account.move"]
    env.flush_all()
    env.cr.execute("SELECT COALESCE(MAX(id), 0) FROM account_move")
    last_id = env.cr.fetchone()[0]
    env["contract.contract"].cron_recurring_create_invoice(date_ref)
    invoices = moves.search(
        [("id", ">", last_id), ("invoice_line_ids.contract_line_id", "!=", False)],
        order="id",
    )
    invoices.filtered(lambda move: move.state == "draft").action_post()
    return invoices
