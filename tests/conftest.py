"""Import each addon's plain-Python rules without Odoo.

An addon's package imports its models, hence Odoo; its ``rules`` sub-package imports
nothing from Odoo. It is loaded here on its own, as ``<addon>_rules``.
"""

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

for rules_init in sorted((ROOT / "addons").glob("*/rules/__init__.py")):
    name = f"{rules_init.parent.parent.name}_rules"
    spec = importlib.util.spec_from_file_location(
        name, rules_init, submodule_search_locations=[str(rules_init.parent)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)

sys.path.insert(0, str(ROOT))
