{
    "name": "Credit Collection Export",
    "summary": "Hand claims over to collection agencies with a full trail",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/credit-suite/credit-suite",
    "author": "Credit Suite contributors",
    "license": "LGPL-3",
    "depends": ["credit_followup"],
    "data": ["security/ir.model.access.csv"],
    "installable": True,
}
