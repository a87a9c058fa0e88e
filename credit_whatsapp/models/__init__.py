from . import credit_whatsapp_account
from . import credit_whatsapp_template
from . import credit_whatsapp_message
from . import credit_whatsapp_step_param
from . import credit_followup_step
from . import credit_followup_engine
from . import res_partner
from . import account_move
