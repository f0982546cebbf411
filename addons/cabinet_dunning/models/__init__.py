from . import cabinet_weekday
from . import res_partner
