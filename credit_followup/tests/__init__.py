from . import test_timeline_widget
