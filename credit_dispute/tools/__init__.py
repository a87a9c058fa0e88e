from . import api_values
from . import openapi
