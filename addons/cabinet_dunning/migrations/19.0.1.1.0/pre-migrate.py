"""19.0.1.1.0: a client's exclusion, blocking and responsible become per company.

The columns become Odoo's company-dependent jsonb ({company id: value}). A client excluded or
with a responsible keeps it in every company; a blocked client stays blocked only in the
companies where it has an open litigation file.
"""

# column: (old type, the new jsonb value computed from the old column, ``{old}``)
CONVERSIONS = {
    "dunning_excluded": (
        "boolean",
        "CASE WHEN {old} THEN (SELECT jsonb_object_agg(c.id::text, true) FROM res_company c) END",
    ),
    "dunning_responsible_id": (
        "integer",
        "CASE WHEN {old} IS NOT NULL THEN "
        "(SELECT jsonb_object_agg(c.id::text, {old}) FROM res_company c) END",
    ),
    "dunning_blocked": (
        "boolean",
        "CASE WHEN {old} THEN (SELECT jsonb_object_agg(l.company_id::text, true) "
        "FROM cabinet_dunning_litigation l WHERE l.partner_id = res_partner.id "
        "AND l.state IN ('to_hand_over', 'in_progress', 'decision')) END",
    ),
}


def migrate(cr, version):
    if not version:
        return
    for column, (old_type, expression) in CONVERSIONS.items():
        cr.execute(
            "SELECT data_type FROM information_schema.columns "
            "WHERE table_name = 'res_partner' AND column_name = %s",
            (column,),
        )
        row = cr.fetchone()
        if not row or row[0] != old_type:
            continue
        # Column names come from the constant above, never from input.
        cr.execute(f"ALTER TABLE res_partner RENAME COLUMN {column} TO {column}_old")
        cr.execute(f"ALTER TABLE res_partner ADD COLUMN {column} jsonb")
        cr.execute(
            f"UPDATE res_partner SET {column} = "
            + expression.format(old=f"{column}_old")
            + f" WHERE {column}_old IS NOT NULL"
        )
        cr.execute(f"ALTER TABLE res_partner DROP COLUMN {column}_old")
