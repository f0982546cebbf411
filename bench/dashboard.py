"""Benchmark: the collection dashboard and "My clients" against Community's aged grouping.

    prlimit --as=2684354560:unlimited python3 bench/dashboard.py -c CONFIG -d DATABASE \
        [--clients 5000] [--invoices-per-client 12]

The book is the dunning bench's (data/demo_firm.py: 5,000 clients, 60,000 invoices, their
payments; built and committed on the first run, then reused). Measured in the server process,
as a request would run them (every cache emptied first):

- ours: ``cabinet.dunning.dashboard.get_figures`` for the whole company: the aged balance today
  and at the end of the last 12 months, DSO and its trend, days late of paid invoices, the
  period's invoices and new clients, disputes, litigation, promises, the top 20 lists and the
  day's to-do per user; then on the clients of one account manager holding about 1,000
  invoices (the query count must be the same);
- "My clients": the first page (80 rows, by amount overdue) of ``cabinet.dunning.client``;
- the peer: what Odoo Community offers for an aged balance (``account_reports`` is
  Enterprise): the open receivable lines grouped by client, one grouped read per age bucket
  (not due, 1-30, 31-60, 61-90, over 90 days), today only.

Server time is the median of 5 runs after a warm-up run. The script runs the way a server
runs: Odoo's ``limit_memory_hard`` is applied as RLIMIT_AS.

Last line: RESULT dashboard clients=<n> ours_ms=<ms> peer_ms=<ms> mes_clients_ms=<ms>
queries_small=<n> queries_all=<n>
"""

import resource
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# Imported before Odoo (its book builder reads python-stdnum's data before Odoo's hooks).
import dunning  # noqa: E402

REPEAT = 5
SUBSET_INVOICES = 1000


def timed(env, work):
    """(median ms, queries of a run, result): after one warm-up run (the process's first
    call also loads what any server has loaded already), each run starts with the
    records' cache emptied, as a new request does."""
    work()
    times, queries, result = [], None, None
    for _index in range(REPEAT):
        env.invalidate_all()
        before = env.cr.sql_log_count
        started = time.perf_counter()
        result = work()
        times.append((time.perf_counter() - started) * 1000)
        queries = env.cr.sql_log_count - before
    return statistics.median(times), queries, result


def peer_aged_balance(env, today):
    """Community's aged balance: open receivable lines by client, one read per bucket."""
    base = [
        ("account_type", "=", "asset_receivable"),
        ("parent_state", "=", "posted"),
        ("reconciled", "=", False),
        ("company_id", "=", env.company.id),
    ]
    buckets = [
        [("date_maturity", ">=", today)],
        [("date_maturity", "<", today), ("date_maturity", ">=", today - timedelta(days=30))],
        [("date_maturity", "<", today - timedelta(days=30)),
         ("date_maturity", ">=", today - timedelta(days=60))],
        [("date_maturity", "<", today - timedelta(days=60)),
         ("date_maturity", ">=", today - timedelta(days=90))],
        [("date_maturity", "<", today - timedelta(days=90))],
    ]  # fmt: skip
    Line = env["account.move.line"]
    return [
        Line._read_group(base + bucket, ["partner_id"], ["amount_residual:sum"])
        for bucket in buckets
    ]


def subset_manager(env, company):
    """An account manager for the first clients holding about 1,000 invoices."""
    login = "bench_dashboard_manager"
    manager = env["res.users"].search([("login", "=", login)])
    if not manager:
        manager = env["res.users"].create(
            {"name": "Gestionnaire du banc", "login": login, "company_id": company.id,
             "company_ids": company.ids}
        )  # fmt: skip
    counts = env["account.move"]._read_group(
        [("move_type", "=", "out_invoice"), ("state", "=", "posted"),
         ("company_id", "=", company.id)],
        ["partner_id"], ["__count"], order="partner_id",
    )  # fmt: skip
    chosen, total = [], 0
    for partner, count in counts:
        if total >= SUBSET_INVOICES:
            break
        chosen.append(partner.id)
        total += count
    env["res.partner"].browse(chosen).write({"user_id": manager.id})
    env.cr.commit()
    return manager, len(chosen), total


def main(argv=None):
    args = dunning.parse_args(argv, description=__doc__.splitlines()[0])
    import odoo  # noqa: PLC0415
    from odoo import api, fields  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415
    from odoo.service.server import set_limit_memory_hard  # noqa: PLC0415

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    set_limit_memory_hard()
    print(f"RLIMIT_AS: {resource.getrlimit(resource.RLIMIT_AS)[0]} bytes", flush=True)
    with Registry(args.database).cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        dunning.ensure_book(env, args.clients, args.invoices_per_client)
        company = env.ref("base.main_company")
        env = env(context={**env.context, "allowed_company_ids": company.ids})
        today = fields.Date.context_today(env["res.partner"])
        manager, subset_clients, subset_invoices = subset_manager(env, company)
        clients = env["cabinet.dunning.client"].search_count([("company_id", "=", company.id)])
        invoices = env["account.move"].search_count(
            [("move_type", "=", "out_invoice"), ("state", "=", "posted"),
             ("company_id", "=", company.id)]
        )  # fmt: skip
        print(f"{clients} clients with an open balance, {invoices} posted invoices; subset: "
              f"{subset_clients} clients, {subset_invoices} invoices")  # fmt: skip
        Dashboard = env["cabinet.dunning.dashboard"]
        ours_ms, queries_all, figures = timed(env, lambda: Dashboard.get_figures({}))
        print(f"ours, all clients: {ours_ms:.0f} ms, {queries_all} queries, aged total "
              f"{figures['aged']['total']:.2f}, DSO {figures['dso']['days']} days")  # fmt: skip
        small_ms, queries_small, small = timed(
            env, lambda: Dashboard.get_figures({"account_manager_id": manager.id})
        )
        print(f"ours, subset: {small_ms:.0f} ms, {queries_small} queries, aged total "
              f"{small['aged']['total']:.2f}")  # fmt: skip
        clients_ms, clients_queries, _rows = timed(
            env,
            lambda: env["cabinet.dunning.client"].search_read(
                [("company_id", "=", company.id)],
                ["partner_id", "amount_due", "amount_overdue", "days_late", "level_id",
                 "next_action", "next_action_date"],
                limit=80,
            ),
        )  # fmt: skip
        print(f"My clients, first page: {clients_ms:.0f} ms, {clients_queries} queries")
        peer_ms, peer_queries, groups = timed(env, lambda: peer_aged_balance(env, today))
        peer_total = sum(amount for bucket in groups for _partner, amount in bucket)
        print(f"peer (Community aged grouping, today only): {peer_ms:.0f} ms, {peer_queries} "
              f"queries, total {peer_total:.2f}")  # fmt: skip
        cr.rollback()
    print(
        f"RESULT dashboard clients={clients} ours_ms={ours_ms:.0f} peer_ms={peer_ms:.0f} "
        f"mes_clients_ms={clients_ms:.0f} queries_small={queries_small} "
        f"queries_all={queries_all}"
    )


if __name__ == "__main__":
    main()
