"""Benchmark: our daily dunning run against OCA account_credit_control, same data, same run.

    prlimit --as=2684354560:unlimited python3 bench/dunning.py -c CONFIG -d DATABASE \
        [--clients 5000] [--invoices-per-client 12]

The database needs both our addons; OCA ``account_credit_control`` is installed in it when
missing. The first run builds the book with data/demo_firm.py (committed, then reused). Both
sides get an equivalent 5-level email policy (+5, +15, +30, +45, +60 days) and do the same
work: select the overdue invoices, record the reminders, render the emails (queued in Odoo's
mail queue, not sent, without the PDF that OCA's template attaches). Ours records the run, then
renders and queues the emails chunk by chunk as its sending cron does.
Each measurement runs inside a savepoint rolled back afterwards, so every side starts from the
same data; the reminders the book's own first run left waiting are cancelled first (a client
with a reminder waiting gets no other). The script runs the way a server runs: Odoo's
``limit_memory_hard`` is applied as RLIMIT_AS, as Odoo's server applies it.
Ours is measured twice, on about 1,000 overdue invoices and on all of them, to show
that its SQL query count does not grow with the number of invoices.

Last line: RESULT dunning ours_s=<s> oca_credit_control_s=<s> speedup=<x>
queries_1k=<n> queries_12k=<n>
"""

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "data"))

# Imported before Odoo, whose import hooks would keep python-stdnum from reading its data.
import demo_firm  # noqa: E402

LEVEL_DAYS = [5, 15, 30, 45, 60]
SEND_CHUNK = 200


def parse_args(argv, description=None):
    """The options of the benches on the dunning book (this one and bench/dashboard.py)."""
    parser = argparse.ArgumentParser(description=description or __doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--clients", type=int, default=5000)
    parser.add_argument("--invoices-per-client", type=int, default=12)
    return parser.parse_args(argv)


def ensure_credit_control(registry_cls, database, api, superuser):
    with registry_cls(database).cursor() as cr:
        env = api.Environment(cr, superuser, {})
        Module = env["ir.module.module"]
        module = Module.search([("name", "=", "account_credit_control")])
        if not module:
            Module.update_list()
            module = Module.search([("name", "=", "account_credit_control")])
        if not module:
            sys.exit(
                "OCA account_credit_control is not available to Odoo: "
                "pip install 'odoo-addon-account-credit-control==19.0.*'"
            )
        if module.state != "installed":
            module.button_immediate_install()


def ensure_book(env, clients, invoices_per_client):
    existing = env["res.partner"].search_count([("ref", "=like", f"{demo_firm.DEMO_REF_PREFIX}%")])
    if existing:
        print(f"Book already built: {existing} clients")
        return
    stats = demo_firm.build_firm(env, clients, invoices_per_client)
    env.cr.commit()
    print(f"Book built: {stats}")


def our_policy(env):
    policy = env["cabinet.dunning.policy"].create(
        {
            "name": "Bench: 5 email levels",
            "mode": "automatic",
            "min_interval_days": 0,
            "level_ids": [
                (0, 0, {"name": f"Niveau {index}", "sequence": index, "days_after_due": days,
                        "channel": "email"})
                for index, days in enumerate(LEVEL_DAYS, start=1)
            ],
        }
    )  # fmt: skip
    clients = env["res.partner"].search([("ref", "=like", "DEMO-%")])
    # Same work as OCA: every reminder is an email, whatever channel a client prefers.
    clients.write({"dunning_policy_id": policy.id, "dunning_channel": False})
    return clients


def oca_policy(env, company):
    receivables = env["account.account"].search(
        [("account_type", "=", "asset_receivable"), ("company_ids", "in", company.ids)]
    )
    template = env.ref("account_credit_control.email_template_credit_control_base")
    # Same work on both sides: emails rendered and queued, no PDF attached (ours attaches
    # none; OCA's template would render one PDF per client with wkhtmltopdf).
    template.report_template_ids = [(5, 0, 0)]
    policy = env["credit.control.policy"].create(
        {
            "name": "Bench: 5 email levels",
            "company_id": company.id,
            "account_ids": [(6, 0, receivables.ids)],
            "level_ids": [
                (0, 0, {"name": f"Niveau {index}", "level": index, "delay_days": days,
                        "computation_mode": "net_days", "channel": "email",
                        "email_template_id": template.id, "custom_text": "Relance",
                        "custom_mail_text": "<p>Relance</p>"})
                for index, days in enumerate(LEVEL_DAYS, start=1)
            ],
        }
    )  # fmt: skip
    company.credit_policy_id = policy
    return policy


def measure(env, label, work):
    """Run ``work`` in a savepoint rolled back afterwards; returns (seconds, queries, result)."""
    env.flush_all()
    env.cr.execute("SAVEPOINT bench")
    queries_before = env.cr.sql_log_count
    started = time.perf_counter()
    result = work()
    env.flush_all()
    seconds = time.perf_counter() - started
    queries = env.cr.sql_log_count - queries_before
    env.cr.execute("ROLLBACK TO SAVEPOINT bench")
    env.invalidate_all()
    print(f"{label}: {seconds:.2f} s, {queries} queries, {result}", flush=True)
    return seconds, queries, result


def overdue_lines(env, today, partner_ids=None):
    domain = [
        ("account_type", "=", "asset_receivable"),
        ("parent_state", "=", "posted"),
        ("reconciled", "=", False),
        ("amount_residual", ">", 0),
        ("date_maturity", "<", today),
    ]
    if partner_ids is not None:
        domain.append(("partner_id", "in", partner_ids))
    return env["account.move.line"].search_count(domain)


def main(argv=None):
    args = parse_args(argv)
    import odoo  # noqa: PLC0415
    from odoo import api, fields  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415
    from odoo.service.server import set_limit_memory_hard  # noqa: PLC0415

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    set_limit_memory_hard()
    print(f"RLIMIT_AS: {resource.getrlimit(resource.RLIMIT_AS)[0]} bytes", flush=True)
    ensure_credit_control(Registry, args.database, api, odoo.SUPERUSER_ID)
    with Registry(args.database).cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        ensure_book(env, args.clients, args.invoices_per_client)
        company = env.ref("base.main_company")
        env = env(context={**env.context, "allowed_company_ids": company.ids})
        today = fields.Date.context_today(env["res.partner"])
        clients = our_policy(env)
        oca = oca_policy(env, company)
        total_overdue = overdue_lines(env, today)
        # A subset of clients holding about 1,000 overdue invoices.
        share = max(1, round(len(clients) * min(1.0, 1000 / max(total_overdue, 1))))
        subset = clients[:share]
        subset_overdue = overdue_lines(env, today, subset.ids)
        print(f"{len(clients)} clients, {total_overdue} overdue invoices; subset: "
              f"{len(subset)} clients, {subset_overdue} overdue invoices")  # fmt: skip
        Run = env["cabinet.dunning.run"]
        Reminder = env["cabinet.dunning.line"]
        Reminder.search([("state", "in", ("proposed", "queued"))]).sudo().write(
            {"state": "cancelled"}
        )

        def ours(partner_ids=None):
            def work():
                run = Run.browse(Run.run_dunning(today, partner_ids=partner_ids))
                # What the sending cron does, chunk by chunk, less its commit per chunk.
                while queued := Reminder.search([("state", "=", "queued")], limit=SEND_CHUNK):
                    queued._send()
                return f"{run.done_count} reminders sent, {run.skipped_count} not reminded"

            return work

        _s, queries_small, _r = measure(env, "ours, subset", ours(subset.ids))
        ours_s, queries_all, _r = measure(env, "ours, all", ours())

        def credit_control():
            run = env["credit.control.run"].create({"date": today, "policy_ids": [(6, 0, oca.ids)]})
            run.generate_credit_lines()
            run.set_to_ready_lines()
            run.run_channel_action()
            return f"{len(run.line_ids)} credit control lines"

        oca_s, oca_queries, _r = measure(env, "OCA account_credit_control", credit_control)
        cr.rollback()
    print(
        f"RESULT dunning ours_s={ours_s:.2f} oca_credit_control_s={oca_s:.2f} "
        f"speedup={oca_s / ours_s:.1f} queries_1k={queries_small} queries_12k={queries_all}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
