{
    "name": "Cabinet - Online Services",
    "summary": "Engagement letters that bill the online services of an accounting firm and "
    "collect them by SEPA direct debit",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/cabinet-odoo/cabinet",
    "author": "Cabinet",
    "license": "AGPL-3",
    "depends": [
        "cabinet_dunning",
        "product",
        "base_iban",
        "account_banking_sepa_direct_debit",
    ],
    "data": [
        "security/cabinet_online_services_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "data/cabinet_mission_data.xml",
        "report/engagement_letter_report.xml",
        "views/product_template_views.xml",
        "views/cabinet_engagement_letter_views.xml",
        "views/cabinet_terms_views.xml",
        "views/portal_templates.xml",
        "views/menus.xml",
    ],
}
