from . import credit_followup_demo
