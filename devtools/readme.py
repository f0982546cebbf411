"""Build each addon's README.rst from its readme/ fragments, as the OCA's tooling does.

``python3 -m devtools.readme`` rewrites them; tests/test_addon_readmes.py checks they are fresh.
"""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FRAGMENTS = [
    ("DESCRIPTION.md", None),
    ("CONTEXT.md", "Context"),
    ("CONFIGURE.md", "Configuration"),
    ("USAGE.md", "Usage"),
]


def render(addon_dir):
    manifest = ast.literal_eval((addon_dir / "__manifest__.py").read_text(encoding="utf-8"))
    title = manifest["name"]
    parts = [
        "=" * len(title),
        title,
        "=" * len(title),
        "",
        f"*{manifest['summary']}* — Odoo {manifest['version'][:4]}, {manifest['license']}.",
        "",
        ".. This file is generated from readme/ by `python3 -m devtools.readme`.",
        "",
    ]
    for fragment, heading in FRAGMENTS:
        path = addon_dir / "readme" / fragment
        if not path.exists():
            continue
        if heading:
            parts += [heading, "=" * len(heading), ""]
        parts += [path.read_text(encoding="utf-8").strip(), ""]
    return "\n".join(parts)


def addons():
    return sorted(p.parent for p in (ROOT / "addons").glob("*/__manifest__.py"))


def main():
    for addon_dir in addons():
        (addon_dir / "README.rst").write_text(render(addon_dir), encoding="utf-8")
        print(f"wrote {addon_dir / 'README.rst'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
