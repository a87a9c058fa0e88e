{
    "name": "Credit Follow-up",
    "summary": "Follow-up profiles on a timeline, a safe and fast engine, every contact registered on the invoice",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/credit-suite/credit-suite",
    "author": "Credit Suite contributors",
    "license": "LGPL-3",
    "depends": ["account", "account_qr_code_sepa", "sms", "portal", "mail"],
    "external_dependencies": {"python": ["qrcode"]},
    "data": [
        "security/credit_followup_security.xml",
        "security/ir.model.access.csv",
        "data/mail_message_subtype_data.xml",
        "data/mail_template_data.xml",
        "data/sms_template_data.xml",
        "data/ir_cron_data.xml",
        "data/credit_followup_profile_data.xml",
        "report/report_credit_letter.xml",
        "views/credit_followup_profile_views.xml",
        "views/credit_followup_run_views.xml",
        "views/account_move_views.xml",
        "views/res_partner_views.xml",
        "views/menus.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "credit_followup/static/src/components/**/*",
        ],
        "web.assets_unit_tests": [
            "credit_followup/static/tests/**/*.test.js",
        ],
        "web.assets_tests": [
            "credit_followup/static/tests/tours/**/*",
        ],
    },
    "application": True,
    "installable": True,
}
