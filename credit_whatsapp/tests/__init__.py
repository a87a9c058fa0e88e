from . import test_api_client
from . import test_send_queue
from . import test_webhook
from . import test_matching
from . import test_compose
from . import test_access
from . import test_compose_tour
