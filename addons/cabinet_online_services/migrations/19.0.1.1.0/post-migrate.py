"""19.0.1.1.0: a client's e-invoice format is Odoo's own (Send & Print), and an issued
Factur-X is kept where Odoo keeps an invoice's documents.

- ``res_partner.einvoice_format`` (removed) becomes Odoo's company-dependent
  ``invoice_edi_format`` (our "cabinet_facturx") and, for Chorus Pro, the sending method
  "chorus_pro", in every company;
- the Factur-X XML and its PDF, kept as plain attachments of the invoice, become the
  invoice's ``ubl_cii_xml_file`` and ``invoice_pdf_report_file`` when it has none;
- the "12 monthly direct debits" term (data not updated) gives twelve equal debits on the 5th.
"""

ALL_COMPANIES = "(SELECT jsonb_object_agg(c.id::text, %s) FROM res_company c)"


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        "SELECT 1 FROM information_schema.columns "
        "WHERE table_name = 'res_partner' AND column_name = 'einvoice_format'"
    )
    if cr.fetchone():
        cr.execute(
            f"""
            UPDATE res_partner
               SET invoice_edi_format_store =
                   COALESCE(invoice_edi_format_store, '{{}}'::jsonb) || {ALL_COMPANIES}
             WHERE einvoice_format IN ('facturx_email', 'chorus_pro')
            """,
            ["cabinet_facturx"],
        )
        cr.execute(
            f"""
            UPDATE res_partner
               SET invoice_sending_method =
                   COALESCE(invoice_sending_method, '{{}}'::jsonb) || {ALL_COMPANIES}
             WHERE einvoice_format = 'chorus_pro'
            """,
            ["chorus_pro"],
        )
    cr.execute(
        """
        UPDATE account_payment_term t
           SET cabinet_monthly_debits = 12, cabinet_debit_day = 5
          FROM ir_model_data d
         WHERE d.module = 'cabinet_online_services'
           AND d.name = 'payment_term_12_monthly_debits'
           AND d.model = 'account.payment.term' AND d.res_id = t.id
        """
    )
    # The first Factur-X XML of each invoice without an XML of Odoo's, and the PDF made
    # with it (the last PDF of the invoice created before it).
    cr.execute(
        """
        WITH xml AS (
            SELECT DISTINCT ON (a.res_id) a.id, a.res_id
              FROM ir_attachment a
             WHERE a.res_model = 'account.move' AND a.name = 'factur-x.xml'
               AND a.res_field IS NULL
               AND NOT EXISTS (
                   SELECT 1 FROM ir_attachment o
                    WHERE o.res_model = 'account.move' AND o.res_id = a.res_id
                      AND o.res_field = 'ubl_cii_xml_file')
             ORDER BY a.res_id, a.id
        ), pdf AS (
            SELECT DISTINCT ON (xml.res_id) p.id
              FROM xml
              JOIN ir_attachment p
                ON p.res_model = 'account.move' AND p.res_id = xml.res_id
               AND p.res_field IS NULL AND p.mimetype = 'application/pdf' AND p.id < xml.id
             WHERE NOT EXISTS (
                   SELECT 1 FROM ir_attachment o
                    WHERE o.res_model = 'account.move' AND o.res_id = xml.res_id
                      AND o.res_field = 'invoice_pdf_report_file')
             ORDER BY xml.res_id, p.id DESC
        ), moved_xml AS (
            UPDATE ir_attachment SET res_field = 'ubl_cii_xml_file'
             WHERE id IN (SELECT id FROM xml)
        )
        UPDATE ir_attachment SET res_field = 'invoice_pdf_report_file'
         WHERE id IN (SELECT id FROM pdf)
        """
    )
