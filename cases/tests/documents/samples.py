"""Made-up packets for the document tests and previews (no real person's record)."""

from __future__ import annotations

import datetime

from cases.choices import Outcome, Severity
from cases.documents import Challenge, CountRow, Court, Office, PacketInfo, Reason

OFFICE = Office(
    name="Office of the District Attorney, City and County of San Francisco",
    address_lines=("350 Rhode Island Street, North Building, Suite 400N", "San Francisco, CA 94103"),
    phone="(415) 555-0100",
    email="prop64@sfgov.example",
    signing_attorney="Alex Q. Rivera",
    bar_number="123456",
    county="San Francisco",
    public_defender_name="Office of the Public Defender, San Francisco",
    public_defender_address_lines=("555 Seventh Street", "San Francisco, CA 94103"),
    public_defender_email="service@sfpd-defender.example",
)

COURT = Court(
    name="CASC SAN FRANCISCO",
    display_name="Superior Court of California, County of San Francisco",
    courthouse="Hall of Justice",
    address_lines=("850 Bryant Street", "San Francisco, CA 94103"),
)

INFO = PacketInfo(
    office=OFFICE,
    court=COURT,
    filing_date=datetime.date(2025, 3, 4),
    policy_name="San Francisco 2019 (dismiss all)",
    as_of=datetime.date(2025, 2, 28),
    packet_ref="PKT-2025-0042",
)

#: Persons whose rows are dismissed and sealed; their names must never reach a public page.
SEALED_NAMES = ("SEALEDPERSON,ALMA", "HIDDENNAME,BORIS Q")
PUBLIC_NAMES = ("PUBLICNAME,CARLA", "OPENRECORD,DMITRI")


def row(
    case: str,
    count: str,
    name: str,
    relief: Outcome,
    *,
    section: str = "HS 11357(b)",
    severity: Severity = Severity.MISDEMEANOR,
    akas: tuple[str, ...] = (),
    basis: str = "HS 11361.8(e), (f)",  # as the packet service prints it (cases.packet_selectors.BASIS)
    ref: str = "",
) -> CountRow:
    return CountRow(
        court_case_number=case,
        count=count,
        name=name,
        akas=akas,
        dob=datetime.date(1970, 1, 15),
        cii="A" + str(sum(map(ord, name)) * 7919 % 10**8).zfill(8),
        section=section,
        severity=severity,
        conviction_date=datetime.date(1999, 6, 30),
        relief=relief,
        basis=basis,
        decision_ref=ref or f"D-{sum(map(ord, case + count)) * 31 % 100000}",
    )


def mixed_rows() -> list[CountRow]:
    """Two sealed people, two public ones, given out of order on purpose."""
    return [
        row(
            "F10",
            "001002001",
            PUBLIC_NAMES[0],
            Outcome.REDUCE_TO_MISDEMEANOR,
            section="HS 11359",
            severity=Severity.FELONY,
        ),
        row("F9", "001001002", SEALED_NAMES[0], Outcome.DISMISS_AND_SEAL, akas=("SEALEDALIAS,AL",)),
        row("F9", "001001001", SEALED_NAMES[0], Outcome.DISMISS_AND_SEAL),
        row("M200", "002001001", SEALED_NAMES[1], Outcome.DISMISS_AND_SEAL, section="HS 11360(b)"),
        row("F11", "001001001", PUBLIC_NAMES[1], Outcome.REDUCE_TO_INFRACTION, section="HS 11357(a)"),
        row(
            "F10",
            "001001001",
            PUBLIC_NAMES[0],
            Outcome.REDUCE_TO_MISDEMEANOR,
            section="HS 11360(a)",
            severity=Severity.FELONY,
        ),
    ]


def many_rows(number: int) -> list[CountRow]:
    """`number` rows spread over the three reliefs, for size and speed."""
    reliefs = (Outcome.DISMISS_AND_SEAL, Outcome.REDUCE_TO_MISDEMEANOR, Outcome.REDUCE_TO_INFRACTION)
    return [
        row(
            f"SCN{100000 + index // 2}",
            f"00100{1 + index % 2}001",
            f"PERSON{index:05d},FIRST M",
            reliefs[index % 3],
            section=("HS 11357(b)", "HS 11359", "HS 11360(a)")[index % 3],
            severity=(Severity.MISDEMEANOR, Severity.FELONY, Severity.FELONY)[index % 3],
            akas=("ALIAS,ONE", "ALIAS,TWO") if index % 7 == 0 else (),
        )
        for index in range(number)
    ]


def challenges() -> list[Challenge]:
    return [
        Challenge(
            court_case_number="F300",
            count="003001001",
            name="CHALLENGED,EVAN",
            cii="A12345678",
            dob=datetime.date(1965, 3, 2),
            section="HS 11359",
            severity=Severity.FELONY,
            conviction_date=datetime.date(2001, 9, 12),
            reasons=(
                Reason(
                    "Prior conviction for PC 187 on May 4, 1998 (a super strike)", "HS 11359(c)(1); PC 667(e)(2)(C)(iv)"
                ),
            ),
            evidence=("May 4, 1998 · PC 187 · CONVICTED-PRISON · CASC LOS ANGELES",),
            attorney_note="The prior murder conviction is confirmed by the abstract of judgment.",
            decision_ref="D-F300-1",
        ),
        Challenge(
            court_case_number="F120",
            count="001001001",
            name="OTHERCHALLENGE,FAY",
            cii="A87654321",
            section="HS 11360(a)",
            severity=Severity.FELONY,
            conviction_date=datetime.date(2003, 1, 7),
            reasons=(("Two or more prior convictions of HS 11360", "HS 11360(a)(3)(C)"),),  # type: ignore[arg-type]
            evidence=("Feb 1, 1995 · HS 11360(a) · CONVICTED-JAIL", "Jun 3, 1997 · HS 11360(a) · CONVICTED-JAIL"),
        ),
    ]
