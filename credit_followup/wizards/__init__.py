from . import credit_followup_preview
from . import credit_followup_pause
from . import credit_followup_run_wizard
