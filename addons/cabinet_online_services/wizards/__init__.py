from . import cabinet_engagement_letter_terminate
from . import cabinet_direct_debit_reject
