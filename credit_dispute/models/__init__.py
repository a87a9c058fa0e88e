from . import credit_issue_category
from . import credit_dispute
from . import account_move
from . import res_partner
from . import res_company
from . import credit_followup_contact
