{
    "name": "Credit Portal",
    "summary": "Debtor self-service pages in the Odoo portal: pay a chosen set of invoices, complaints, "
    "payment arrangements, proof of payment, address changes",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/credit-suite/credit-suite",
    "author": "Credit Suite contributors",
    "license": "LGPL-3",
    "depends": ["credit_dispute", "account_payment", "payment_demo"],
    "data": [
        "security/ir.model.access.csv",
        "security/credit_portal_security.xml",
        "data/credit_portal_data.xml",
        "data/mail_template_data.xml",
        "views/credit_portal_change_request_views.xml",
        "views/credit_payment_arrangement_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/credit_portal_templates.xml",
        "views/menus.xml",
    ],
    "demo": ["demo/credit_portal_demo.xml"],
    "assets": {
        "web.assets_frontend": ["credit_portal/static/src/js/credit_portal.js"],
        "web.assets_tests": ["credit_portal/static/tests/tours/*.js"],
    },
    "installable": True,
}
