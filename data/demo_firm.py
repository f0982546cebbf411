"""Build the French demo firm "Cabinet" in an Odoo 19 database where our addons are installed.

    python3 data/demo_firm.py -c CONFIG -d DATABASE [--clients 30] [--invoices-per-client 4]

The firm gets the French chart of accounts, clients of every segment (TPE, PME, large groups,
public bodies) with valid SIREN/SIRET and VAT numbers, addresses and payer cards, and posted
customer invoices of various ages: some paid (reconciled), some partly paid, the rest open,
and one open credit note; with the online services, e-invoicing preferences (public bodies on
Chorus Pro, some clients on Factur-X), letters in every state and a first billing run.
Everything is created in batches (one ``create`` per chunk of records), so ``--clients 5000
--invoices-per-client 12`` builds a benchmark-size book.
The same seed always gives the same firm. Benchmarks import ``build_firm`` from here.
"""

import argparse
import base64
import random
import sys
import time
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from stdnum import iban, luhn

CHUNK = 500
DEMO_REF_PREFIX = "DEMO-"

SURNAMES = [
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau",
    "Laurent", "Simon", "Michel", "Lefebvre", "Leroy", "Roux", "David", "Bertrand", "Morel",
    "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent",
    "Muller", "Lefèvre", "Faure", "André", "Mercier", "Blanc", "Guérin", "Boyer", "Garnier",
    "Chevalier", "François", "Legrand", "Gauthier", "Garcia", "Perrin", "Robin", "Clément",
    "Morin", "Nicolas", "Henry", "Roussel", "Mathieu", "Gautier", "Masson",
]  # fmt: skip
FIRST_NAMES = [
    "Marie", "Jean", "Nathalie", "Pierre", "Isabelle", "Philippe", "Sylvie", "Michel",
    "Catherine", "Alain", "Sophie", "Nicolas", "Claire", "Julien", "Céline", "Thomas", "Camille",
    "Laurent", "Julie", "Stéphane", "Aurélie", "Olivier", "Élodie", "Christophe", "Manon",
    "François", "Léa", "David", "Chloé", "Éric",
]  # fmt: skip
# (city, postcode, streets)
CITIES = [
    ("Paris", "75011", ["rue Oberkampf", "boulevard Voltaire", "rue de la Roquette"]),
    ("Lyon", "69003", ["cours Lafayette", "rue Garibaldi", "avenue Félix Faure"]),
    ("Marseille", "13006", ["rue Paradis", "cours Julien", "rue de Rome"]),
    ("Toulouse", "31000", ["rue d'Alsace-Lorraine", "allée Jean Jaurès", "rue de Metz"]),
    ("Nantes", "44000", ["rue Crébillon", "quai de la Fosse", "rue de Strasbourg"]),
    ("Bordeaux", "33000", ["cours de l'Intendance", "rue Sainte-Catherine", "quai des Chartrons"]),
    ("Lille", "59000", ["rue Nationale", "boulevard de la Liberté", "rue Esquermoise"]),
    ("Rennes", "35000", ["rue Le Bastard", "boulevard de la Liberté", "rue de Saint-Malo"]),
    ("Strasbourg", "67000", ["rue du Vieux-Marché-aux-Poissons", "quai Saint-Nicolas"]),
    ("Montpellier", "34000", ["rue Foch", "boulevard du Jeu de Paume", "rue de la Loge"]),
    ("Dijon", "21000", ["rue de la Liberté", "boulevard Carnot"]),
    ("Angers", "49100", ["rue Saint-Aubin", "boulevard du Roi René"]),
    ("Tours", "37000", ["rue Nationale", "boulevard Béranger"]),
    ("Annecy", "74000", ["rue Royale", "avenue de Genève"]),
    ("Clermont-Ferrand", "63000", ["rue du 11 Novembre", "boulevard Trudaine"]),
]  # fmt: skip
TPE_PATTERNS = [
    "Boulangerie {s}", "Garage {s}", "Plomberie {s}", "Cabinet infirmier {s}", "Fleurs {s}",
    "Menuiserie {s}", "Électricité {s}", "Coiffure {f}", "Restaurant Chez {f}", "Taxi {s}",
    "EURL {s} Conseil", "Librairie {s}", "Pharmacie {s}", "Boucherie {s}", "Auto-école {s}",
]  # fmt: skip
PME_PATTERNS = [
    "{s} Industrie SAS", "Transports {s} SARL", "Imprimerie {s} SAS", "{s} Distribution SAS",
    "Bâtiment {s} & Fils SARL", "Laboratoires {s} SAS", "{s} Ingénierie SAS", "Ateliers {s} SAS",
]  # fmt: skip
LARGE_PATTERNS = ["Groupe {s} SA", "{s} Holding SA", "Compagnie {s} SA"]
PUBLIC_PATTERNS = [
    "Commune de {c}",
    "Office de tourisme de {c}",
    "Syndicat des eaux de {c}",
    "CCAS de {c}",
]
# (segment, share of the clients, patterns, price factor, payment term, payment means)
SEGMENTS = [
    ("tpe", 0.55, TPE_PATTERNS, 1, "account.account_payment_term_30days", "sepa_direct_debit"),
    ("pme", 0.30, PME_PATTERNS, 3, "account.account_payment_term_30_days_end_month_the_10",
     "sepa_direct_debit"),
    ("large", 0.08, LARGE_PATTERNS, 10, "account.account_payment_term_45days", "transfer"),
    ("public", 0.07, PUBLIC_PATTERNS, 2, "account.account_payment_term_30days", "transfer"),
]  # fmt: skip
PAYER_FUNCTIONS = {
    "tpe": ["Gérant", "Gérante", "Assistante de gestion"],
    "pme": ["Comptable", "Responsable administratif et financier", "Comptable fournisseurs"],
    "large": ["Responsable comptabilité fournisseurs", "Credit manager", "Directeur financier"],
    "public": ["Trésorier principal", "Responsable des finances", "Secrétaire de mairie"],
}
# (label, monthly price excl. tax for a TPE)
SERVICES = [
    ("Tenue de la comptabilité - forfait mensuel", 320.0),
    ("Établissement des comptes annuels et liasse fiscale", 1450.0),
    ("Bulletins de paie du mois", 180.0),
    ("Accès au logiciel de comptabilité en ligne", 35.0),
    ("Conseil juridique et fiscal", 240.0),
    ("Déclarations de TVA", 90.0),
]


@dataclass
class FirmStats:
    clients: int = 0
    invoices: int = 0
    paid: int = 0
    partly_paid: int = 0
    credit_notes: int = 0
    letters: int = 0
    reminders: int = 0
    first_level_reminders: int = 0
    subscription_invoices: int = 0
    seconds: float = 0.0

    def __str__(self):
        return (
            f"{self.clients} clients, {self.invoices} invoices ({self.paid} paid, "
            f"{self.partly_paid} partly paid), {self.credit_notes} credit note(s), "
            f"{self.letters} engagement letters, {self.subscription_invoices} subscription "
            f"invoices, {self.reminders} reminders proposed ({self.first_level_reminders} at their "
            f"policy's first level) in {self.seconds:.1f} s"
        )


FIRM_SIREN = "82305401" + luhn.calc_check_digit("82305401")


def make_siren(rng, used, first_digit=None):
    while True:
        body = (first_digit or str(rng.randint(3, 9))) + f"{rng.randrange(10**7):07d}"
        siren = body + luhn.calc_check_digit(body)
        if siren not in used:
            used.add(siren)
            return siren


def make_siret(siren, rng):
    nic = f"{rng.randint(1, 99):03d}1"[:4]
    return siren + nic + luhn.calc_check_digit(siren + nic)


def french_vat(siren):
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


def slug(text):
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_text.lower() if ch.isalnum()) or "client"


def refresh_statistics(env):
    """Let PostgreSQL's planner see the rows this transaction has written so far: a book
    is built in one transaction, where autovacuum cannot analyse them, and Odoo's per-move
    sequence queries would otherwise scan the whole journal (quadratic time)."""
    env.flush_all()
    env.cr.execute("ANALYZE account_move, account_move_line, account_partial_reconcile")


def chunks(items, size=CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def setup_company(env):
    """Turn the main company into the firm "Cabinet" with the French chart of accounts."""
    company = env.ref("base.main_company")
    france = env.ref("base.fr")
    company.write(
        {
            "name": "Cabinet",
            "street": "12 rue de la Paix",
            "zip": "75002",
            "city": "Paris",
            "country_id": france.id,
            "phone": "+33 1 42 60 00 00",
            "email": "contact@cabinet.example",
            "website": "https://cabinet.example",
            "company_registry": make_siret(FIRM_SIREN, random.Random(0)),
            "vat": french_vat(FIRM_SIREN),
        }
    )
    if company.chart_template != "fr":
        env["account.chart.template"].try_loading("fr", company, install_demo=False)
    if not company.partner_id.bank_ids:
        add_bank_account(env, company, random.Random(0))
    admin = env.ref("base.user_admin")
    if env["res.lang"]._lang_get("fr_FR"):
        admin.write({"lang": "fr_FR", "tz": "Europe/Paris"})
    return company


def new_french_company(env, name, rng, **vals):
    """A new French company (euros, a fresh SIREN, its SIRET and VAT number, the French chart
    of accounts), for the benchmarks that build their own firm. Returns it and an environment
    working in it."""
    used = set(env["res.partner"].with_context(active_test=False).search(
        [("siren", "!=", False)]).mapped("siren"))  # fmt: skip
    siren = make_siren(rng, used)
    company = (
        env["res.company"]
        .with_context(install_mode=True)
        .create({"name": name, "country_id": env.ref("base.fr").id,
                 "currency_id": env.ref("base.EUR").id, "vat": french_vat(siren),
                 "company_registry": make_siret(siren, rng), **vals})
    )  # fmt: skip
    env["account.chart.template"].try_loading("fr", company, install_demo=False)
    return company, env(context={**env.context, "allowed_company_ids": company.ids})


def add_bank_account(env, company, rng):
    """The company's IBAN, on its bank journal: the account the clients pay to by transfer,
    named on the invoices."""
    account = env["res.partner.bank"].create(
        {"partner_id": company.partner_id.id, "acc_number": _iban(rng),
         "company_id": company.id, "allow_out_payment": True}
    )  # fmt: skip
    env["account.journal"].search(
        [("company_id", "=", company.id), ("type", "=", "bank")], limit=1
    ).bank_account_id = account
    return account


def _client_vals(rng, index, segment, patterns, used_sirens, env):
    surname, first = rng.choice(SURNAMES), rng.choice(FIRST_NAMES)
    city, postcode, streets = rng.choice(CITIES)
    name = rng.choice(patterns).format(s=surname, f=first, c=city)
    siren = make_siren(rng, used_sirens, first_digit="2" if segment == "public" else None)
    domain = f"{slug(name)[:24]}.example"
    payer_first, payer_last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
    return {
        "name": f"{name} ({city})" if index >= len(SURNAMES) else name,
        "is_company": True,
        "ref": f"{DEMO_REF_PREFIX}{index + 1:05d}",
        "street": f"{rng.randint(1, 180)} {rng.choice(streets)}",
        "zip": postcode,
        "city": city,
        "country_id": env.ref("base.fr").id,
        "company_registry": make_siret(siren, rng),
        "vat": french_vat(siren),
        "email": f"contact@{domain}",
        "phone": f"+33 {rng.randint(1, 5)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
        f"{rng.randint(10, 99)} {rng.randint(10, 99)}",
        "client_segment": segment,
        "payer_name": f"{payer_first} {payer_last}",
        "payer_function": rng.choice(PAYER_FUNCTIONS[segment]),
        "payer_email": f"{slug(payer_first)}.{slug(payer_last)}@{domain}",
        "payer_phone": f"+33 {rng.randint(1, 5)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
        f"{rng.randint(10, 99)} {rng.randint(10, 99)}",
        "payer_mobile": f"+33 6 {rng.randint(10, 99)} {rng.randint(10, 99)} "
        f"{rng.randint(10, 99)} {rng.randint(10, 99)}",
        "payer_hour_from": rng.choice([8.5, 9.0, 9.5]),
        "payer_hour_to": rng.choice([12.0, 17.0, 18.0]),
        "dunning_channel": rng.choice(["email", "email", "phone", "letter"]),
        "customer_rank": 1,
    }


def _segment_counts(count):
    """How many clients of each segment: every segment present, ``count`` in all."""
    if count < len(SEGMENTS):
        counts = [1 if index < count else 0 for index in range(len(SEGMENTS))]
    else:
        counts = [max(1, int(count * share)) for _seg, share, *_rest in SEGMENTS]
        counts[0] += count - sum(counts)
    return [
        (segment, patterns, number, term, means)
        for (segment, _share, patterns, _factor, term, means), number in zip(
            SEGMENTS, counts, strict=True
        )
    ]


def create_clients(env, count, rng):
    """Create ``count`` client companies with their payer cards, in batches."""
    weekdays = env["cabinet.weekday"].search([("sequence", "<=", 5)])
    used_sirens = set(env["res.partner"].with_context(active_test=False).search(
        [("siren", "!=", False)]).mapped("siren"))  # fmt: skip
    vals_list = []
    for segment, patterns, segment_count, term_xmlid, means in _segment_counts(count):
        term = env.ref(term_xmlid)
        for _ in range(segment_count):
            vals = _client_vals(rng, len(vals_list), segment, patterns, used_sirens, env)
            vals.update(
                {
                    "property_payment_term_id": term.id,
                    "agreed_payment_means": means,
                    "payer_contact_day_ids": [(6, 0, rng.sample(weekdays.ids, 3))],
                }
            )
            vals_list.append(vals)
    clients = env["res.partner"]
    for batch in chunks(vals_list):
        clients |= env["res.partner"].create(batch)
    return clients


def _sale_tax(env, company):
    return env["account.tax"].search(
        [
            ("company_id", "=", company.id),
            ("type_tax_use", "=", "sale"),
            ("amount_type", "=", "percent"),
            ("amount", "=", 20.0),
            ("price_include", "=", False),
        ],
        limit=1,
    )


def create_invoices(env, company, clients, per_client, rng, today):
    """Post ``per_client`` customer invoices for each client, aged up to six months."""
    journal = env["account.journal"].search(
        [("company_id", "=", company.id), ("type", "=", "sale")], limit=1
    )
    tax = _sale_tax(env, company)
    factors = {segment: factor for segment, _s, _p, factor, _t, _m in SEGMENTS}
    vals_list = []
    for client in clients:
        factor = factors[client.client_segment]
        for number in range(per_client):
            age = rng.randint(0, 180) if number else rng.randint(40, 180)
            lines = rng.sample(SERVICES, rng.randint(1, 3))
            vals_list.append(
                {
                    "move_type": "out_invoice",
                    "partner_id": client.id,
                    "journal_id": journal.id,
                    "invoice_date": today - timedelta(days=age),
                    "invoice_payment_term_id": client.property_payment_term_id.id,
                    "ref": f"Lettre de mission {client.ref}",
                    "invoice_line_ids": [
                        (
                            0,
                            0,
                            {
                                "name": label,
                                "quantity": 1,
                                "price_unit": round(price * factor * rng.uniform(0.9, 1.2), 2),
                                "tax_ids": [(6, 0, tax.ids)],
                            },
                        )
                        for label, price in lines
                    ],  # fmt: skip
                }
            )
    invoices = env["account.move"]
    for batch in chunks(vals_list):
        moves = env["account.move"].create(batch)
        moves.action_post()
        invoices |= moves
        refresh_statistics(env)
        if len(vals_list) > 10 * CHUNK:  # a benchmark-size book: say how far it is
            print(f"{len(invoices)}/{len(vals_list)} invoices posted", flush=True)
    return invoices


def settle(env, company, invoices, rng, today):
    """Pay most old invoices in full, some in part: the client's transfers as the bank
    statement brings them once matched (bank journal entries on the receivable account),
    created in batches and reconciled with their invoice. Registering 40,000 payments one
    by one through Odoo's payment form costs hours; the books are the same."""
    bank = env["account.journal"].search(
        [("company_id", "=", company.id), ("type", "=", "bank")], limit=1
    )
    plans, entry_vals, paid, partly = [], [], 0, 0
    for invoice in invoices:
        age = (today - invoice.invoice_date).days
        draw = rng.random()
        if age > 45 and draw < 0.6 or age > 20 and draw < 0.3:
            amount, paid = invoice.amount_residual, paid + 1
        elif age > 30 and draw < 0.75:
            amount, partly = round(invoice.amount_residual * rng.uniform(0.3, 0.7), 2), partly + 1
        else:
            continue
        receivable = invoice.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )[:1]
        label = f"Virement {invoice.partner_id.name} {invoice.name}"
        plans.append(receivable)
        entry_vals.append(
            {
                "move_type": "entry",
                "journal_id": bank.id,
                "date": min(today, invoice.invoice_date + timedelta(days=rng.randint(10, 60))),
                "ref": invoice.name,
                "line_ids": [
                    (0, 0, {"account_id": bank.default_account_id.id, "debit": amount,
                            "partner_id": invoice.partner_id.id, "name": label}),
                    (0, 0, {"account_id": receivable.account_id.id, "credit": amount,
                            "partner_id": invoice.partner_id.id, "name": label}),
                ],
            }
        )  # fmt: skip
    for receivable_batch, vals_batch in zip(chunks(plans), chunks(entry_vals), strict=True):
        entries = env["account.move"].create(vals_batch)
        entries.action_post()
        env["account.move.line"]._reconcile_plan(
            [
                receivable
                + entry.line_ids.filtered(
                    lambda line, account=receivable.account_id: line.account_id == account
                )
                for receivable, entry in zip(receivable_batch, entries, strict=True)
            ]
        )
        refresh_statistics(env)
    return paid, partly


def create_credit_note(env, invoices):
    """One open credit note: a commercial gesture granted to a client with an open invoice,
    not yet applied to any invoice (so dunning must net it)."""
    invoice = invoices.filtered(lambda inv: inv.payment_state == "not_paid")[:1]
    if not invoice:
        return env["account.move"]
    line = invoice.invoice_line_ids[0]
    credit_note = env["account.move"].create(
        {
            "move_type": "out_refund",
            "partner_id": invoice.partner_id.id,
            "journal_id": invoice.journal_id.id,
            "invoice_date": invoice.invoice_date,
            "ref": f"Geste commercial sur {invoice.name}",
            "invoice_line_ids": [
                (
                    0,
                    0,
                    {
                        "name": f"Remise exceptionnelle : {line.name}",
                        "quantity": 1,
                        "price_unit": round(line.price_unit * 0.2, 2),
                        "tax_ids": [(6, 0, line.tax_ids.ids)],
                    },
                )
            ],  # fmt: skip
        }
    )
    credit_note.action_post()
    return credit_note


def _iban(rng):
    """A valid French IBAN (bank 30006, random account), checked by python-stdnum's rules."""
    bban = f"30006{rng.randrange(10**5):05d}{rng.randrange(10**11):011d}"
    key = 97 - (int(bban[:5] + bban[5:10] + bban[10:21]) * 100) % 97
    bban += f"{key:02d}"
    return f"FR{iban.calc_check_digits('FR00' + bban)}{bban}"


def create_catalogue(env, company):
    """The online services of the demo firm, with a vendor, options and usage tiers."""
    vendor = env["res.partner"].create({"name": "Éditeur Logiciel SAS", "is_company": True})
    access = env["product.attribute"].create(
        {
            "name": "Niveau d'accès",
            "value_ids": [(0, 0, {"name": "Consultation"}), (0, 0, {"name": "Saisie"})],
        }
    )
    common = {"type": "service", "is_online_service": True, "company_id": company.id,
              "service_vendor_id": vendor.id, "sale_ok": True, "purchase_ok": False}  # fmt: skip
    templates = env["product.template"].create(
        [
            {**common, "name": "Tableau de bord en ligne", "list_price": 29.0,
             "standard_price": 11.0, "vendor_service_code": "TDB"},
            {**common, "name": "Comptabilité en ligne", "list_price": 35.0,
             "standard_price": 14.0, "vendor_service_code": "CPT",
             "attribute_line_ids": [(0, 0, {"attribute_id": access.id,
                                            "value_ids": [(6, 0, access.value_ids.ids)]})]},
            {**common, "name": "Saisie des écritures", "online_service_billing": "usage",
             "list_price": 0.10, "standard_price": 0.04, "vendor_service_code": "ECR",
             "usage_tier_ids": [(0, 0, {"from_quantity": 500, "unit_price": 0.08}),
                                (0, 0, {"from_quantity": 2000, "unit_price": 0.05})]},
            {**common, "name": "Bulletins de paie", "online_service_billing": "usage",
             "list_price": 12.0, "standard_price": 4.5, "vendor_service_code": "PAIE"},
            {**common, "name": "Coffre-fort numérique", "list_price": 9.0,
             "standard_price": 2.0, "vendor_service_code": "GED"},
        ]
    )  # fmt: skip
    saisie = templates[1].attribute_line_ids.product_template_value_ids.filtered(
        lambda value: value.name == "Saisie"
    )
    saisie.price_extra = 15.0
    return templates.product_variant_ids


def create_engagement_letters(env, company, clients, rng, today):
    """One engagement letter per client, in every state, SEPA mandates for direct debit."""
    company.sepa_creditor_identifier = "FR78ZZZ424242"
    sdd_method = env.ref("account_banking_sepa_direct_debit.sepa_direct_debit")
    bank_journal = env["account.journal"].search(
        [("company_id", "=", company.id), ("type", "=", "bank")], limit=1
    )
    modes = env["account.payment.mode"].create(
        [
            {"name": "Prélèvement SEPA", "company_id": company.id,
             "bank_account_link": "fixed", "fixed_journal_id": bank_journal.id,
             "payment_method_id": sdd_method.id},
            {"name": "Virement", "company_id": company.id, "bank_account_link": "variable",
             "payment_method_id": env.ref("account.account_payment_method_manual_in").id},
        ]
    )  # fmt: skip
    # Credit notes are paid back by transfer, never collected by direct debit.
    modes.refund_payment_mode_id = env["account.payment.mode"].create(
        {"name": "Remboursement par virement", "company_id": company.id,
         "payment_type": "outbound", "bank_account_link": "fixed",
         "fixed_journal_id": bank_journal.id,
         "payment_method_id": env.ref("account.account_payment_method_manual_out").id}
    )  # fmt: skip
    terms = env["cabinet.terms.version"].create(
        {
            "name": "CGU services en ligne 2026",
            "company_id": company.id,
            "body": "<h3>Conditions générales d'utilisation des services en ligne</h3>"
            "<p>L'accès aux services en ligne est personnel. L'utilisateur protège ses "
            "identifiants et signale sans délai toute utilisation frauduleuse. Les données "
            "restent la propriété du client ; le cabinet les héberge en France pendant la "
            "durée de la lettre de mission.</p>",
        }
    )
    terms.action_publish()
    services = create_catalogue(env, company)
    subscriptions = services.filtered(lambda p: p.online_service_billing == "subscription")
    usage = services - subscriptions
    missions = env["cabinet.mission"].search([])
    term = env.ref("account.account_payment_term_30days")
    states = ["active"] * 6 + ["draft", "sent", "signed", "suspended", "terminated"]
    vals_list, targets, public_billed = [], [], False
    for index, client in enumerate(clients):
        start = (today - timedelta(days=rng.randint(60, 700))).replace(day=1)
        chosen = rng.sample(subscriptions.ids, rng.randint(1, 3)) + rng.sample(usage.ids, 1)
        sdd = client.agreed_payment_means == "sepa_direct_debit"
        vals_list.append(
            {
                "partner_id": client.id,
                "company_id": company.id,
                "start_date": start,
                "mission_ids": [(6, 0, rng.sample(missions.ids, rng.randint(2, 4)))],
                "payment_mode_id": modes[0 if sdd else 1].id,
                "payment_term_id": term.id,
                "billing_frequency": "annual" if index % 9 == 4 else "monthly",
                "annual_in_monthly_debits": index % 9 == 4,
                "account_manager_id": env.ref("base.user_admin").id,
                "responsible_id": env.ref("base.user_admin").id,
                "line_ids": [(0, 0, {"product_id": product_id, "quantity": rng.choice([1, 1, 2])})
                             for product_id in chosen],
            }
        )  # fmt: skip
        target = states[index % len(states)]
        if client.client_segment == "public" and not public_billed:
            target = public_billed = "active"  # billed, with its Chorus Pro references
        targets.append(target)
    letters = env["cabinet.engagement.letter"]
    for batch in chunks(vals_list):
        letters |= env["cabinet.engagement.letter"].create(batch)
    debit_clients = letters.filtered("is_direct_debit").partner_id
    banks = env["res.partner.bank"].create(
        [{"partner_id": client.id, "acc_number": _iban(rng)} for client in debit_clients]
    )
    mandates = env["account.banking.mandate"].create(
        [
            {"partner_bank_id": bank.id, "company_id": company.id, "format": "sepa",
             "type": "recurrent", "recurrent_sequence_type": "recurring",
             "signature_date": today - timedelta(days=rng.randint(60, 400))}
            for bank in banks
        ]
    )  # fmt: skip
    mandates.validate()
    letters.invalidate_recordset(["mandate_id", "mandate_state"])
    by_target = {state: letters.browse() for state in states}
    for letter, target in zip(letters, targets, strict=True):
        by_target[target] |= letter
    steps = {
        "sent": ["action_send"],
        "signed": ["action_send", "action_sign"],
        "active": ["action_send", "action_sign", "action_activate"],
        "suspended": ["action_send", "action_sign", "action_activate", "action_suspend"],
        "terminated": ["action_send", "action_sign", "action_activate"],
    }
    for target, methods in steps.items():
        for method in methods:
            getattr(by_target[target], method)()
    by_target["terminated"].terminate(today - timedelta(days=15), "Cession du fonds de commerce")
    return letters


def set_einvoicing(env, partners, rng, today):
    """E-invoicing preferences: public bodies on Chorus Pro (with a service code and a legal
    commitment), a third of the other clients agreed to Factur-X by email, the rest keep the
    PDF by email. Each agreement is dated."""
    public = partners.filtered(lambda partner: partner.client_segment == "public")
    for index, partner in enumerate(public, start=1):
        partner.write(
            {"invoice_sending_method": "chorus_pro",
             "einvoice_agreed_on": today - timedelta(days=90),
             "einvoice_service_code": "SERVICE-FINANCES",
             "einvoice_commitment": f"EJ-{today.year}-{index:06d}"}
        )  # fmt: skip
    others = (partners - public).sorted("id")
    facturx = others.browse([partner.id for partner in others if rng.random() < 1 / 3])
    facturx.write(
        {"invoice_edi_format": "cabinet_facturx", "einvoice_agreed_on": today - timedelta(days=30)}
    )


def start_billing(env, letters, rng, today):
    """Billing taken over at the start of this month: earlier periods count as billed, last
    month's usage is imported from the vendor's CSV, and a first run bills what is due today.
    Returns the invoices of the run."""
    first_of_month = today.replace(day=1)
    letters.line_ids.filtered(lambda line: line.date_start < first_of_month).write(
        {"billing_skipped_until": first_of_month - timedelta(days=1)}
    )
    last_month = (first_of_month - timedelta(days=1)).replace(day=1)
    usage_lines = letters.filtered(lambda letter: letter.state == "active").line_ids.filtered(
        lambda line: (
            line.billing_kind == "usage"
            and line.date_start <= last_month
            and line.product_id.vendor_service_code
            and line.letter_id.partner_id.siren
        )
    )
    # What a small or middle-sized client uses in a month: some payslips, some hundreds or
    # thousands of entries (tens to a few hundred euros a month of online services).
    monthly_use = {"PAIE": [2, 3, 5, 8, 14, 25], "ECR": [120, 300, 650, 1200, 2400]}
    rows = "".join(
        f"{line.letter_id.partner_id.siren};{line.product_id.vendor_service_code};"
        f"{last_month:%Y-%m};"
        f"{rng.choice(monthly_use.get(line.product_id.vendor_service_code, [1, 2, 5]))}\n"
        for line in usage_lines
    )
    if rows:
        statement = env["cabinet.usage.import"].create(
            {
                "name": f"Relevé {last_month:%m/%Y}",
                "kind": "usage",
                "statement_month": last_month,
                "file": base64.b64encode(f"client;service;période;quantité\n{rows}".encode()),
                "filename": f"releve-{last_month:%Y-%m}.csv",
            }
        )
        statement.action_check()
        statement.action_import_valid_lines()
    result = env["cabinet.billing.run"].run_billing(today)
    invoices = env["account.move"].browse(result["invoice_ids"])
    collect_direct_debits(env, invoices, today)
    return invoices


def collect_direct_debits(env, invoices, today):
    """The run's invoices paid by direct debit go into a direct-debit order, confirmed with
    its SEPA pain.008 file ready for the bank."""
    orders = env["account.move"]._cabinet_prepare_direct_debits(
        [("move_id", "in", invoices.ids)], today + timedelta(days=40)
    )
    for order in orders:
        order.draft2open()
        order.open2generated()
    return orders


def start_dunning(env, invoices, today):
    """A dispute, a promise to pay, and a first dunning run proposing reminders."""
    overdue = invoices.filtered(
        lambda inv: inv.payment_state in ("not_paid", "partial") and inv.invoice_date_due < today
    )
    if len(overdue) >= 2:
        env["cabinet.dunning.dispute"].create(
            {"move_id": overdue[0].id, "reason": "Le client conteste le nombre de bulletins.",
             "amount": round(overdue[0].amount_residual / 3, 2)}
        )  # fmt: skip
        promised = overdue[1]
        env["cabinet.dunning.promise"].create(
            {"partner_id": promised.commercial_partner_id.id, "move_ids": [(6, 0, promised.ids)],
             "promise_date": today + timedelta(days=10), "amount": promised.amount_residual,
             "note": "Règlement promis par virement en fin de mois."}
        )  # fmt: skip
    return env["cabinet.dunning.run"].browse(env["cabinet.dunning.run"].run_dunning(today))


def build_firm(env, clients=30, invoices_per_client=4, seed=1, today=None):
    """Build the demo firm in ``env``'s database; returns a FirmStats."""
    started = time.monotonic()
    rng = random.Random(seed)
    from odoo import fields  # noqa: PLC0415 - this file is imported before Odoo is set up

    today = today or fields.Date.context_today(env["res.partner"])
    company = setup_company(env)
    # The firm is French: what it records (run names, messages) is written in French.
    lang = "fr_FR" if env["res.lang"]._lang_get("fr_FR") else env.lang
    env = env(context={**env.context, "tracking_disable": True, "mail_create_nolog": True,
                       "mail_notrack": True, "allowed_company_ids": [company.id],
                       "lang": lang})  # fmt: skip
    partners = create_clients(env, clients, rng)
    invoices = create_invoices(env, company, partners, invoices_per_client, rng, today)
    paid, partly = settle(env, company, invoices, rng, today)
    credit_note = create_credit_note(env, invoices)
    letters, billed = [], []
    if "cabinet.engagement.letter" in env:
        set_einvoicing(env, partners, rng, today)
        letters = create_engagement_letters(env, company, partners, rng, today)
        billed = start_billing(env, letters, rng, today)
    run = start_dunning(env, invoices, today)
    env.flush_all()
    return FirmStats(
        clients=len(partners),
        invoices=len(invoices),
        paid=paid,
        partly_paid=partly,
        credit_notes=len(credit_note),
        letters=len(letters),
        reminders=run.proposed_count + run.done_count,
        first_level_reminders=len(
            run.line_ids.filtered(
                lambda line: line.level_id and line.level_id == line.policy_id.level_ids[:1]
            )
        ),
        subscription_invoices=len(billed),
        seconds=time.monotonic() - started,
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--invoices-per-client", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    import odoo  # noqa: PLC0415 - only this entry point needs Odoo at import time
    from odoo.modules.registry import Registry  # noqa: PLC0415

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database], setup_logging=True)
    with Registry(args.database).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        existing = env["res.partner"].search_count([("ref", "=like", f"{DEMO_REF_PREFIX}%")])
        if existing:
            print(f"The demo firm is already there ({existing} clients): nothing to do.")
            return 0
        stats = build_firm(env, args.clients, args.invoices_per_client, args.seed)
    print(f"Demo firm built: {stats}")
    if stats.first_level_reminders != stats.reminders:
        print("The first dunning run of a new book must propose first levels only.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
