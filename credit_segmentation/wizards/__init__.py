from . import credit_segment_assign
