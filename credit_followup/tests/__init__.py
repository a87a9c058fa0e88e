from . import test_engine_decisions
from . import test_engine_run
from . import test_timeline_widget
from . import test_workspace
