"""Date rules of engagement letters: term, tacit renewal, billing day, longest payment term.

Pure functions over ``datetime.date``.
"""

import calendar
from datetime import date, timedelta

ADVANCE = "advance"
ARREARS = "arrears"


def end_of_month(day):
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day, months):
    """The same day ``months`` later, or the month's last day when it is shorter (31 Jan + 1
    month is 28 or 29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def term_end(start, duration_months):
    """Last day of a term of ``duration_months`` starting on ``start``."""
    return add_months(start, duration_months) - timedelta(days=1)


def current_term_end(start, duration_months, tacit_renewal, today):
    """Last day of the term running on ``today``.

    Without tacit renewal it is the end of the first term, even when past. With it, terms of
    the same length follow each other, and the result is the first term end on or after
    ``today``. Invariant: the result is a term end, and with renewal it is >= today.
    """
    terms = 1
    end = term_end(start, duration_months)
    while tacit_renewal and end < today:
        terms += 1
        end = term_end(start, duration_months * terms)
    return end


def notice_deadline(term_end_day, notice_months):
    """Last day to give notice so the letter is not renewed."""
    return add_months(term_end_day + timedelta(days=1), -notice_months) - timedelta(days=1)


def billing_date(period_start, period_end, timing, billing_day):
    """The day a period is invoiced.

    In advance: on ``billing_day`` of the month before the period (the 25th by default),
    or that month's last day when it is shorter. In arrears: the day after the period ends.
    """
    if timing == ADVANCE:
        previous_month = add_months(period_start.replace(day=1), -1)
        last_day = calendar.monthrange(previous_month.year, previous_month.month)[1]
        return previous_month.replace(day=min(billing_day, last_day))
    return period_end + timedelta(days=1)


def longest_due_allowed(invoice_date, days=30):
    """The latest due date of "``days`` days end of month": the month's end, then the days."""
    return end_of_month(invoice_date) + timedelta(days=days)


def payment_term_too_long(due_date_of, sample_dates, days=30):
    """The first sample invoice date whose due date, per ``due_date_of``, passes the limit."""
    for invoice_date in sample_dates:
        if due_date_of(invoice_date) > longest_due_allowed(invoice_date, days):
            return invoice_date
    return None


def sample_invoice_dates(year=2024):
    """Every day of a leap year: enough to find any term that ever passes the limit."""
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)
