"""A FEBRL-style corruption model for search queries: 1 to 3 fields of a child's details
changed at once, the way real records disagree (after Christen's FEBRL data generator).

Each query starts from all of a child's details (given name, family name, date of birth,
postcode, gender one time in five), picks how many fields to change (1: 45 %, 2: 35 %,
3: 20 %), then which fields, then one corruption of each:

  names     typo (insert, delete, substitute a neighbouring key, transpose), OCR error
            (rn/m, cl/d, li/h, ...), phonetic respelling, replaced by another child's
            name (a different family), nickname (given only), missing (given only: a
            practitioner must type the family name)
  both      given and family swapped (counts as two fields)
  dob       one digit slipped, day and month swapped, year one out, missing
  postcode  unit changed, sector changed, district changed, missing

`harsh` adds a name garbled past its first two letters, and a date or a postcode
replaced by another child's (nothing of the true value left).

Queries that no longer meet the minimum criteria (family name plus a given name, date of
birth or postcode) are dropped, as a practitioner could not send them.
"""

import random
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from search_queries import NICKNAMES, TrueChild, _valid, phonetic, typo

FIELD_COUNTS = ((1, 0.45), (2, 0.35), (3, 0.20))
FIELDS = ("given", "family", "dob", "postcode")

_OCR = [
    ("m", "rn"), ("rn", "m"), ("d", "cl"), ("cl", "d"), ("h", "li"), ("li", "h"),
    ("w", "vv"), ("vv", "w"), ("u", "v"), ("v", "u"), ("e", "c"), ("c", "e"), ("o", "a"),
    ("a", "o"), ("n", "h"), ("i", "l"), ("l", "i"),
]  # fmt: skip
_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


@dataclass
class CorruptQuery:
    child: TrueChild
    criteria: dict[str, str]
    # What was changed: "family:typo", "dob:swap", ...; a swap of names is "names:swapped".
    changes: list[str]
    result: dict[str, object] = field(default_factory=dict)

    @property
    def fields_changed(self) -> int:
        return sum(2 if change == "names:swapped" else 1 for change in self.changes)

    @property
    def kind(self) -> str:
        return "+".join(sorted(self.changes))


def ocr(name: str, rng: random.Random) -> str | None:
    low = name.lower()
    options = [
        low[: m.start()] + new + low[m.end() :]
        for old, new in _OCR
        for m in re.finditer(re.escape(old), low)
    ]
    options = [o for o in options if o != low and len(o) >= 2]
    if not options:
        return None
    new = rng.choice(options)
    return new[:1].upper() + new[1:]


def _name(kind: str, value: str, other: str, rng: random.Random) -> str | None:
    if kind == "typo":
        slip = typo(value, rng)
        return slip[0] if slip else None
    if kind == "ocr":
        return ocr(value, rng)
    if kind == "phonetic":
        respelt = phonetic(value, rng)
        return respelt[0] if respelt else None
    if kind == "truncated":
        letters = re.sub(r"[^A-Za-z]", "", value)
        if len(letters) < 5:
            return None
        # Garbled past its first two letters: the start survives, the rest does not.
        garble = "".join(rng.choice("aeioustrnl") for _ in range(rng.randint(2, 4)))
        return letters[:2] + garble
    if kind == "replaced":
        return other if other.lower() != value.lower() else None
    if kind == "nickname":
        variants = NICKNAMES.get(value.lower())
        return rng.choice(variants).title() if variants else None
    raise ValueError(kind)


def _dob(kind: str, dob: date, other: date, rng: random.Random, today: date) -> date | None:
    if kind == "digit":
        digits = dob.strftime("%Y%m%d")
        for _ in range(50):
            p = rng.randrange(8)
            text = (
                digits[:p]
                + rng.choice([d for d in "0123456789" if d != digits[p]])
                + digits[p + 1 :]
            )
            slipped = _valid(int(text[:4]), int(text[4:6]), int(text[6:]))
            if slipped and slipped != dob and today - timedelta(days=366 * 25) < slipped <= today:
                return slipped
        return None
    if kind == "swap":
        swapped = _valid(dob.year, dob.day, dob.month) if dob.day != dob.month else None
        return swapped if swapped and swapped <= today else None
    if kind == "year":
        slipped = _valid(dob.year + rng.choice((-1, 1)), dob.month, dob.day)
        return slipped if slipped and slipped <= today else None
    if kind == "replaced":
        return other if other != dob else None
    raise ValueError(kind)


def _postcode(kind: str, postcode: str, other: str, rng: random.Random) -> str | None:
    outward, inward = postcode.split(" ")
    if kind == "unit":
        return f"{outward} {inward[0]}{inward[1]}{rng.choice(_LETTERS.replace(inward[2], ''))}"
    if kind == "sector":
        digit = rng.choice([d for d in "0123456789" if d != inward[0]])
        return f"{outward} {digit}{inward[1:]}"
    if kind == "district":
        area = re.match(r"[A-Z]+", outward)
        number = rng.randint(1, 29)
        new = f"{area[0] if area else outward}{number}"
        return f"{new} {inward}" if new != outward else None
    if kind == "replaced":
        return other if other != postcode else None
    raise ValueError(kind)


# The kinds issue 12 lists. "truncated", and a date or postcode replaced by another
# child's, are harsher still: `--harsh` adds them (bench/README.md reports both).
NAME_KINDS = ("typo", "ocr", "phonetic", "replaced")
GIVEN_KINDS = (*NAME_KINDS, "nickname", "missing")
DOB_KINDS = ("digit", "swap", "year", "missing")
POSTCODE_KINDS = ("unit", "sector", "district", "missing")
HARSH_KINDS = {"family": ("truncated",), "given": ("truncated",), "dob": ("replaced",),
               "postcode": ("replaced",)}  # fmt: skip


def corrupt(
    child: TrueChild, pool: list[TrueChild], rng: random.Random, today: date, harsh: bool = False
) -> CorruptQuery | None:
    """One query for `child` with 1-3 fields changed; None when it cannot be typed."""
    roll, count = rng.random(), 1
    for n, share in FIELD_COUNTS:
        if roll < share:
            count = n
            break
        roll -= share
    other = rng.choice(pool)
    values: dict[str, str | date | None] = {
        "given": child.given_names.split(" ")[0],
        "family": child.family_name,
        "dob": child.date_of_birth,
        "postcode": child.postcode,
    }
    changes: list[str] = []
    chosen = rng.sample(FIELDS, count)
    if count >= 2 and {"given", "family"} <= set(chosen) and rng.random() < 0.2:
        values["given"], values["family"] = values["family"], values["given"]
        changes.append("names:swapped")
        chosen = [f for f in chosen if f not in ("given", "family")]
    for name in chosen:
        for _ in range(10):
            if name in ("given", "family"):
                kinds = GIVEN_KINDS if name == "given" else NAME_KINDS
                kind = rng.choice(kinds + (HARSH_KINDS[name] if harsh else ()))
                if kind == "missing":
                    new: str | date | None = None
                else:
                    donor = (
                        other.given_names.split(" ")[0] if name == "given" else other.family_name
                    )
                    new = _name(kind, str(values[name]), donor, rng)
                    if new is None:
                        continue
            elif name == "dob":
                kind = rng.choice(DOB_KINDS + (HARSH_KINDS[name] if harsh else ()))
                new = (
                    None
                    if kind == "missing"
                    else _dob(kind, child.date_of_birth, other.date_of_birth, rng, today)
                )
                if new is None and kind != "missing":
                    continue
            else:
                kind = rng.choice(POSTCODE_KINDS + (HARSH_KINDS[name] if harsh else ()))
                new = (
                    None
                    if kind == "missing"
                    else _postcode(kind, child.postcode, other.postcode, rng)
                )
                if new is None and kind != "missing":
                    continue
            values[name] = new
            changes.append(f"{name}:{kind}")
            break
        else:
            return None
    criteria = {"familyName": str(values["family"])}
    if values["given"]:
        criteria["givenName"] = str(values["given"])
    if isinstance(values["dob"], date):
        criteria["dateOfBirth"] = values["dob"].isoformat()
    if values["postcode"]:
        criteria["postcode"] = str(values["postcode"])
    if len(criteria) < 2:
        return None
    if rng.random() < 0.2:
        criteria["gender"] = child.gender
    return CorruptQuery(child=child, criteria=criteria, changes=changes)


def corrupt_queries(
    children: list[TrueChild], count: int, seed: int, harsh: bool = False
) -> list[CorruptQuery]:
    today = date.today()
    queries: list[CorruptQuery] = []
    for child in children:
        if len(queries) == count:
            break
        rng = random.Random(f"{seed}-{child.cp_id}")
        query = corrupt(child, children, rng, today, harsh)
        if query is not None:
            queries.append(query)
    return queries
