"""The Factur-X checks compiled once (addons/cabinet_online_services/tools/facturx_validation.py):
the official stylesheets, lightened of what they do for nothing, reject exactly what the
stylesheets as shipped reject."""

import dataclasses

import pytest
from lxml import etree
from test_facturx_cii import BUYER, SELLER, invoice

from cabinet_online_services_rules import facturx_cii as fx
from cabinet_online_services_tools import facturx_validation as fv

pytest.importorskip("facturx")
pytest.importorskip("saxonche")


@pytest.fixture(scope="module")
def shipped():
    """The stylesheets as shipped, compiled from their files (their code lists read with
    document() beside them)."""
    from saxonche import PySaxonProcessor

    processor = PySaxonProcessor(license=False)
    compiler = processor.new_xslt30_processor()
    stylesheets = {
        name: compiler.compile_stylesheet(stylesheet_file=str(fv.package_dir() / path))
        for name, path in fv.SCHEMATRONS.items()
    }
    return processor, stylesheets


def shipped_problems(shipped, xml):
    processor, stylesheets = shipped
    document = processor.parse_xml(xml_text=xml.decode("utf-8"), encoding="UTF-8")
    problems = []
    for name, stylesheet in stylesheets.items():
        report = stylesheet.transform_to_string(xdm_node=document)
        problems += fv.svrl_failures(name, report.encode("utf-8"))
    return problems


def bad_invoices():
    """Invoices each schematron rejects for several reasons (code lists included)."""
    return {
        "SIRET for SIREN, unknown currency and country": invoice(
            seller=dataclasses.replace(SELLER, siren="82305401500012"),
            buyer=dataclasses.replace(BUYER, country="XX"),
            currency="EUX",
        ),
        "no payment mentions, number with spaces": invoice(notes={}, number="FAC 2026 1"),
    }


@pytest.mark.parametrize(
    "case",
    ["SIRET for SIREN, unknown currency and country", "no payment mentions, number with spaces"],
)
def test_lightened_stylesheets_reject_what_the_shipped_ones_reject(shipped, case):
    xml = fx.build_cii(bad_invoices()[case])
    expected = shipped_problems(shipped, xml)
    assert expected, "the case must fail"
    problems = [problem for problem in fv.validator().problems(xml) if problem[0] != "XSD"]
    assert sorted(problems) == sorted(expected)


def test_a_good_invoice_passes_both_ways(shipped):
    xml = fx.build_cii(invoice())
    assert shipped_problems(shipped, xml) == [] == fv.validator().problems(xml)


def test_lightening_keeps_every_assertion_and_drops_the_idle_work():
    for path in fv.SCHEMATRONS.values():
        shipped_text = (fv.package_dir() / path).read_text(encoding="utf-8")
        text = fv.lightened(shipped_text)
        assert text.count("svrl:failed-assert") == shipped_text.count("svrl:failed-assert")
        assert text.count("svrl:successful-report") == shipped_text.count("svrl:successful-report")
        assert "<svrl:fired-rule" in shipped_text and "<svrl:fired-rule" not in text
        assert len(fv.IDLE_WALK.findall(shipped_text)) > 50
        assert not fv.IDLE_WALK.findall(text)
        etree.fromstring(text.encode())


def test_walks_stay_when_the_default_mode_does_something():
    stylesheet = (
        '<xsl:stylesheet xmlns:xsl="http://www.w3.org/1999/XSL/Transform" '
        'xmlns:svrl="http://purl.oclc.org/dsdl/svrl" version="2.0">'
        '<xsl:template match="/"><svrl:active-pattern><xsl:apply-templates/>'
        "</svrl:active-pattern></xsl:template>"
        '<xsl:template match="text()" priority="-1"/>'
        '<xsl:template match="*"><svrl:failed-assert/></xsl:template>'
        "</xsl:stylesheet>"
    )
    assert fv.lightened(stylesheet) == stylesheet


def test_documents_read_by_a_stylesheet_become_parameters():
    stylesheet = (
        '<xsl:stylesheet version="2.0"><xsl:param name="a"/>'
        "<x select=\"document('codes.xml')/c[@id=1] | document('codes.xml')/c[@id=2]\"/>"
        "<y select=\"document('more-codes.xml')\"/></xsl:stylesheet>"
    )
    text, parameters = fv.preload_documents(stylesheet)
    assert parameters == {"cabinet-document-1": "codes.xml", "cabinet-document-2": "more-codes.xml"}
    assert "document(" not in text
    assert text.count("$cabinet-document-1/c") == 2
    assert text.startswith(
        '<xsl:stylesheet version="2.0">'
        '<xsl:param name="cabinet-document-1" as="document-node()" required="yes"/>'
        '<xsl:param name="cabinet-document-2" as="document-node()" required="yes"/>'
    )
    assert fv.preload_documents("<xsl:stylesheet/>") == ("<xsl:stylesheet/>", {})


def test_what_is_not_xml_or_not_factur_x_is_reported():
    [(rule, message)] = fv.validator().problems(b"<rsm:CrossIndustryInvoice")
    assert rule == "XML" and message
    problems = fv.validator().problems(b"<invoice/>")
    assert problems[0][0] == "XSD"
