"""The conditions a message names for the services, as the directory's parameters: a spoken language
("who speaks Arabic", "in my language"), an opening time ("open on Saturday"), a neighbourhood
("in Eastgate"), free of charge, no appointment needed. A first question and every follow-up may name several at once."""
from typing import Dict, Optional

from .opening_time import named_opening
from .regions import known_regions, named_region
from .service_features import named_features
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
    found.update(named_features(text))
    return found
