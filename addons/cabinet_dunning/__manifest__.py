{
    "name": "Cabinet - Dunning",
    "summary": "Payer cards, client file hygiene and the dunning sequence of an accounting firm",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/cabinet-odoo/cabinet",
    "author": "Cabinet",
    "license": "AGPL-3",
    "depends": ["account", "base_vat", "mail", "portal"],
    "data": [
        "security/cabinet_dunning_security.xml",
        "security/ir.model.access.csv",
        "data/cabinet_weekday_data.xml",
        "views/res_partner_views.xml",
        "views/menus.xml",
    ],
}
