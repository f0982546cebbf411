"""The receivables figures of the collection dashboard that need no database: ageing
buckets, month ends, percentages that add up, and the average payment delay (DSO) by the
count-back method.

The model reads Odoo's own amounts (the receivable lines' residuals, the invoices' signed
totals) in grouped queries and hands them here.
"""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

# (key, first day late, last day late or None): not due yet, then late by 1-30 days...
AGE_BUCKETS = (
    ("not_due", None, 0),
    ("late_1_30", 1, 30),
    ("late_31_60", 31, 60),
    ("late_61_90", 61, 90),
    ("late_90_plus", 91, None),
)
BUCKET_KEYS = tuple(key for key, _first, _last in AGE_BUCKETS)
HUNDRED = Decimal(100)


def age_bucket(days_late):
    """The key of the bucket of a debt ``days_late`` days past its due date (zero or less:
    not due yet)."""
    for key, _first, last in AGE_BUCKETS:
        if last is None or days_late <= last:
            return key
    raise AssertionError("the last bucket has no end")


def month_ends(today, count):
    """The last days of the ``count`` months before ``today``'s month, oldest first."""
    ends = []
    first = today.replace(day=1)
    for _index in range(count):
        last = first - timedelta(days=1)
        ends.append(last)
        first = last.replace(day=1)
    return ends[::-1]


def month_start(day, months_back=0):
    """The first day of the month ``months_back`` months before ``day``'s month."""
    month_index = day.year * 12 + day.month - 1 - months_back
    return date(month_index // 12, month_index % 12 + 1, 1)


def percentages(amounts):
    """Each of ``amounts`` as a percentage of their total, to one decimal, adding up to
    exactly 100.0 (largest remainder); all zeros when the total is zero.

    Amounts may be negative (credits not yet matched): the shares are then of the total
    and may exceed 100 or be negative; they still add up to 100.
    """
    values = [Decimal(str(amount)) for amount in amounts]
    total = sum(values, Decimal(0))
    if not total:
        return [Decimal("0.0")] * len(values)
    tenths = [value * 1000 / total for value in values]
    floors = [tenth.to_integral_value(rounding="ROUND_FLOOR") for tenth in tenths]
    missing = int(1000 - sum(floors))
    order = sorted(range(len(values)), key=lambda index: floors[index] - tenths[index])
    for index in order[:missing]:
        floors[index] += 1
    return [floor / 10 for floor in floors]


def count_back_dso(receivable, monthly_sales):
    """Days of sales outstanding by the count-back method.

    ``receivable`` is the amount due by clients on a day (invoices issued and not paid,
    taxes included); ``monthly_sales`` lists (days in the month, sales of the month taxes
    included) from the month of that day backwards. The receivable is matched against the
    latest month's sales, then the month before..., counting each month's days while its
    sales are used up whole, and the share of the days of the month it ends in. A receivable
    larger than every month given counts all their days. Returns days rounded to one
    decimal; zero when nothing is due.
    """
    left = Decimal(str(receivable))
    days = Decimal(0)
    for month_days, sales in monthly_sales:
        if left <= 0:
            break
        sales = Decimal(str(sales))
        if sales <= 0:
            days += month_days
            continue
        if left >= sales:
            days += month_days
            left -= sales
        else:
            days += Decimal(month_days) * left / sales
            left = Decimal(0)
    return days.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
