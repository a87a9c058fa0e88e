from . import credit_report_dispute
from . import credit_dossier
