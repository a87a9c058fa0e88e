from . import credit_collection_hand_over
from . import credit_collection_status_import
