{
    "name": "Cabinet - Online Services",
    "summary": "Engagement letters that bill the online services of an accounting firm and "
    "collect them by SEPA direct debit",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/cabinet-odoo/cabinet",
    "author": "Cabinet",
    "license": "AGPL-3",
    "depends": ["cabinet_dunning", "product", "account_banking_sepa_direct_debit"],
    "data": [
        "security/cabinet_online_services_security.xml",
        "security/ir.model.access.csv",
        "views/product_template_views.xml",
        "views/menus.xml",
    ],
}
