from . import credit_dispute_close
from . import credit_followup_log_contact
from . import credit_followup_setup
from . import credit_mail_link
