{
    "name": "Credit Portal",
    "summary": "Debtor self-service pages in the Odoo portal",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/credit-suite/credit-suite",
    "author": "Credit Suite contributors",
    "license": "LGPL-3",
    "depends": ["credit_dispute", "account_payment"],
    "data": ["security/ir.model.access.csv"],
    "installable": True,
}
