"""Import each addon's plain-Python rules without Odoo.

An addon's package imports its models, hence Odoo; its ``rules`` and ``tools`` sub-packages
import nothing from Odoo. They are loaded here on their own, as ``<addon>_rules`` and
``<addon>_tools``.
"""

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

for rules_init in sorted(
    [*(ROOT / "addons").glob("*/rules/__init__.py"), *(ROOT / "addons").glob("*/tools/__init__.py")]
):
    name = f"{rules_init.parent.parent.name}_{rules_init.parent.name}"
    spec = importlib.util.spec_from_file_location(
        name, rules_init, submodule_search_locations=[str(rules_init.parent)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)

sys.path.insert(0, str(ROOT))
