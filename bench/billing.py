"""Benchmark: our monthly billing run against OCA contract and plain account.move.create.

    python3 bench/billing.py -c CONFIG -d DATABASE [--letters 3000] [--seed 1]

The database needs both our addons; OCA ``contract`` is installed in it when missing. Each run
builds a new firm (a company with the French chart) of ``--letters`` active engagement letters,
so it never depends on an earlier run: every client has a dashboard subscription, a payroll
subscription for 1 to 5 employees and the usage-based bookkeeping service; one letter in ten
adds its payroll on 10 December, one in twenty stops its dashboard on 20 December, and a
third of the clients used bookkeeping entries in October (imported from a vendor CSV, billed
at graduated tiers). The book is taken over on 1 December: what came before is marked billed.

Three ways do one monthly billing of December (create and post the invoices):

- ours: the billing run of the cron (chunks of 200 clients, each committed; December billed in
  advance on 25 November, prorated lines, October usage on the same invoice);
- floor: the same invoices created by one ``account.move.create(vals_list)`` and posted by one
  ``action_post()``, all in one transaction: Odoo's own cost of making these invoices;
- OCA ``contract`` 19.0: one contract per letter with the same lines (the usage as fixed
  lines at the tier prices), invoiced by its cron method on 1 December and posted. OCA does not
  prorate: a line stopping on 20 December is billed for the month, and a line starting on
  10 December is billed on its own start date, outside this run.

The floor and OCA run in a savepoint rolled back afterwards; ours runs last and commits, as in
production. Queries are counted on the cursor (``sql_log_count``).

Last line: RESULT billing ours_s=<s> oca_contract_s=<s> floor_s=<s> speedup=<x>
floor_ratio=<x> queries_per_invoice=<n>
"""

import argparse
import base64
import random
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "data"))

# Imported before Odoo, whose import hooks would keep python-stdnum from reading its data.
import demo_firm  # noqa: E402

RUN_DATE = date(2026, 11, 25)
PERIOD_START = date(2026, 12, 1)
LETTER_START = date(2026, 10, 1)
TAKEN_OVER_UNTIL = date(2026, 11, 30)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--letters", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args(argv)


def build_firm(env, letters_count, seed):
    """A new company with ``letters_count`` active letters and October usage to bill."""
    rng = random.Random(seed)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    company, env = demo_firm.new_french_company(env, f"Cabinet bench {stamp}", rng)
    vendor = env["res.partner"].create({"name": f"Éditeur bench {stamp}", "is_company": True})
    product = env["product.product"]
    dashboard, payroll = product.create(
        [
            {"name": "Tableau de bord", "type": "service", "is_online_service": True,
             "list_price": 30.0, "company_id": company.id},
            {"name": "Paie en ligne (par salarié)", "type": "service",
             "is_online_service": True, "list_price": 12.0, "company_id": company.id},
        ]
    )  # fmt: skip
    entries = product.create(
        {
            "name": "Saisie des écritures",
            "type": "service",
            "is_online_service": True,
            "online_service_billing": "usage",
            "list_price": 0.10,
            "standard_price": 0.04,
            "service_vendor_id": vendor.id,
            "vendor_service_code": f"ECR-{stamp}",
            "usage_tier_ids": [(0, 0, {"from_quantity": 500, "unit_price": 0.08}),
                               (0, 0, {"from_quantity": 2000, "unit_price": 0.05})],
            "company_id": company.id,
        }
    )  # fmt: skip
    term = env.ref("account.account_payment_term_30days")
    partners = env["res.partner"].create(
        [
            {"name": f"Client bench {index:05d}", "is_company": True,
             "online_services_account_code": f"B{stamp}-{index}",
             "property_payment_term_id": term.id}
            for index in range(letters_count)
        ]
    )  # fmt: skip
    letter_vals = []
    for partner in partners:
        payroll_start = date(2026, 12, 10) if rng.random() < 0.1 else LETTER_START
        dashboard_end = date(2026, 12, 20) if rng.random() < 0.05 else False
        letter_vals.append(
            {
                "partner_id": partner.id,
                "company_id": company.id,
                "start_date": LETTER_START,
                "payment_mode_id": False,
                "payment_term_id": term.id,
                "line_ids": [
                    (0, 0, {"product_id": dashboard.id, "quantity": 1,
                            "date_start": LETTER_START, "date_end": dashboard_end}),
                    (0, 0, {"product_id": payroll.id, "quantity": rng.randint(1, 5),
                            "date_start": payroll_start}),
                    (0, 0, {"product_id": entries.id, "date_start": LETTER_START}),
                ],
            }
        )  # fmt: skip
    letters = env["cabinet.engagement.letter"].create(letter_vals)
    letters.action_send()
    letters.action_sign()
    letters.action_activate()
    letters.line_ids.filtered(lambda line: line.date_start < PERIOD_START).write(
        {"billing_skipped_until": TAKEN_OVER_UNTIL}
    )
    users = [partner for partner in partners if rng.random() < 1 / 3]
    csv = "client;service;période;quantité\n" + "".join(
        f"{partner.online_services_account_code};{entries.vendor_service_code};2026-10;"
        f"{rng.choice([120, 480, 900, 2600])}\n"
        for partner in users
    )
    statement = env["cabinet.usage.import"].create(
        {"name": "Relevé octobre", "kind": "usage", "vendor_id": vendor.id,
         "statement_month": "2026-10-01", "company_id": company.id,
         "file": base64.b64encode(csv.encode())}
    )  # fmt: skip
    statement.action_check()
    statement.action_import()
    company._online_services_journal()
    env.cr.commit()
    print(f"Firm built: {company.name}, {len(letters)} letters, {len(users)} usage lines")
    return env, company, letters


def oca_specs(letters):
    """One OCA contract per letter, with the same lines; usage as fixed lines at tier prices."""
    usage = letters.env["cabinet.usage.line"].search(
        [("partner_id", "in", letters.partner_id.ids), ("state", "=", "to_bill")]
    )
    usage_by_partner = {line.partner_id: line for line in usage}
    specs = []
    for letter in letters:
        lines = [
            {"product_id": line.product_id.id, "name": line.name, "quantity": line.quantity,
             "price_unit": line.price_unit, "date_start": line.date_start,
             "date_end": line.date_end or None}
            for line in letter.line_ids
            if line.billing_kind == "subscription"
        ]  # fmt: skip
        used = usage_by_partner.get(letter.partner_id)
        if used:
            product = used.product_id
            for segment in product.product_tmpl_id._usage_price_segments(used.quantity):
                lines.append(
                    {"product_id": product.id, "name": f"{product.name} octobre",
                     "quantity": segment.quantity, "price_unit": segment.unit_price,
                     "date_start": LETTER_START, "date_end": None}
                )  # fmt: skip
        specs.append({"partner_id": letter.partner_id.id,
                      "payment_term_id": letter.payment_term_id.id, "lines": lines})  # fmt: skip
    return specs


def timed(env, label, work, setup=None, rollback=True):
    """Run ``setup`` then ``work`` (timed), in a savepoint rolled back afterwards when
    ``rollback``; returns (seconds, queries, result of work)."""
    env.flush_all()
    if rollback:
        env.cr.execute("SAVEPOINT bench")
    context = setup() if setup else None
    env.flush_all()
    queries_before = env.cr.sql_log_count
    started = time.perf_counter()
    result = work(context)
    env.flush_all()
    seconds = time.perf_counter() - started
    queries = env.cr.sql_log_count - queries_before
    if rollback:
        env.cr.execute("ROLLBACK TO SAVEPOINT bench")
        env.invalidate_all()
    print(f"{label}: {seconds:.2f} s, {queries} queries, {result} invoices", flush=True)
    return seconds, queries, result


def invoice_vals(moves):
    """What it takes to create ``moves`` again with plain ``account.move.create``."""
    return [
        {
            "move_type": move.move_type,
            "partner_id": move.partner_id.id,
            "company_id": move.company_id.id,
            "journal_id": move.journal_id.id,
            "invoice_date": move.invoice_date,
            "invoice_origin": move.invoice_origin,
            "invoice_payment_term_id": move.invoice_payment_term_id.id,
            "invoice_line_ids": [
                (
                    0,
                    0,
                    {
                        "product_id": line.product_id.id,
                        "name": line.name,
                        "quantity": line.quantity,
                        "price_unit": line.price_unit,
                    },
                )
                for line in move.invoice_line_ids
            ],
        }  # fmt: skip
        for move in moves
    ]


def main(argv=None):
    args = parse_args(argv)
    import billing_oca  # noqa: PLC0415 - bench/ is put on the path above

    import odoo  # noqa: PLC0415
    from odoo import api  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    billing_oca.ensure_contract_installed(Registry, args.database, api, odoo.SUPERUSER_ID)
    with Registry(args.database).cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        env, company, letters = build_firm(env, args.letters, args.seed)
        Run = env["cabinet.billing.run"]

        def new_run(_context=None):
            return Run.create({"company_id": company.id, "run_date": RUN_DATE,
                               "trigger": "cron", "state": "queued"})  # fmt: skip

        # A first pass of ours, rolled back: it warms the caches and gives the floor its
        # invoices.
        captured = {}

        def dry_run(run):
            run._process()
            captured["vals"] = invoice_vals(run.invoice_ids)
            return len(run.invoice_ids)

        timed(env, "ours (warm-up, not committed)", dry_run, setup=new_run)

        def floor(_context):
            moves = env["account.move"].create(captured["vals"])
            moves.action_post()
            return len(moves)

        floor_s, floor_queries, floor_count = timed(env, "floor: create + post", floor)

        journal = company._online_services_journal()

        def oca_setup():
            return billing_oca.create_contracts(env, oca_specs(letters), journal, PERIOD_START)

        def oca(_contracts):
            return len(billing_oca.run_contract_invoicing(env, PERIOD_START))

        oca_s, _oca_queries, _oca_count = timed(env, "OCA contract", oca, setup=oca_setup)

        def ours(run):
            run._process(commit=True)
            return len(run.invoice_ids)

        run = new_run()
        env.cr.commit()
        ours_s, ours_queries, ours_count = timed(
            env, "ours (cron path, committed chunks)", ours, setup=lambda: run, rollback=False
        )
        env.cr.commit()
    per_invoice = ours_queries / max(ours_count, 1)
    print(f"ours: {ours_count / ours_s:.0f} invoices/s, {per_invoice:.1f} queries/invoice; "
          f"floor: {floor_count / floor_s:.0f} invoices/s, "
          f"{floor_queries / max(floor_count, 1):.1f} queries/invoice")  # fmt: skip
    print(
        f"RESULT billing ours_s={ours_s:.2f} oca_contract_s={oca_s:.2f} floor_s={floor_s:.2f} "
        f"speedup={oca_s / ours_s:.2f} floor_ratio={ours_s / floor_s:.2f} "
        f"queries_per_invoice={per_invoice:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
