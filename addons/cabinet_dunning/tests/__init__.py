from . import test_access
from . import test_ui
from . import test_dunning_policy
from . import test_dunning_run
from . import test_partner_identifiers
from . import test_payer_card
from . import test_xmlrpc
from . import test_dunning_escalation
