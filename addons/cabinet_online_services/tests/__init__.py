from . import test_catalogue
from . import test_catalogue_access
