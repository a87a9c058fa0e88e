from . import test_writers
from . import test_export
from . import test_hand_over
from . import test_push
from . import test_status_import
from . import test_rights
from . import test_hand_over_tour
