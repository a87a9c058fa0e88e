from . import test_assignment, test_criteria, test_scoring, test_segment_tour
