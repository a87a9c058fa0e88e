from . import resolve
from . import api
