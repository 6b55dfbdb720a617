"""Recognising code sections: DOMAIN.md sections 4, 6 (lists) and 10 ("Codes", "Attempt/conspiracy
target", "Disqualifiers"). Pure: no database, no Django."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.eligibility.sections import (
    GANG_ENHANCEMENT,
    GANG_PAIRED,
    PC290_REGISTRABLE,
    SUPER_STRIKES,
    ParsedCharge,
    Section,
    SectionFamily,
    Wrapper,
    find_cannabis_section,
    is_pc290_registrable,
    is_prop64,
    is_super_strike,
    matches,
    parse_charge,
    parse_section,
    section_list,
)

S = Section
A, C, N = Wrapper.ATTEMPT, Wrapper.CONSPIRACY, Wrapper.NONE
EN = "\u2013"  # DOMAIN.md writes ranges with an en dash: 286(c)(1)\u2013(3)


# --- parse_section: every spelling and form -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("11357(B) HS", S("HS", "11357", ("b",))),
        ("11357(C)HS", S("HS", "11357", ("c",))),
        ("11357(b)HS", S("HS", "11357", ("b",))),
        ("11359HS", S("HS", "11359")),
        ("11358 HS", S("HS", "11358")),
        ("HS 11360(A)", S("HS", "11360", ("a",))),
        ("HS11360(A)", S("HS", "11360", ("a",))),
        ("11357B", S("HS", "11357", ("b",))),
        ("11357B HS", S("HS", "11357", ("b",))),
        ("11360A(1)", S("HS", "11360", ("a", "1"))),
        ("11359", S("HS", "11359")),
        ("11361", S("HS", "11361")),
        ("11361 HS", S("HS", "11361")),
        ("11357.5 HS", S("HS", "11357.5")),
        ("11357.5", S("PC", "11357.5")),
        ("11350", S("PC", "11350")),
        ("288A PC", S("PC", "288a")),
        ("288A", S("PC", "288a")),
        ("647A", S("PC", "647a")),
        ("273AB PC", S("PC", "273ab")),
        ("266H(B)", S("PC", "266h", ("b",))),
        ("187 PC", S("PC", "187")),
        ("187", S("PC", "187")),
        ("664", S("PC", "664")),
        ("182", S("PC", "182")),
        ("190.2 PC", S("PC", "190.2")),
        ("245(A)(1) PC", S("PC", "245", ("a", "1"))),
        ("11360(A)(3)(C)", S("HS", "11360", ("a", "3", "c"))),
        ("11360 (A) (3) (C) HS", S("HS", "11360", ("a", "3", "c"))),
        ("23152(A) VC", S("VC", "23152", ("a",))),
        ("23152 VEH", S("VC", "23152")),
        ("1052 WC", S("WC", "1052")),
        ("5652 FG", S("FG", "5652")),
        ("FGC 1602", S("FG", "1602")),
        ("F&G 1603", S("FG", "1603")),
        ("PC 374.8", S("PC", "374.8")),
        ("PEN 211", S("PC", "211")),
        ("211PEN", S("PC", "211")),
        ("H&S 11358", S("HS", "11358")),
        ("H & S 11358", S("HS", "11358")),
        ("11358 H&S", S("HS", "11358")),
        ("HSC 11359", S("HS", "11359")),
        ("11359HSC", S("HS", "11359")),
        ("4149 BP", S("BP", "4149")),
        ("BPC 4060", S("BP", "4060")),
        ("B&P 4140", S("BP", "4140")),
        ("602 WI", S("WI", "602")),
        ("WIC 707", S("WI", "707")),
        ("W&I 602", S("WI", "602")),
        ("MV 1672(A)", S("MV", "1672", ("a",))),
        ("187 HS", S("HS", "187")),
        ("  11359   hs  ", S("HS", "11359")),
        ("314(1) PC", S("PC", "314", ("1",))),
    ],
)
def test_a_section_text_parses_to_code_number_and_subdivisions(text, expected):
    assert parse_section(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "CHARGE 11360(A) HS",
        "POSSESS MARIJUANA",
        "SEE COMMENT FOR CHARGE",
        "11359 HS POSSESS",
        "11359 HS HS",
        "664/11359",
        "11359()",
        "11357AB",
        "F",
        "OFFENSE_DESCR",
    ],
)
def test_text_that_is_not_a_whole_section_parses_to_nothing(text):
    assert parse_section(text) is None


# --- find_cannabis_section: anchoring ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CHARGE 11360(A) HS", S("HS", "11360", ("a",))),
        ("ORIG CHG 11359 HS", S("HS", "11359")),
        ("ATTEMPT 11359 HS POSSESS", S("HS", "11359")),
        ("11357B POSSESS", S("HS", "11357", ("b",))),
        ("POSS H&S 11358 PLANTS", S("HS", "11358")),
        ("HS11359", S("HS", "11359")),
        ("(11360)", S("HS", "11360")),
        ("AMENDED TO 11360(A)(3)(C)HS", S("HS", "11360", ("a", "3", "c"))),
        ("11357.5 HS THEN 11357(C) HS", S("HS", "11357", ("c",))),
        ("11359 VC AND 11360 HS", S("HS", "11360")),
        ("charge 11358 hs", S("HS", "11358")),
    ],
)
def test_a_cannabis_section_is_found_inside_free_text(text, expected):
    assert find_cannabis_section(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "ATTEMPT TO SELL MARIJUANA",
        "11357.5 HS",
        "111357",
        "113579",
        "11359X1",
        "X11359",
        "CASE11359",
        "11361 HS",
        "11350 HS",
        "11359 VC",
        "190.11357",
    ],
)
def test_a_number_that_is_not_standalone_hs_11357_to_11360_is_not_found(text):
    assert find_cannabis_section(text) is None


# --- is_prop64 --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        (S("HS", "11357"), True),
        (S("HS", "11357", ("c",)), True),
        (S("HS", "11358"), True),
        (S("HS", "11359", ("b",)), True),
        (S("HS", "11360", ("a", "3", "c")), True),
        (S("HS", "11357.5"), False),
        (S("HS", "11361"), False),
        (S("HS", "11379.6"), False),
        (S("PC", "11359"), False),
        (None, False),
    ],
)
def test_only_hs_11357_to_11360_exactly_are_prop64(section, expected):
    assert is_prop64(section) is expected


# --- parse_charge: direct charges, the comment, wrappers ----------------------------------------


def test_the_section_is_the_text_before_the_first_dash_and_raw_keeps_the_source():
    charge = parse_charge("11357(C)HS-POSSESS MARIJUANA")
    assert charge == ParsedCharge(raw="11357(C)HS-POSSESS MARIJUANA", section=S("HS", "11357", ("c",)))


@pytest.mark.parametrize(
    ("offense", "comment", "expected_section"),
    [
        ("SEE COMMENT FOR CHARGE", "11358 HS-CULTIVATE CANNABIS", S("HS", "11358")),
        ("SEE COMMENT FOR CHARGE-", "11357(B) HS", S("HS", "11357", ("b",))),
        ("see  comment for charge", "11359HS", S("HS", "11359")),
        ("", "11360(A) HS-SELL", S("HS", "11360", ("a",))),
        ("-NO SECTION", "11360 HS", S("HS", "11360")),
        ("SEE COMMENT FOR CHARGE", "CHARGE 11360(A) HS", S("HS", "11360", ("a",))),
        ("SEE COMMENT FOR CHARGE", "PER COURT: POSS MARIJUANA", None),
        ("SEE COMMENT FOR CHARGE", "", None),
    ],
)
def test_a_blank_or_see_comment_offense_takes_its_section_from_the_comment(offense, comment, expected_section):
    charge = parse_charge(offense, comment)
    assert charge.section == expected_section
    assert charge.wrapper is N
    assert charge.raw == (comment if comment.strip() else offense)


def test_a_comment_is_ignored_when_the_offense_names_a_section():
    assert parse_charge("11359 HS-POSSESS FOR SALE", "11360 HS").section == S("HS", "11359")


def test_a_number_buried_in_the_offense_field_is_not_a_section():
    assert parse_charge("CHARGE 11360 HS-SELL").section is None


@pytest.mark.parametrize(
    ("offense", "comment", "wrapper", "section", "target"),
    [
        # attempts: every form, targets after the wrapper
        ("664/11359 HS-ATTEMPT POSSESS FOR SALE", "", A, S("PC", "664"), S("HS", "11359")),
        ("664/11359", "", A, S("PC", "664"), S("HS", "11359")),
        ("664.11359", "", A, S("PC", "664"), S("HS", "11359")),
        ("664.11360(A) HS", "", A, S("PC", "664"), S("HS", "11360", ("a",))),
        ("66411359", "", A, S("PC", "664"), S("HS", "11359")),
        ("66411357(C) HS", "", A, S("PC", "664"), S("HS", "11357", ("c",))),
        ("664 11358 HS", "", A, S("PC", "664"), S("HS", "11358")),
        ("664 PC/11360 HS", "", A, S("PC", "664"), S("HS", "11360")),
        ("PC 664/11359", "", A, S("PC", "664"), S("HS", "11359")),
        # attempts: target in the description
        ("664 PC-ATTEMPT 11359 HS POSSESS", "", A, S("PC", "664"), S("HS", "11359")),
        ("664-ATTEMPT 11360(B) HS", "", A, S("PC", "664"), S("HS", "11360", ("b",))),
        ("PC 664-ATT 11358", "", A, S("PC", "664"), S("HS", "11358")),
        ("664PC-ATTEMPTED H&S 11357", "", A, S("PC", "664"), S("HS", "11357")),
        # attempts: no number anywhere, or only in the comment (not searched for attempts)
        ("664 PC-ATTEMPT TO SELL MARIJUANA", "", A, S("PC", "664"), None),
        ("664 PC-ATTEMPT", "ORIG 11359 HS", A, S("PC", "664"), None),
        # an attempt keeps any section written after 664/ or 664.
        ("664/187 PC-ATTEMPTED MURDER", "", A, S("PC", "664"), S("PC", "187")),
        ("664.187", "", A, S("PC", "664"), S("PC", "187")),
        ("664/211", "", A, S("PC", "664"), S("PC", "211")),
        ("664(A)/187(A) PC", "", A, S("PC", "664", ("a",)), S("PC", "187", ("a",))),
        # conspiracies: every form, targets after the wrapper, in the description, in the comment
        ("182/11359 HS", "", C, S("PC", "182"), S("HS", "11359")),
        ("182(A)(1)/11359", "", C, S("PC", "182", ("a", "1")), S("HS", "11359")),
        ("182(A)(1) PC/11360(A) HS", "", C, S("PC", "182", ("a", "1")), S("HS", "11360", ("a",))),
        ("182 PC-CONSPIRACY 11360 HS", "", C, S("PC", "182"), S("HS", "11360")),
        ("182(A)(1) PC-CONSPIRACY", "SALE OF MJ 11359 HS", C, S("PC", "182", ("a", "1")), S("HS", "11359")),
        ("182", "CHARGE 11358 HS", C, S("PC", "182"), S("HS", "11358")),
        ("PC 182(A)(1)-CONSPIRACY", "", C, S("PC", "182", ("a", "1")), None),
        ("182 PC-CONSPIRACY TO SELL MARIJUANA", "NO SECTION HERE", C, S("PC", "182"), None),
        # a conspiracy to something else names no cannabis target, even with one in the comment
        ("182/211 PC-CONSPIRACY ROBBERY", "11359 HS", C, S("PC", "182"), None),
        # the wrapper written in the comment
        ("SEE COMMENT FOR CHARGE", "664/11359 HS-ATTEMPT", A, S("PC", "664"), S("HS", "11359")),
        ("", "182(A)(1)-CONSPIRACY 11360 HS", C, S("PC", "182", ("a", "1")), S("HS", "11360")),
    ],
)
def test_attempts_and_conspiracies_are_wrappers_with_a_target(offense, comment, wrapper, section, target):
    charge = parse_charge(offense, comment)
    assert (charge.wrapper, charge.section, charge.target) == (wrapper, section, target)


@pytest.mark.parametrize(
    ("offense", "section"),
    [
        ("664.5 PC", S("PC", "664.5")),
        ("182.5 PC-GANG CONSPIRACY", S("PC", "182.5")),
        ("1822", S("PC", "1822")),
        ("6641", S("PC", "6641")),
        ("66411361", S("PC", "66411361")),
        ("664A", S("PC", "664a")),
    ],
)
def test_numbers_that_merely_start_with_664_or_182_are_not_wrappers(offense, section):
    charge = parse_charge(offense)
    assert (charge.wrapper, charge.section, charge.target) == (N, section, None)


# --- list matching (DOMAIN.md section 10, "Disqualifiers") --------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("187 PC", True),
        ("187(A) PC", True),
        ("187 HS", False),
        ("37 PC", True),
        ("288 PC", True),
        ("288(A) PC", True),
        ("288(B)(1) PC", True),
        ("288(B)(2) PC", True),
        ("288(C)(1) PC", False),
        ("288(B)(3) PC", False),
        ("261 PC", True),
        ("261(A)(2) PC", True),
        ("261.5 PC", False),
        ("262(A)(1) PC", True),
        ("190 PC", True),
        ("190.2 PC", True),
        ("190.05 PC", True),
        ("1900 PC", False),
        ("245(D)(3) PC", True),
        ("245(A)(1) PC", False),
        ("245 PC", False),
        ("286(C)(1) PC", True),
        ("286(C)(2) PC", True),
        ("286(D)(3) PC", True),
        ("286(C)(4) PC", False),
        ("286(B) PC", False),
        ("286 PC", False),
        ("288A(C)(1) PC", True),
        ("288A(C)(2)(B) PC", True),
        ("288A(B) PC", False),
        ("288.5(A) PC", True),
        ("289(A)(1)(B) PC", True),
        ("289(A)(2)(C) PC", True),
        ("289(J) PC", True),
        ("289(B) PC", False),
        ("273AB PC", True),
        ("273AB(A) PC", True),
        ("653F PC", True),
        ("11418(A)(1)", True),
        ("11418(B)(2) PC", True),
        ("11418(C) PC", False),
        ("MV 1672(A)", True),
        ("1672(A) PC", False),
        ("211 PC", False),
        ("136.1 PC", False),  # only with a gang enhancement: GANG_PAIRED
        ("11359 HS", False),
    ],
)
def test_a_direct_conviction_is_a_super_strike_only_as_the_list_says(text, expected):
    assert is_super_strike(parse_charge(text)) is expected


@pytest.mark.parametrize(
    ("offense", "expected"),
    [
        ("664/187 PC-ATTEMPTED MURDER", True),
        ("664.187", True),
        ("664/187(A)", True),
        ("664/211 PC-ATTEMPTED ROBBERY", False),
        ("664/288 PC", False),
        ("664 PC-ATTEMPTED MURDER", False),
        ("182/187 PC-CONSPIRACY MURDER", False),
    ],
)
def test_among_attempts_only_attempted_murder_is_a_super_strike(offense, expected):
    assert is_super_strike(parse_charge(offense)) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("243.4 PC", True),
        ("243.4(A) PC", True),
        ("236.1(B) PC", True),
        ("236.1(C)(1) PC", True),
        ("236.1(A) PC", False),
        ("261(A)(2) PC", True),
        ("261.5 PC", False),
        ("262(A)(1) PC", True),
        ("262(A)(2) PC", False),
        ("266H(B) PC", True),
        ("266H(A) PC", False),
        ("286(B) PC", True),
        ("288 PC", True),
        ("288(C)(1) PC", True),
        ("288A PC", True),
        ("289(J) PC", True),
        ("311.2(B) PC", True),
        ("311.2(D) PC", True),
        ("311.2(A) PC", False),
        ("311.10 PC", True),
        ("311.1 PC", True),
        ("314(1) PC", True),
        ("314(2) PC", True),
        ("314(3) PC", False),
        ("647A PC", True),
        ("647.6 PC", True),
        ("647(F) PC", False),
        ("653F(B) PC", True),
        ("653F(C) PC", True),
        ("653F(A) PC", False),
        ("290 PC", False),
        ("664/288 PC", False),
        ("182/261 PC", False),
    ],
)
def test_a_direct_conviction_is_pc290_registrable_only_as_the_list_says(text, expected):
    assert is_pc290_registrable(parse_charge(text)) is expected


def test_a_bare_entry_matches_every_subdivision_unless_the_list_also_subdivides_that_number():
    entries = (S("PC", "245"), S("PC", "288"), S("PC", "288", ("a",)))
    assert matches(S("PC", "245", ("a", "1")), entries)
    assert matches(S("PC", "288"), entries)
    assert matches(S("PC", "288", ("a", "1")), entries)
    assert not matches(S("PC", "288", ("c",)), entries)


def test_an_entry_with_subdivisions_matches_sections_whose_subdivisions_start_with_it():
    entries = (S("PC", "245", ("d", "3")),)
    assert matches(S("PC", "245", ("d", "3")), entries)
    assert matches(S("PC", "245", ("d", "3", "a")), entries)
    assert not matches(S("PC", "245", ("d",)), entries)
    assert not matches(S("PC", "245"), entries)


def test_codes_must_match_and_nothing_matches_no_section():
    assert not matches(S("HS", "187"), (S("PC", "187"),))
    assert not matches(None, SUPER_STRIKES)


def test_a_family_entry_covers_the_dotted_subsections_of_its_number():
    family = (SectionFamily("PC", "190"),)
    assert all(matches(S("PC", n), family) for n in ("190", "190.2", "190.05", "190.2"))
    assert not matches(S("PC", "1902"), family)
    assert str(family[0]) == "PC 190 and its subsections"


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (f"PC 286(c)(1){EN}(3)", tuple(S("PC", "286", ("c", s)) for s in "123")),
        (f"288a(c)(2)(A){EN}(C)", tuple(S("PC", "288a", ("c", "2", s)) for s in "abc")),
        ("311.2(b)-(d)", tuple(S("PC", "311.2", (s,)) for s in "bcd")),
        (f"HS 25189.5{EN}25189.7", tuple(S("HS", f"25189.{n}") for n in "567")),
        ("MV 1672(a)", (S("MV", "1672", ("a",)),)),
        ("11418(a)(1)", (S("PC", "11418", ("a", "1")),)),
        ("190 and its subsections", (SectionFamily("PC", "190"),)),
    ],
)
def test_list_entries_are_read_from_domain_spellings_with_ranges_expanded(spec, expected):
    assert section_list(spec) == expected


@pytest.mark.parametrize(
    "spec", ["not a section", f"286(c)(1){EN}(a)(3)", f"286{EN}(3)", f"25189.5{EN}25190", "25189.5-26189.7"]
)
def test_a_list_entry_that_cannot_be_read_is_an_error(spec):
    with pytest.raises(ValueError):
        section_list(spec)


def test_the_gang_paired_offenses_and_enhancement_are_listed():
    assert {str(s) for s in GANG_PAIRED} == {"PC 136.1", "PC 215", "PC 213(a)(1)(a)", "PC 246", "PC 519", "PC 12022.55"}
    assert matches(S("PC", "213", ("a", "1", "a")), GANG_PAIRED)
    assert not matches(S("PC", "213", ("a", "2")), GANG_PAIRED)
    assert (S("PC", "186.22", ("b", "4")),) == GANG_ENHANCEMENT
    assert not any(matches(s, SUPER_STRIKES) for s in GANG_PAIRED)


def test_every_list_entry_round_trips_through_the_parser():
    for entry in (*SUPER_STRIKES, *PC290_REGISTRABLE, *GANG_PAIRED):
        if not isinstance(entry, SectionFamily):
            assert parse_section(str(entry)) == entry


# --- properties -------------------------------------------------------------------------------

_subdivision = st.one_of(st.sampled_from("abcdefghij"), st.integers(1, 12).map(str))
_cannabis = st.builds(
    Section,
    code=st.just("HS"),
    number=st.sampled_from(["11357", "11358", "11359", "11360"]),
    subdivisions=st.lists(_subdivision, max_size=3).map(tuple),
)
_fast = settings(max_examples=150, deadline=None)


@_fast
@given(_cannabis)
def test_a_cannabis_section_round_trips_through_its_text(section):
    assert parse_section(str(section)) == section
    assert parse_section(str(section).replace(" ", "", 1)) == section
    assert find_cannabis_section(f"ORIG CHG {section} PER COURT") == section


@_fast
@given(_cannabis, st.sampled_from(["664/{}", "664.{}", "664{}", "664 PC-ATTEMPT {}"]))
def test_an_attempt_on_a_cannabis_section_targets_it_in_every_form(section, form):
    text = str(section).removeprefix("HS ") + " HS"
    charge = parse_charge(form.format(text))
    assert (charge.wrapper, charge.target) == (Wrapper.ATTEMPT, section)


@_fast
@given(st.text(max_size=40), st.text(max_size=40))
def test_parsing_never_raises_on_arbitrary_text(offense, comment):
    parse_section(offense)
    charge = parse_charge(offense, comment)
    if charge.wrapper is not N:
        assert charge.section is not None and (charge.section.code, charge.section.number) in {
            ("PC", "664"),
            ("PC", "182"),
        }
    found = find_cannabis_section(offense + comment)
    assert found is None or is_prop64(found)


@_fast
@given(st.text(alphabet="0123456789.()ABHSPC/ -&", max_size=30))
def test_a_found_cannabis_section_is_always_prop64(text):
    found = find_cannabis_section(text)
    assert found is None or is_prop64(found)
    if found is not None:
        assert found.number in text
