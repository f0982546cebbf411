from . import test_catalogue
from . import test_catalogue_access
from . import test_dunning_integration
from . import test_engagement_letter
from . import test_letter_access
from . import test_letter_xmlrpc
from . import test_portal
from . import test_terms_of_use
