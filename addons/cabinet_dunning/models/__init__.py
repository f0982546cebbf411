from . import cabinet_weekday
from . import cabinet_dunning_policy
from . import cabinet_dunning_level
from . import cabinet_ecb_rate
from . import res_partner
