from . import cabinet_dunning_run_wizard
