{
    "name": "Credit Follow-up",
    "summary": "Follow-up profiles on a timeline, a safe and fast follow-up engine, contact registration on the invoice",
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
        "views/menus.xml",
    ],
    "application": True,
    "installable": True,
}
