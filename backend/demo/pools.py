"""Name and street pools, built once per seed with Faker and then sampled cheaply.

Calling Faker per row would take minutes for a million children; a few thousand draws
with Faker's own frequency weighting keep the real mix of common and rare names.
"""

import random
from dataclasses import dataclass
from functools import cache

FEMALE_POOL_SIZE = 3000
MALE_POOL_SIZE = 3000
FAMILY_POOL_SIZE = 4000
STREET_POOL_SIZE = 2000

# Faker's en_GB given names are those of today's adults; children born since 2006 more
# often have these (ONS's most popular baby names), so children draw from both.
RECENT_GIRLS = (
    "Olivia", "Amelia", "Isla", "Ava", "Lily", "Freya", "Ivy", "Florence", "Mia", "Willow",
    "Sophia", "Isabella", "Grace", "Evie", "Poppy", "Ella", "Emily", "Sophie", "Jessica",
    "Chloe", "Ruby", "Harper", "Evelyn", "Sienna", "Daisy", "Phoebe", "Millie", "Rosie",
    "Elsie", "Matilda", "Aria", "Maya", "Layla", "Hallie", "Maisie", "Ellie", "Charlotte",
    "Scarlett", "Hannah", "Zara", "Aisha", "Fatima", "Maryam", "Nova", "Luna", "Esme",
)  # fmt: skip
RECENT_BOYS = (
    "Noah", "Oliver", "George", "Arthur", "Muhammad", "Leo", "Harry", "Oscar", "Archie",
    "Henry", "Theodore", "Freddie", "Jack", "Charlie", "Jacob", "Alfie", "Thomas", "Joshua",
    "James", "William", "Ethan", "Isaac", "Lucas", "Logan", "Max", "Finley", "Teddy", "Jude",
    "Mohammed", "Alexander", "Daniel", "Samuel", "Joseph", "Riley", "Harrison", "Reggie",
    "Albie", "Tommy", "Rory", "Elijah", "Ibrahim", "Yusuf", "Zachary", "Dylan", "Kai",
)  # fmt: skip

_STREET_WORDS = (
    "Church", "Mill", "Station", "Park", "Victoria", "Albert", "Queen's", "King's", "Oak",
    "Elm", "Beech", "Ash", "Willow", "Chestnut", "Manor", "Grange", "Orchard", "Meadow",
    "Springfield", "Highfield", "Westfield", "Broad", "Bridge", "Market", "North", "South",
    "West", "East", "New", "School", "Green", "Hill", "Rectory", "Vicarage", "Windsor",
    "York", "Alexandra", "Nelson", "Wellington", "Marlborough", "Cemetery", "Hall", "Moor",
    "Heath", "Cross", "Castle", "Abbey", "Priory", "Chapel", "Well", "Brook", "Fern",
    "Holly", "Ivy", "Laburnum", "Sycamore", "Hawthorn", "Rowan", "Cedar", "Larch",
)  # fmt: skip
_STREET_SUFFIXES = (
    "Road", "Road", "Road", "Street", "Street", "Lane", "Lane", "Avenue", "Close", "Drive",
    "Crescent", "Way", "Grove", "Gardens", "Terrace", "Place", "Court", "Walk", "Mews",
    "View", "Rise",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class NamePools:
    female: tuple[str, ...]
    male: tuple[str, ...]
    family: tuple[str, ...]
    streets: tuple[str, ...]


@cache
def name_pools(seed: int) -> NamePools:
    """Pools drawn from a Faker seeded with `seed`: the same seed gives the same pools."""
    # Imported here: Faker takes a quarter of a second to import and only this needs it.
    from faker import Faker

    fake = Faker("en_GB")
    fake.seed_instance(seed)
    female = tuple(fake.first_name_female() for _ in range(FEMALE_POOL_SIZE))
    male = tuple(fake.first_name_male() for _ in range(MALE_POOL_SIZE))
    family = tuple(fake.last_name() for _ in range(FAMILY_POOL_SIZE))

    # Faker's en_GB street names are mostly American-style ("Ross Skyway"); British
    # streets are a place, tree or family name plus a common suffix.
    rng = random.Random(f"streets-{seed}")  # noqa: S311 - demo data, reproducible on purpose
    streets: dict[str, None] = {}
    while len(streets) < STREET_POOL_SIZE:
        core = rng.choice(family) if rng.random() < 0.5 else rng.choice(_STREET_WORDS)
        streets[f"{core} {rng.choice(_STREET_SUFFIXES)}"] = None
    return NamePools(female=female, male=male, family=family, streets=tuple(streets))
