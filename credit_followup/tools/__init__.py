from . import followup_plan
from . import pdf
