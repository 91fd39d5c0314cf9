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
