from . import cabinet_dunning_run_wizard
from . import cabinet_doubtful_debt_wizard
