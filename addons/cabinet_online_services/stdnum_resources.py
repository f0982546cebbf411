"""Let python-stdnum read its data files inside Odoo.

Odoo 19 patches ``stdnum`` lazily through an import hook that replaces the package's loader
with a bare namespace; ``importlib.resources`` then finds no resource reader, so every stdnum
module with a data file (``stdnum.iban``, which the ``factur-x`` library imports) fails with
"Can't open orphan path". Giving the package its file loader back restores resource reading
and changes nothing else: Odoo's patch of ``stdnum.util`` stays in place.
"""

import importlib.machinery

import stdnum


def restore_stdnum_loader():
    spec = stdnum.__spec__
    if spec.origin and not hasattr(spec.loader, "get_resource_reader"):
        spec.loader = importlib.machinery.SourceFileLoader(spec.name, spec.origin)


restore_stdnum_loader()
