"""A neighbourhood named by another name staff added ("إيستغيت" for Eastgate) is that neighbourhood, as the
directory spells it (GET /regions lists the other names in `alternative_names`)."""

from actions.directory_client import DirectoryClient
from actions.regions import named_region

NAMES = {"Eastgate": "Eastgate", "Old Harbour": "Old Harbour", "إيستغيت": "Eastgate", "Істгейт": "Eastgate"}


def test_another_name_finds_the_neighbourhood_by_its_own_name():
    assert named_region("في شي بمنطقة إيستغيت؟", NAMES) == "Eastgate"
    assert named_region("а є щось в Істгейт?", NAMES) == "Eastgate"
    assert named_region("anything in old harbour", NAMES) == "Old Harbour"
    assert named_region("anything near the station", NAMES) is None


def test_the_client_reads_the_other_names_and_drops_those_of_no_listed_neighbourhood(monkeypatch):
    client = DirectoryClient("http://127.0.0.1:9/api")
    body = {"regions": ["Eastgate", "Westbrook"], "alternative_names": {"إيستغيت": "Eastgate", "Nowhere": "Atlantis", "7": 7}}
    monkeypatch.setattr(client, "_get", lambda path, params, check=None: body)
    assert client.region_names() == {"Eastgate": "Eastgate", "Westbrook": "Westbrook", "إيستغيت": "Eastgate"}
    assert client.regions() == ["Eastgate", "Westbrook"]


CODES = ["PM-1001", "PM-1004", "PM-1012"]


def test_a_postal_code_is_found_however_it_is_written_and_given_as_the_directory_writes_it():
    from actions.regions import named_postal_code

    assert named_postal_code("anything in pm 1004?", CODES) == "PM-1004"
    assert named_postal_code("في شي بالرمز PM1012؟", CODES) == "PM-1012"
    assert named_postal_code("мій індекс PM-1001", CODES) == "PM-1001"
    # A code of the city's shape that no address has is still a code (then nothing is there) ...
    assert named_postal_code("and in PM-1099?", CODES) == "PM-1099"
    # ... but a year, a house number or a longer word is not.
    for text in ("I arrived in 2025", "flat 12, floor 1004", "XPM-1004", "PM-10045"):
        assert named_postal_code(text, CODES) is None, text
    assert named_postal_code("anything in PM-1004", []) is None
    assert named_postal_code("near e1 6an please", ["SW1A 1AA", "E1 6AN"]) == "E1 6AN"


def test_the_client_reads_the_postal_codes_and_none_from_a_directory_that_lists_none(monkeypatch):
    client = DirectoryClient("http://127.0.0.1:9/api")
    bodies = iter([{"regions": [], "postal_codes": ["PM-1001", 7, " "]}, {"regions": []}])
    monkeypatch.setattr(client, "_get", lambda path, params, check=None: next(bodies))
    assert client.postal_codes() == ["PM-1001"]
    assert client.postal_codes() == []
