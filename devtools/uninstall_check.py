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
        modules = env["ir.module.module"].search([("name", "in", list(odooenv.OUR_MODULES))])
        modules.button_immediate_uninstall()
    with Registry(args.database).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        left = []
        states = env["ir.module.module"].search_read(
            [("name", "in", list(odooenv.OUR_MODULES))], ["name", "state"]
        )
        left += [
            f"module {m['name']} is {m['state']}" for m in states if m["state"] != "uninstalled"
        ]
        left += [
            f"model {m.model}" for m in env["ir.model"].search([("model", "=like", "cabinet.%")])
        ]
        left += [
            f"field {f.model}.{f.name}"
            for f in env["ir.model.fields"].search([("modules", "ilike", "cabinet_")])
        ]
        left += [
            f"data {d.module}.{d.name}"
            for d in env["ir.model.data"].search([("module", "in", list(odooenv.OUR_MODULES))])
        ]
        cr.execute(
            "SELECT table_name || '.' || column_name FROM information_schema.columns "
            "WHERE table_name = 'res_partner' AND column_name IN ('payer_id', 'siren')"
        )
        left += [f"column {row[0]}" for row in cr.fetchall()]
    for line in left:
        print("left after uninstall:", line)
    print("uninstall: clean" if not left else f"uninstall: {len(left)} things left")
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main())
