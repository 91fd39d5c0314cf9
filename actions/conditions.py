"""The conditions a message names for the services, as the directory's parameters: a spoken language
("who speaks Arabic", "in my language"), an opening time ("open on Saturday"), a neighbourhood
("in Eastgate") or a postal code, free of charge, no appointment needed, who may use them ("without insurance"). A first question and every follow-up may name several at once."""

from typing import Dict, Optional

from .opening_time import named_opening
from .regions import known_postal_codes, known_regions, named_postal_code, named_region
from .service_features import named_eligibility, named_features
from .spoken_language import named_language

# Asked about courses, a language is what to learn ("I want to learn German"), not one the staff speak.
LANGUAGE_IS_A_SUBJECT = {"education"}


async def conditions_in(text: str, ui_language: str, category: Optional[str] = None) -> Dict[str, str]:
    found: Dict[str, str] = {}
    spoken = None if category in LANGUAGE_IS_A_SUBJECT else named_language(text, ui_language)
    if spoken:
        found["language"] = spoken
    when = named_opening(text)
    if when:
        found["open"] = when
    region = named_region(text, await known_regions())
    if region:
        found["region"] = region
    code = named_postal_code(text, await known_postal_codes())
    if code:
        found["postal_code"] = code
    found.update(named_features(text))
    eligible = named_eligibility(text)
    if eligible:
        found["eligibility"] = eligible
    return found
