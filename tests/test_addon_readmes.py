"""Each addon's README.rst is generated from its readme/ fragments and kept fresh."""

import pytest

from devtools import readme


@pytest.mark.parametrize("addon_dir", readme.addons(), ids=lambda p: p.name)
def test_readme_is_fresh(addon_dir):
    assert (addon_dir / "readme" / "DESCRIPTION.md").exists()
    assert (addon_dir / "README.rst").read_text(encoding="utf-8") == readme.render(addon_dir), (
        "README.rst is stale: run `python3 -m devtools.readme`"
    )
