from . import credit_whatsapp_compose
from . import credit_whatsapp_link
