from . import report_credit_letter
from . import report_credit_statement
from . import credit_report_overdue
from . import credit_report_dso
from . import credit_report_step
