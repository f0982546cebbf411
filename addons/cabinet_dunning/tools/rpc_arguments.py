"""The checks of what integrators pass to our public methods (XML-RPC, JSON-RPC).

Each function returns the value in the form the method works with, or raises a ``UserError``
that names the argument, says what is expected and quotes what was given, in the user's
language; nothing is written before the arguments are checked. Dates are bounded so that
nothing typed can break a list or a computation (years 1900 to 2999).
"""

import datetime

from odoo.exceptions import UserError

FIRST_YEAR, LAST_YEAR = 1900, 2999


def _refuse(env, argument, expected, value):
    shown = value.isoformat() if isinstance(value, datetime.date) else repr(value)
    raise UserError(
        env._(
            "%(argument)s: expected %(expected)s, got %(value)s.",
            argument=argument,
            expected=expected,
            value=shown if len(shown) <= 60 else shown[:57] + "...",
        )
    )


def date_arg(env, value, argument, default=None, required=False, latest=None):
    """A date given as a date or as "YYYY-MM-DD"; ``default`` when empty (refused when
    ``required``); not after ``latest`` when given."""
    if value in (None, False, "") and not required:
        return default
    given = value
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, datetime.date) or not FIRST_YEAR <= value.year <= LAST_YEAR:
        _refuse(env, argument, env._("a date as YYYY-MM-DD between 1900 and 2999"), given)
    if latest and value > latest:
        _refuse(
            env, argument, env._("a date not after %(latest)s", latest=latest.isoformat()), given
        )  # fmt: skip
    return value


def ids_arg(env, value, argument, model, required=False):
    """Record ids of ``model`` given as a list of integers (one integer is taken as a list
    of one); ``None`` when empty and not ``required``. Ids of records that do not exist are
    refused."""
    if value in (None, False) or value == []:
        if required:
            _refuse(env, argument, env._("a list of record ids"), value)
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(
        isinstance(item, int) and not isinstance(item, bool) and item > 0 for item in value
    ):
        _refuse(env, argument, env._("a list of record ids"), value)
    records = env[model].browse(value)
    missing = set(value) - set(records.exists().ids)
    if missing:
        _refuse(
            env, argument, env._("ids of existing %(model)s records", model=model),
            sorted(missing),
        )  # fmt: skip
    return list(value)


def text_arg(env, value, argument):
    """A text that says something: not empty, not only spaces."""
    if not isinstance(value, str) or not value.strip():
        _refuse(env, argument, env._("a text"), value)
    return value.strip()


def dicts_arg(env, value, argument, keys):
    """A list of dicts whose keys are among ``keys``."""
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, dict) for item in value):
        _refuse(env, argument, env._("a list of dicts"), value)
    unknown = sorted({key for item in value for key in item} - set(keys))
    if unknown:
        _refuse(
            env, argument, env._("dicts with the keys %(keys)s", keys=", ".join(keys)), unknown
        )  # fmt: skip
    return list(value)
