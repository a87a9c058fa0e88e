from . import errors
from . import followup_plan
from . import links
from . import pdf
