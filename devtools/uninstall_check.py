"""Uninstall both addons from a database and check that nothing of theirs is left.

Run as ``python3 -m devtools.uninstall_check -c CONFIG -d DB [--logfile FILE]``.
"""

import argparse
import sys

from . import odooenv


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--logfile")
    args = parser.parse_args(argv)

    import odoo  # noqa: PLC0415 - Odoo is optional for the rest of devtools
    from odoo.modules.registry import Registry  # noqa: PLC0415

    options = ["-c", args.config, "-d", args.database]
    if args.logfile:
        options.append(f"--logfile={args.logfile}")
    odoo.tools.config.parse_config(options, setup_logging=True)
    with Registry(args.database).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        ours = list(odooenv.OUR_MODULES)
        field_ids = (
            env["ir.model.data"]
            .search([("module", "in", ours), ("model", "=", "ir.model.fields")])
            .mapped("res_id")
        )
        # (table, column) of every stored field that only our modules define: all must go
        our_fields = [
            (env[f.model]._table if f.model in env else f.model.replace(".", "_"), f.name)
            for f in env["ir.model.fields"].browse(field_ids)
            if f.store and set(f.modules.split(", ")) <= set(ours)
        ]
        env["ir.module.module"].search([("name", "in", ours)]).button_immediate_uninstall()
    with Registry(args.database).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        left = [
            f"module {m.name} is {m.state}"
            for m in env["ir.module.module"].search([("name", "in", ours)])
            if m.state != "uninstalled"
        ]
        left += [
            f"model {m.model}" for m in env["ir.model"].search([("model", "=like", "cabinet.%")])
        ]
        left += [
            f"data {d.module}.{d.name} ({d.model})"
            for d in env["ir.model.data"].search([("module", "in", ours)])
        ]
        for table, column in our_fields:
            cr.execute(
                "SELECT 1 FROM information_schema.columns WHERE table_name = %s "
                "AND column_name = %s",
                [table, column],
            )
            if cr.fetchone():
                left.append(f"column {table}.{column}")
        cr.execute("SELECT relname FROM pg_class WHERE relname LIKE 'cabinet\\_%%'")
        left += [f"table {row[0]}" for row in cr.fetchall()]
    for line in left:
        print("left after uninstall:", line)
    print(
        f"uninstall: clean ({len(our_fields)} stored fields dropped)"
        if not left
        else f"uninstall: {len(left)} things left"
    )
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main())
