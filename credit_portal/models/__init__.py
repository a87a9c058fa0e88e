from . import (
    credit_dispute,
    credit_followup_promise,
    credit_payment_arrangement,
    credit_payment_arrangement_line,
    credit_portal_change_request,
    credit_portal_demo,
    res_company,
    res_config_settings,
    res_partner,
)
