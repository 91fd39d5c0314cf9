"""Which service of the last reply a details question points at: a position in any of the six languages
(or a digit), else the service whose name it shares most."""

import pytest

from actions.details import named_position, named_service


@pytest.mark.parametrize(
    "text, position",
    [
        ("tell me more about the second one", 2),
        ("el tercero", 3),
        ("dis-m'en plus sur le premier", 1),
        ("احكيلي عن التاني", 2),
        ("розкажи про останній", -1),
        ("درباره سومی بگو", 3),
        ("number 2 please", 2),
        ("رقم 3", 3),
    ],
)
def test_a_named_position(text, position):
    assert named_position(text) == position


def test_no_position_in_a_question_about_a_name():
    assert named_position("tell me more about the Job Cafe") is None


def test_the_service_whose_name_the_message_gives():
    services = [{"name": "Job Cafe for Newcomers"}, {"name": "Newcomer Job Desk"}, {"name": "Women at Work Mentoring"}]
    assert named_service("what about the women mentoring thing", services)["name"] == "Women at Work Mentoring"
    assert named_service("details of the job desk", services)["name"] == "Newcomer Job Desk"
    assert named_service("tell me more", services) is None
