from . import credit_dispute_demo
