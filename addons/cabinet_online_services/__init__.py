from . import stdnum_resources  # first: stdnum data files for factur-x
from . import controllers
from . import models
from . import wizards
