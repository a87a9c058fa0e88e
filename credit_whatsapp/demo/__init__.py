from . import credit_whatsapp_demo
