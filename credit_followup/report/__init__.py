from . import report_credit_statement
