from . import (
    res_company,
    res_config_settings,
    credit_segment_criteria,
    credit_segment,
    credit_segment_demo,
    res_partner,
    account_move,
    base_import_import,
)
