"""Recognising code sections (DOMAIN.md sections 4 and 10). Pure: no Django, no clock.

What lives here:

- :func:`parse_section` reads one code-section text (``11357(B) HS``, ``HS 11360(A)``, ``288A PC``);
- :func:`parse_charge` reads a whole DOJ ``OFFENSE_DESCR`` (with ``COMMENT_TEXT``), including the
  attempt (PC 664) and conspiracy (PC 182) wrappers and their targets;
- :func:`find_cannabis_section` finds a standalone HS 11357-11360 section inside free text;
- :func:`is_prop64`, and the DOMAIN.md section 6 lists (:data:`SUPER_STRIKES`,
  :data:`PC290_REGISTRABLE`, :data:`GANG_PAIRED`) with the section 10 matching rule :func:`matches`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum


class Wrapper(str, Enum):
    NONE = ""
    ATTEMPT = "attempt"  # PC 664
    CONSPIRACY = "conspiracy"  # PC 182


@dataclass(frozen=True, slots=True)
class Section:
    """One parsed code section, e.g. HS 11359(b) -> Section("HS", "11359", ("b",))."""

    code: str  # canonical: HS, PC, VC, BP, WI, FG, WC, MV
    number: str  # "11359", "288a", "190.2", "11357.5"
    subdivisions: tuple[str, ...] = ()  # lower-cased: 11360(A)(3)(C) -> ("a", "3", "c")

    def __str__(self) -> str:
        return f"{self.code} {self.number}" + "".join(f"({s})" for s in self.subdivisions)


@dataclass(frozen=True, slots=True)
class ParsedCharge:
    """What a DOJ row's offense says, parsed; ``raw`` keeps the source text for attorneys."""

    raw: str
    section: Section | None  # the section as recorded (for a wrapper: PC 664 / PC 182 itself)
    wrapper: Wrapper = Wrapper.NONE
    # For a conspiracy: the HS 11357-11360 target, if any. For an attempt: the section written
    # after ``664/`` or ``664.`` whatever it is (so ``664/187`` is representable), else the
    # HS 11357-11360 section found in the description.
    target: Section | None = None


# --------------------------------------------------------------------------------------------
# Codes (DOMAIN.md section 10, "Codes")
# --------------------------------------------------------------------------------------------

#: Every accepted spelling of a code, with spaces removed, to its canonical form.
CODE_SPELLINGS: dict[str, str] = {
    "HS": "HS", "HSC": "HS", "H&S": "HS", "H&SC": "HS",
    "PC": "PC", "PEN": "PC",
    "VC": "VC", "VEH": "VC",
    "BP": "BP", "BPC": "BP", "B&P": "BP",
    "WI": "WI", "WIC": "WI", "W&I": "WI",
    "FG": "FG", "FGC": "FG", "F&G": "FG",
    "WC": "WC",
    "MV": "MV",
}  # fmt: skip

#: The numbers that are HS when written with no code (DOMAIN.md section 10: "HS when its number
#: is 11357-11361 and PC otherwise"). Compared with the whole number: 11357.5 is not among them.
HS_BY_DEFAULT = frozenset({"11357", "11358", "11359", "11360", "11361"})

#: HS 11357, 11358, 11359, 11360: the Prop 64 sections (DOMAIN.md section 2, "Prop 64 conviction").
PROP64_NUMBERS = frozenset({"11357", "11358", "11359", "11360"})

# Longest spellings first so that ``HSC`` is not read as ``HS`` followed by a stray ``C``.
_CODE = r"(?:H\s*&\s*SC?|B\s*&\s*P|W\s*&\s*I|F\s*&\s*G|HSC|HS|PEN|PC|VEH|VC|BPC|BP|WIC|WI|FGC|FG|WC|MV)"
_SUBDIVISIONS = r"(?:\s*\(\s*[A-Z0-9]{1,4}\s*\))*"
_ONE_SUBDIVISION = re.compile(r"\(\s*([A-Z0-9]{1,4})\s*\)")

# One whole section: optional code, number, optional glued letter(s), subdivisions, optional code.
# The letter group is lazy so that ``11359HS`` reads as code HS, not as letters "HS".
_SECTION_RE = re.compile(
    rf"(?:(?P<pre>{_CODE})\s*)?"
    r"(?P<number>\d+(?:\.\d+)?)"
    r"(?P<letters>[A-Z]{1,2})??"
    rf"(?P<subs>{_SUBDIVISIONS})"
    rf"(?:\s*(?P<post>{_CODE}))?"
)

# A standalone HS 11357-11360 section inside free text (DOMAIN.md section 4: "matching is anchored").
_CANNABIS_RE = re.compile(
    rf"(?<![A-Z0-9&])(?<!\d\.)(?:(?P<pre>{_CODE})\s*)?"
    r"(?P<number>1135[789]|11360)"
    r"(?P<letter>[A-Z])??"
    rf"(?P<subs>{_SUBDIVISIONS})"
    rf"(?:\s*(?P<post>{_CODE}))?"
    r"(?![A-Z0-9])(?!\.\d)"
)


def canonical_code(spelling: str) -> str | None:
    """The canonical code for a spelling (``H & S`` -> ``HS``, ``PEN`` -> ``PC``), else None.

    DOMAIN.md section 10, "Codes": HS/HSC/H&S, PC/PEN, VC/VEH, BP/BPC, WI/WIC, FG/FGC, WC, MV.
    """
    return CODE_SPELLINGS.get(re.sub(r"\s+", "", spelling.upper()))


def _subdivisions(text: str) -> tuple[str, ...]:
    return tuple(s.lower() for s in _ONE_SUBDIVISION.findall(text))


def parse_section(text: str) -> Section | None:
    """Parse one code-section text, anchored at both ends, or return None.

    DOMAIN.md section 3 ("Code section": the text before the first ``-``), section 4 and
    section 10 ("Codes"): the code may precede or follow the number, glued or spaced; with no
    code the section is HS when the number is exactly 11357-11361 and PC otherwise; a letter
    glued to 11357-11360 is the subdivision (``11357B`` = HS 11357(b)), on other numbers it is
    part of the section (``288A`` = PC 288a). A number buried in other words is not a section.
    """
    cleaned = " ".join(text.upper().split())
    if not cleaned:
        return None
    found = _SECTION_RE.fullmatch(cleaned)
    if found is None or (found["pre"] and found["post"]):
        return None
    number = found["number"]
    letters = found["letters"] or ""
    subdivisions = _subdivisions(found["subs"])
    spelled = found["pre"] or found["post"]
    code = canonical_code(spelled) if spelled else ("HS" if number in HS_BY_DEFAULT else "PC")
    if code is None:  # pragma: no cover - the pattern only admits known spellings
        return None
    if letters and number in PROP64_NUMBERS:
        if len(letters) != 1:
            return None
        return Section(code, number, (letters.lower(), *subdivisions))
    return Section(code, number + letters.lower(), subdivisions)


def find_cannabis_section(text: str) -> Section | None:
    """The first standalone HS 11357-11360 section inside free text, or None.

    DOMAIN.md section 4 ("matching is anchored: 11357.5 is not 11357") and section 10
    ("Attempt/conspiracy target": the first anchored HS 11357-11360 number): ``CHARGE 11360(A) HS``
    gives HS 11360(a); ``11357.5``, ``111357`` and ``11359X1`` give nothing. A code written
    next to the number must be an HS spelling (``11359 VC`` is not a cannabis section).
    """
    upper = text.upper()
    for found in _CANNABIS_RE.finditer(upper):
        post = found["post"]
        if post and canonical_code(post) != "HS":
            continue
        letter = (found["letter"] or "").lower()
        subdivisions = _subdivisions(found["subs"])
        return Section("HS", found["number"], (letter, *subdivisions) if letter else subdivisions)
    return None


def is_prop64(section: Section | None) -> bool:
    """HS 11357, 11358, 11359 or 11360, any subdivision (DOMAIN.md section 2, "Prop 64 conviction").

    The number must be exact: HS 11357.5 (synthetic cannabinoids) and HS 11361 (minors) are not
    Prop 64 offenses (DOMAIN.md section 4).
    """
    return section is not None and section.code == "HS" and section.number in PROP64_NUMBERS


# --------------------------------------------------------------------------------------------
# Charges: attempt and conspiracy wrappers (DOMAIN.md section 4; section 10 "Attempt/conspiracy target")
# --------------------------------------------------------------------------------------------

SEE_COMMENT = "SEE COMMENT FOR CHARGE"

_WRAPPER_RE = re.compile(
    r"(?:(?:PC|PEN)\s*)?"
    r"(?P<number>664|182)"
    rf"(?P<subs>{_SUBDIVISIONS})"
    r"(?P<space>\s*)"
    r"(?:(?P<code>PC|PEN)(?![A-Z])\s*)?"
    r"(?P<rest>.*)"
)
_GLUED_CANNABIS = re.compile(r"(?:1135[789]|11360)(?!\d)")
_DOTTED_TARGET = re.compile(r"\d{3,}")


def _split_offense(text: str) -> tuple[str, str]:
    """Section part (before the first ``-``) and description (after it), DOMAIN.md section 3."""
    section_part, _, description = text.partition("-")
    return section_part.strip(), description.strip()


def _is_see_comment(section_part: str) -> bool:
    return not section_part or " ".join(section_part.upper().split()) == SEE_COMMENT


def _attached_target(wrapper: Wrapper, attached: str) -> tuple[bool, Section | None]:
    """Read the text written after a wrapper (``/11359 HS``, ``187``).

    Returns (named, target): ``named`` is True when that text names a section at all. An attempt
    keeps any section (``664/187`` is attempted murder, DOMAIN.md section 10 "Disqualifiers");
    a conspiracy keeps only an HS 11357-11360 target.
    """
    attached = attached.strip()
    if not attached:
        return False, None
    section = parse_section(attached)
    if section is not None:
        if wrapper is Wrapper.ATTEMPT or is_prop64(section):
            return True, section
        return True, None
    cannabis = find_cannabis_section(attached)
    return cannabis is not None, cannabis


def _wrapper(section_part: str) -> tuple[Wrapper, Section, str] | None:
    """Recognise ``664/…``, ``664.…``, ``664…`` glued, ``664 PC``, ``182``, ``182(A)(1)/…``.

    Returns the wrapper, the wrapper's own section (PC 664 or PC 182 with its subdivisions) and
    the text written after it; None when ``section_part`` is not a wrapper (``664.5``, ``182.5``,
    ``1822`` are ordinary sections).
    """
    text = " ".join(section_part.upper().split())
    found = _WRAPPER_RE.fullmatch(text)
    if found is None:
        return None
    number, rest = found["number"], found["rest"]
    wrapper = Wrapper.ATTEMPT if number == "664" else Wrapper.CONSPIRACY
    own = Section("PC", number, _subdivisions(found["subs"]))
    bare = not (found["subs"] or found["space"] or found["code"])
    if rest.startswith("/"):
        return wrapper, own, rest[1:]
    if rest.startswith("."):
        # Only ``664.11359`` / ``664.187`` (a whole section after the dot); ``664.5`` is a section.
        after = rest[1:]
        if wrapper is Wrapper.ATTEMPT and bare and _DOTTED_TARGET.match(after) and parse_section(after):
            return wrapper, own, after
        return None
    if rest[:1].isdigit() and bare:
        # ``66411359``: 664 glued to an HS 11357-11360 number; anything else glued is another number.
        if wrapper is Wrapper.ATTEMPT and _GLUED_CANNABIS.match(rest):
            return wrapper, own, rest
        return None
    if rest and not (found["space"] or found["code"] or found["subs"]):
        return None  # ``664A``, ``182X``: not the wrapper
    return wrapper, own, rest


def parse_charge(offense_text: str, comment: str = "") -> ParsedCharge:
    """Parse a cleaned DOJ ``OFFENSE_DESCR`` (and ``COMMENT_TEXT``) into a :class:`ParsedCharge`.

    DOMAIN.md section 3 ("Code section"): the section is the text before the first ``-``; when it
    is blank or ``SEE COMMENT FOR CHARGE`` the comment is read the same way, and if the comment is
    not a section, the first HS 11357-11360 section inside it is used. DOMAIN.md section 4 and
    section 10 ("Attempt/conspiracy target"): for an attempt (PC 664) or conspiracy (PC 182) the
    target is the section after the wrapper, else the first anchored HS 11357-11360 section in
    the description (text after the first ``-``), then, for conspiracies only, in the comment.
    A conspiracy whose wrapper names a non-cannabis section (``182/211``) has no target.
    """
    raw = offense_text
    section_part, description = _split_offense(offense_text)
    from_comment = False
    if _is_see_comment(section_part) and comment.strip():
        raw, from_comment = comment, True
        section_part, description = _split_offense(comment)

    wrapped = _wrapper(section_part)
    if wrapped is None:
        section = parse_section(section_part)
        if section is None and from_comment:
            section = find_cannabis_section(comment)
        if section is not None and section.code == "PC" and section.number in ("664", "182"):
            # ``PC 664`` / ``182(A)(1) PC`` written with the code first: still a wrapper.
            wrapped = (Wrapper.ATTEMPT if section.number == "664" else Wrapper.CONSPIRACY, section, "")
        else:
            return ParsedCharge(raw=raw, section=section)

    wrapper, own, attached = wrapped
    named, target = _attached_target(wrapper, attached)
    if not named:
        target = find_cannabis_section(description)
        if target is None and wrapper is Wrapper.CONSPIRACY:
            target = find_cannabis_section(comment)
    return ParsedCharge(raw=raw, section=own, wrapper=wrapper, target=target)


# --------------------------------------------------------------------------------------------
# Lists (DOMAIN.md section 6, end; section 10 "Disqualifiers")
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SectionFamily(Section):
    """A list entry that also covers the dotted sections under its number.

    DOMAIN.md section 6: "190 and its subsections" (section 10: "includes 190.x"), so
    ``SectionFamily("PC", "190")`` matches PC 190, 190.2, 190.05 ... but not PC 1900.
    """

    def __str__(self) -> str:
        return f"{Section.__str__(self)} and its subsections"


_FAMILY_SUFFIX = " and its subsections"
_RANGE = re.compile(r"\s*[\u2013\u2014-]\s*")  # hyphen, en dash or em dash


def _expand(first: str, last: str) -> list[str]:
    """``1``..``3`` or ``a``..``c`` (or ``A``..``C``), inclusive."""
    if first.isdigit() and last.isdigit():
        return [str(n) for n in range(int(first), int(last) + 1)]
    if len(first) == len(last) == 1 and first.isalpha() and last.isalpha():
        return [chr(c) for c in range(ord(first.lower()), ord(last.lower()) + 1)]
    raise ValueError(f"cannot expand the range {first}-{last}")


def section_list(*specs: str) -> tuple[Section, ...]:
    """Build list entries from DOMAIN.md spellings, expanding ranges into explicit entries.

    ``"PC 286(c)(1)-(3)"`` -> PC 286(c)(1), 286(c)(2), 286(c)(3); ``"HS 25189.5-25189.7"`` ->
    HS 25189.5, 25189.6, 25189.7; ``"PC 190 and its subsections"`` -> a :class:`SectionFamily`.
    An entry with no code follows :func:`parse_section` (PC unless the number is 11357-11361).
    """
    entries: list[Section] = []
    for spec in specs:
        family = spec.endswith(_FAMILY_SUFFIX)
        text = spec.removesuffix(_FAMILY_SUFFIX)
        left, *right = _RANGE.split(text, maxsplit=1)
        first = parse_section(left)
        if first is None:
            raise ValueError(f"not a section: {spec!r}")
        if not right:
            entries.append(SectionFamily(first.code, first.number, first.subdivisions) if family else first)
            continue
        last_subs = _subdivisions(right[0].upper())
        if last_subs:
            if len(last_subs) != 1 or not first.subdivisions:
                raise ValueError(f"unsupported range: {spec!r}")
            *head, low = first.subdivisions
            entries.extend(Section(first.code, first.number, (*head, s)) for s in _expand(low, last_subs[0]))
        else:
            stem, _, low = first.number.rpartition(".")
            high = right[0].strip().rpartition(".")[2]
            if not stem or not right[0].strip().startswith(stem + "."):
                raise ValueError(f"unsupported range: {spec!r}")
            entries.extend(Section(first.code, f"{stem}.{n}", first.subdivisions) for n in _expand(low, high))
    return tuple(entries)


def _number_matches(entry: Section, section: Section) -> bool:
    if entry.number == section.number:
        return True
    return isinstance(entry, SectionFamily) and section.number.startswith(entry.number + ".")


def matches(section: Section | None, entries: Iterable[Section]) -> bool:
    """Whether ``section`` is on a list (DOMAIN.md section 10, "Disqualifiers").

    - codes must match (PC 187 is not HS 187);
    - an entry with subdivisions matches a section whose subdivisions start with the entry's
      (``245(d)(3)`` matches 245(d)(3) and 245(d)(3)(A), not 245(a)(1));
    - an entry with no subdivision matches every subdivision of that number, except where the
      same list also names that number with subdivisions: then it matches only the bare section
      (``288`` means bare 288, next to ``288(a)`` and ``288(b)(1)-(2)``);
    - a :class:`SectionFamily` entry ("190 and its subsections") also matches 190.x.
    """
    if section is None:
        return False
    listed = tuple(entries)
    for entry in listed:
        if entry.code != section.code or not _number_matches(entry, section):
            continue
        if entry.subdivisions:
            if section.subdivisions[: len(entry.subdivisions)] == entry.subdivisions:
                return True
            continue
        also_subdivided = any(
            other.subdivisions and other.code == entry.code and other.number == section.number for other in listed
        )
        if not also_subdivided or not section.subdivisions:
            return True
    return False


#: PC 667(e)(2)(C)(iv) "super strikes", as listed in DOMAIN.md section 6 (PC unless noted).
#: Attempted murder (664 with 187) is handled by :func:`is_super_strike`; the gang-paired
#: offenses are in :data:`GANG_PAIRED`.
SUPER_STRIKES: tuple[Section, ...] = section_list(
    "37", "128", "187", "188", "189", "190 and its subsections", "191", "191.5", "205", "207", "209",
    "209.5", "217.1", "218", "219", "220", "245(d)(3)", "261", "262", "264.1", "269", "273ab",
    "286(c)(1)-(3)", "286(d)(1)-(3)", "287", "288", "288(a)", "288(b)(1)-(2)", "288a(c)(1)",
    "288a(c)(2)(A)-(C)", "288a(d)", "288.5(a)", "289(a)(1)(A)-(C)", "289(a)(2)(C)", "289(j)", "451.5",
    "653f", "667.61", "667.7", "667.71", "4500", "11418(a)(1)", "11418(b)(1)-(2)", "12308", "12310",
    "18745", "18755", "MV 1672(a)",
)  # fmt: skip

#: PC 290(c) registrable offenses, as listed in DOMAIN.md section 6 ("261 and variants" is 261
#: with any subdivision; 261.5 is a different number and is not on the list).
PC290_REGISTRABLE: tuple[Section, ...] = section_list(
    "236.1(b)-(c)", "243.4", "261", "262(a)(1)", "264.1", "266", "266c", "266h(b)", "266i(b)", "266j",
    "267", "269", "272", "285", "286", "287", "288", "288a", "288.2", "288.3", "288.4", "288.5", "288.7",
    "289", "311.1", "311.2(b)-(d)", "311.3", "311.4", "311.10", "311.11", "314(1)", "314(2)", "451.5",
    "647.6", "647a", "653f(b)-(c)",
)  # fmt: skip

#: Super strikes only together with a PC 186.22(b)(4) gang enhancement convicted in the same case
#: (DOMAIN.md section 6; the pairing itself is the rule module's job).
GANG_PAIRED: tuple[Section, ...] = section_list("136.1", "215", "213(a)(1)(A)", "246", "519", "12022.55")

#: The gang enhancement that :data:`GANG_PAIRED` offenses need (PC 186.22(b)(4)).
GANG_ENHANCEMENT: tuple[Section, ...] = section_list("186.22(b)(4)")

_ATTEMPTED_MURDER: tuple[Section, ...] = (Section("PC", "187"),)


def is_super_strike(charge: ParsedCharge) -> bool:
    """A direct conviction on :data:`SUPER_STRIKES`, or an attempt whose target is PC 187.

    PC 667(e)(2)(C)(iv); DOMAIN.md section 10, "Disqualifiers": among attempts only attempted
    187 counts; conspiracies never do. Gang-paired offenses need the case and are not judged here.
    """
    if charge.wrapper is Wrapper.NONE:
        return matches(charge.section, SUPER_STRIKES)
    return charge.wrapper is Wrapper.ATTEMPT and matches(charge.target, _ATTEMPTED_MURDER)


def is_pc290_registrable(charge: ParsedCharge) -> bool:
    """A direct (not attempted, not conspired) conviction on :data:`PC290_REGISTRABLE` (PC 290(c))."""
    return charge.wrapper is Wrapper.NONE and matches(charge.section, PC290_REGISTRABLE)
