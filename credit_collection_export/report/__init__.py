from . import credit_collection_report
