"""19.0.1.2.0: a billed period may be credited for a suspension (once for each suspension's
days), so its uniqueness becomes two partial unique indexes; the former constraint goes."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        "ALTER TABLE cabinet_billed_period "
        "DROP CONSTRAINT IF EXISTS cabinet_billed_period__line_period_unique"
    )
