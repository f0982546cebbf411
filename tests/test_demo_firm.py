"""The demo-firm generator's plain parts: sizes and generated identifiers (data/demo_firm.py)."""

import random
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from stdnum import iban
from stdnum.fr import siren, siret, tva

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "data"))
import demo_firm  # noqa: E402


@given(st.integers(0, 20_000))
def test_segment_counts_add_up_to_the_size(count):
    counts = [number for _seg, _pat, number, _term, _means in demo_firm._segment_counts(count)]
    assert sum(counts) == count
    assert all(number >= 0 for number in counts)
    if count >= len(demo_firm.SEGMENTS):
        assert all(number >= 1 for number in counts), "every segment is in the firm"


@given(st.integers(0, 2**32))
def test_generated_identifiers_are_valid_and_unique(seed):
    rng, used = random.Random(seed), set()
    sirens = [demo_firm.make_siren(rng, used) for _ in range(20)]
    assert len(set(sirens)) == 20
    for number in sirens:
        assert siren.is_valid(number)
        assert siret.is_valid(demo_firm.make_siret(number, rng))
        assert tva.is_valid(demo_firm.french_vat(number))
    assert iban.is_valid(demo_firm._iban(rng))
    assert siren.is_valid(demo_firm.FIRM_SIREN)


def test_public_bodies_get_a_public_siren():
    assert demo_firm.make_siren(random.Random(1), set(), first_digit="2").startswith("2")
