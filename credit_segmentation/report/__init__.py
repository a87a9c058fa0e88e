from . import credit_segment_report
