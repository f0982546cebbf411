"""Benchmark: sending a billing run's invoices as Factur-X against Odoo 19's own Send & Print.

    prlimit --as=2684354560:unlimited \
        python3 bench/facturx.py -c CONFIG -d DATABASE [--invoices 500]

The database needs both our addons. Each run builds a new French company (EUR, SIREN, VAT,
French chart) with ``--invoices`` clients who agreed to receive Factur-X by email, each with an
active engagement letter, and bills them once (one invoice each). Then, on the same invoices:

- ours: what the sending cron does, a sending queued for the invoices and sent by chunks of
  100 (``cabinet.einvoice.batch.line._send``): the French data checks, the XSD and the EN 16931
  and BR-FR schematrons (in the long-lived checker process, while the chunk's PDFs render),
  one report render per chunk split per invoice, the CII XML built and embedded in the
  PDF/A-3, PDF and XML kept where Odoo keeps them, then Odoo's Send & Print for the emails
  (its template, one email per invoice queued, the chatter logged), which renders nothing again;
- Odoo: ``account.move.send._generate_and_send_invoices`` with the email method, which renders
  each invoice's PDF (and sends the email, queued here).

Like an Odoo server, the script sets its own address-space limit (``limit_memory_hard``,
2560 MiB by default, as the soft ``RLIMIT_AS``, with Odoo's own function) and refuses to run
without one: Saxon cannot run under it, so the checks are measured the way a server runs them.

With Debian's wkhtmltopdf (without the patched Qt) a render call makes one document only, and
each call mostly waits for the report's JavaScript delay (``report.print_delay``, 1 s): Odoo's
flow renders invoice by invoice; ours renders the chunk's HTML once and runs the calls side by
side (``cabinet_online_services.pdf_render_workers``, 8 by default).

Both run in a savepoint rolled back afterwards. ``checks_ms`` is the time per invoice of all
the checks alone, by chunks (French data, XML build, XSD, both schematrons); ``pdf_ms`` the time
per invoice of our batched PDF render alone; ``checks_pct`` the first over the second. In a
send the checks run while the PDFs render: ``send_wait_ms`` is what they add to it, the time
per invoice the send waits for the checker once its PDFs are rendered. The checker process is
started before the timings (its start, once per server process, is printed apart).

``ours_in_odoo_send_s`` times the same invoices sent through Odoo's Send & Print with our
format (``invoice_edi_format`` "cabinet_facturx"), by chunks of 100 as its batch sending does.

Last line: RESULT facturx invoices=<n> ours_s=<s> odoo_send_s=<s> speedup=<x>
ours_in_odoo_send_s=<s> checks_ms=<ms> pdf_ms=<ms> checks_pct=<p> send_wait_ms=<ms>
rlimit_as=<bytes>
"""

import argparse
import random
import resource
import sys
import time
from datetime import date
from pathlib import Path

# This script is named like the factur-x library: its folder must not shadow it.
sys.path[:] = [entry for entry in sys.path
               if Path(entry or ".").resolve() != Path(__file__).resolve().parent]  # fmt: skip
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "data"))

# Imported before Odoo, whose import hooks would keep python-stdnum from reading its data.
import demo_firm  # noqa: E402
import facturx  # noqa: E402, F401

CHUNK = 100
RUN_DATE = date(2026, 11, 25)
AGREED_ON = date(2026, 10, 1)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--invoices", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args(argv)


def build_invoices(env, count, seed):
    """A new French company, ``count`` clients with a letter each, one billing run."""
    rng = random.Random(seed)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    company, env = demo_firm.new_french_company(
        env, f"Cabinet Factur-X {stamp}", rng, street="1 rue de la Paix", zip="75002",
        city="Paris", email="facturation@cabinet.example",
    )  # fmt: skip
    used = set(env["res.partner"].with_context(active_test=False).search(
        [("siren", "!=", False)]).mapped("siren"))  # fmt: skip
    demo_firm.add_bank_account(env, company, rng)
    vat_20 = env["account.tax"].search(
        [("company_id", "=", company.id), ("type_tax_use", "=", "sale"), ("amount", "=", 20),
         ("amount_type", "=", "percent")], limit=1,
    )  # fmt: skip
    products = env["product.product"].create(
        [
            {"name": "Tableau de bord", "type": "service", "is_online_service": True,
             "list_price": 30.0, "company_id": company.id, "taxes_id": [(6, 0, vat_20.ids)]},
            {"name": "Paie en ligne", "type": "service", "is_online_service": True,
             "list_price": 12.0, "company_id": company.id, "taxes_id": [(6, 0, vat_20.ids)]},
        ]
    )  # fmt: skip
    clients = env["res.partner"].create(
        [
            {"name": f"Client Factur-X {index:05d}", "is_company": True,
             "country_id": env.ref("base.fr").id,
             "company_registry": demo_firm.make_siret(demo_firm.make_siren(rng, used), rng),
             "street": f"{index} avenue de la République", "zip": "69003", "city": "Lyon",
             "email": f"compta{index}@client.example", "invoice_edi_format": "cabinet_facturx",
             "einvoice_agreed_on": AGREED_ON}
            for index in range(count)
        ]
    )  # fmt: skip
    letters = env["cabinet.engagement.letter"].create(
        [
            {"partner_id": client.id, "company_id": company.id, "start_date": "2026-12-01",
             "payment_mode_id": False, "payment_term_id": env.ref(
                 "account.account_payment_term_30days").id,
             "line_ids": [(0, 0, {"product_id": products[0].id, "quantity": 1}),
                          (0, 0, {"product_id": products[1].id,
                                  "quantity": rng.randint(1, 5)})]}
            for client in clients
        ]
    )  # fmt: skip
    letters.action_send()
    letters.action_sign()
    letters.action_activate()
    result = env["cabinet.billing.run"].run_billing(RUN_DATE)
    env.cr.commit()
    invoices = env["account.move"].browse(result["invoice_ids"])
    print(f"Built {company.name}: {len(invoices)} posted invoices")
    return env, invoices


def apply_memory_limit():
    """The address-space limit an Odoo server sets itself (``limit_memory_hard`` as the soft
    ``RLIMIT_AS``), set here by Odoo's own function; without one, the script stops."""
    from odoo.service import server
    from odoo.tools import config

    server.set_limit_memory_hard()
    soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY or not config["limit_memory_hard"]:
        sys.exit(
            "No address-space limit: set limit_memory_hard (Odoo's default is 2560 MiB) and "
            "run under prlimit --as=2684354560:unlimited, as a server runs."
        )
    print(f"RLIMIT_AS: {soft} bytes (limit_memory_hard)")
    return soft


def timed(env, label, work):
    env.flush_all()
    env.cr.execute("SAVEPOINT bench")
    started = time.perf_counter()
    result = work()
    env.flush_all()
    seconds = time.perf_counter() - started
    env.cr.execute("ROLLBACK TO SAVEPOINT bench")
    env.invalidate_all()
    print(f"{label}: {seconds:.2f} s", flush=True)
    return seconds, result


def main(argv=None):
    args = parse_args(argv)
    import odoo  # noqa: PLC0415
    from odoo import api  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    rlimit_as = apply_memory_limit()
    with Registry(args.database).cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        env, invoices = build_invoices(env, args.invoices, args.seed)
        from odoo.addons.cabinet_online_services.models.ir_actions_report import (  # noqa: PLC0415
            DEFAULT_WORKERS,
            WORKERS_PARAM,
            wkhtmltopdf_renders_many,
        )

        workers = int(env["ir.config_parameter"].get_param(WORKERS_PARAM, 0)) or DEFAULT_WORKERS
        print(
            "wkhtmltopdf: "
            + ("patched Qt, one call per chunk" if wkhtmltopdf_renders_many()
               else f"unpatched Qt, one call per invoice, {workers} side by side")
        )  # fmt: skip

        from odoo.addons.cabinet_online_services.tools import facturx_checker

        started = time.perf_counter()
        facturx_checker.checker().close()
        facturx_checker.check([invoices[0]._cabinet_facturx_xml()])
        seconds = time.perf_counter() - started
        print(f"checker process start (once per server process): {seconds:.2f} s")
        chunks = [invoices[start : start + CHUNK] for start in range(0, len(invoices), CHUNK)]

        def checks_only():
            for chunk in chunks:
                missing = chunk._cabinet_facturx_missing()
                rejected = chunk._cabinet_facturx_rejections()
                if missing or rejected:
                    raise RuntimeError(f"checks failed: {missing} {rejected}")

        label = "ours: checks alone (French data, XML, XSD, schematrons)"
        checks_s, _r = timed(env, label, checks_only)

        def pdf_only():
            for chunk in chunks:
                chunk._cabinet_invoice_pdfs()

        pdf_s, _r = timed(env, "ours: PDF render alone, in chunks", pdf_only)

        def ours():
            batch = env["cabinet.einvoice.batch"]._queue(invoices)
            for start in range(0, len(batch.line_ids), CHUNK):
                batch.line_ids[start : start + CHUNK]._send()
            states = set(batch.line_ids.mapped("state"))
            if states != {"queued"}:
                raise RuntimeError(f"not all sent: {batch.line_ids.mapped('message')}")

        waited = facturx_checker.checker().waited
        ours_s, _r = timed(env, "ours: send (checks, render, embed, store, email)", ours)
        waited = facturx_checker.checker().waited - waited
        print(f"ours: send waiting for the checker after the render: {waited:.2f} s")

        def ours_in_odoo_send():
            for chunk in chunks:
                env["account.move.send"]._generate_and_send_invoices(
                    chunk, sending_methods=["email"], invoice_edi_format="cabinet_facturx"
                )
            if not all(invoices.mapped("ubl_cii_xml_id")):
                raise RuntimeError("Odoo's Send did not issue our Factur-X")

        label = "ours in Odoo's Send & Print (format Factur-X checked, by chunks)"
        in_send_s, _r = timed(env, label, ours_in_odoo_send)

        def odoo_send():
            # One invoice at a time when wkhtmltopdf cannot render several documents per call
            # (Debian's build, without the patched Qt): Odoo's batch render refuses then.
            # Odoo's own document: its PDF with its CII embedded, no e-invoice format chosen.
            batches = [invoices] if wkhtmltopdf_renders_many() else list(invoices)
            for batch in batches:
                env["account.move.send"]._generate_and_send_invoices(
                    batch, sending_methods=["email"], invoice_edi_format=None
                )

        odoo_s, _r = timed(env, "Odoo Send & Print", odoo_send)
        cr.rollback()
    count = len(invoices)
    checks_ms = 1000 * checks_s / count
    wait_ms = 1000 * waited / count
    pdf_ms = 1000 * pdf_s / count
    print(
        f"RESULT facturx invoices={count} ours_s={ours_s:.2f} odoo_send_s={odoo_s:.2f} "
        f"speedup={odoo_s / ours_s:.2f} ours_in_odoo_send_s={in_send_s:.2f} "
        f"checks_ms={checks_ms:.1f} pdf_ms={pdf_ms:.1f} "
        f"checks_pct={100 * checks_ms / pdf_ms:.1f} send_wait_ms={wait_ms:.1f} "
        f"rlimit_as={rlimit_as}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
