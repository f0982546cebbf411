from . import cabinet_usage_tier
from . import product_template
