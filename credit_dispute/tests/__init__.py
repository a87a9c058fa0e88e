from . import test_dispute
from . import test_dispute_sla
from . import test_dispute_report
from . import test_resolve_links
from . import test_api
from . import test_dossier
from . import test_mail_gateway
from . import test_register_tour
