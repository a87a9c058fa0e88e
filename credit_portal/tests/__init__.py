from . import test_portal_access, test_portal_flows, test_portal_tour
