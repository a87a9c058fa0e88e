from . import credit_followup_preview
from . import credit_followup_pause
from . import credit_followup_run_wizard
from . import credit_followup_log_contact
from . import credit_followup_postpone
from . import credit_followup_setup
