{
    "name": "Credit WhatsApp",
    "summary": "WhatsApp as a follow-up channel (WhatsApp Cloud API)",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/credit-suite/credit-suite",
    "author": "Credit Suite contributors",
    "license": "LGPL-3",
    "depends": ["credit_dispute", "phone_validation"],
    "data": ["security/ir.model.access.csv"],
    "installable": True,
}
