import pytest

from accounts.models import Agency, Circuit, County

pytestmark = pytest.mark.django_db


def test_it_loads_fourteen_agencies_with_cd_and_the_6zt_successor():
    assert Agency.objects.count() == 14
    assert Agency.objects.get(code="CD").is_state
    great_circle = Agency.objects.get(code="6ZT")
    assert great_circle.active is False
    assert great_circle.successor.code == "6ZV"
    assert Agency.objects.get(code="6AW").contract_type == "specialized"
    assert Agency.objects.filter(active=False).count() == 1


def test_it_loads_46_circuits_and_115_counties_each_in_one_circuit():
    assert Circuit.objects.count() == 46
    assert list(Circuit.objects.values_list("number", flat=True)) == list(range(1, 47))
    assert County.objects.count() == 115
    assert County.objects.filter(circuit__isnull=True).count() == 0
    # Every circuit covers at least one county.
    assert Circuit.objects.filter(counties__isnull=True).count() == 0


@pytest.mark.parametrize(
    ("name", "fips", "circuit"),
    [
        ("Jackson", "29095", 16),
        ("St. Louis", "29189", 21),
        ("St. Louis City", "29510", 22),
        ("Greene", "29077", 31),
        ("Taney", "29213", 46),
        ("Christian", "29043", 38),
        ("Ste. Genevieve", "29186", 24),
    ],
)
def test_known_counties_sit_in_their_circuits(name, fips, circuit):
    county = County.objects.get(name=name)
    assert county.fips == fips
    assert county.circuit_id == circuit


def test_multi_county_circuits_from_the_seed_review():
    assert set(County.objects.filter(circuit=36).values_list("name", flat=True)) >= {"Butler", "Ripley"}
    assert set(County.objects.filter(circuit=45).values_list("name", flat=True)) == {"Lincoln", "Pike"}
