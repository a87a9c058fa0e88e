from . import test_engine_decisions
from . import test_engine_run
from . import test_timeline_widget
from . import test_workspace
from . import test_setup_wizard
from . import test_worklist_tour
from . import test_reporting
from . import test_costs_interest
