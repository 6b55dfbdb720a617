"""What the loader counts and groups while a file's rows stream past, so that nothing has to
read a million rows back: the upload's convictions, its main county and each person's cases.

Parsing processes tally each run of one subject's rows (`clearance.doj.parts.SubjectRun`);
this puts the runs together in file order. A DOJ file lists a person's rows together, so a
person's cases are complete when the next person's rows begin and are written out then (memory
stays flat). A person whose rows come back later in the file is "split": their tallies are
dropped and PostgreSQL computes them from the stored rows at the end (`SPLIT_CASES_SQL`).
"""

from __future__ import annotations

from collections import Counter
from typing import IO

from clearance.doj.parts import CaseSeen, SubjectRun, case_rows

CASE_COLUMNS = ("person_id", "key", "court", "county", "case_numbers", "first_line")

# The same cases for the people given, from the stored rows: a case's court and county come from
# its first line, its numbers are the OFNs of its COURT ACTION rows and any FE_NUM_CRT_CASE
# (DOMAIN.md §3), in code-point order (COLLATE "C", as Python sorts them).
CASES_OF_PEOPLE_SQL = """
SELECT f.person_id, f.case_key, f.court, f.county, COALESCE(n.numbers, '{}'), f.line
FROM (SELECT DISTINCT ON (person_id, case_key) person_id, case_key, court, county, line
      FROM cases_event WHERE upload_id = %(upload)s AND person_id = ANY(%(people)s) AND case_key <> ''
      ORDER BY person_id, case_key, line) AS f
LEFT JOIN (SELECT person_id, case_key, array_agg(DISTINCT number ORDER BY number) AS numbers
           FROM (SELECT person_id, case_key, ofn COLLATE "C" AS number FROM cases_event
                 WHERE upload_id = %(upload)s AND person_id = ANY(%(people)s) AND case_key <> ''
                   AND step_type = 'COURT ACTION' AND ofn <> ''
                 UNION ALL
                 SELECT person_id, case_key, court_case_number COLLATE "C" FROM cases_event
                 WHERE upload_id = %(upload)s AND person_id = ANY(%(people)s) AND case_key <> ''
                   AND court_case_number <> '') AS x
           GROUP BY person_id, case_key) AS n USING (person_id, case_key)
"""
SPLIT_CASES_SQL = f"INSERT INTO cases_case ({', '.join(CASE_COLUMNS)}){CASES_OF_PEOPLE_SQL}"

# A count convicted on several rows is one conviction; a conviction row without CNT_ORDER is one.
SPLIT_CONVICTIONS_SQL = """
SELECT count(DISTINCT (person_id, cnt_order)) FILTER (WHERE cnt_order <> '')
     + count(*) FILTER (WHERE cnt_order = '')
FROM cases_event WHERE upload_id = %(upload)s AND person_id = ANY(%(people)s) AND is_conviction
"""


class Tallies:
    """Puts the runs of a file together, in file order: cases to `cases_out` as COPY text, the
    convictions counted, the people whose rows are split (`split`) left to SQL."""

    def __init__(self, cases_out: IO[str]) -> None:
        self._cases_out = cases_out
        self._person: int | None = None  # whose runs are being put together
        self._cases: dict[str, CaseSeen] | None = None
        self._case_rows: list[str] = []
        self._joined = False  # runs of two parts were joined: _case_rows is out of date
        self._counts: set[str] = set()
        self._unnumbered = 0
        self._finished: dict[int, int] = {}  # person → convictions counted for them
        self.convictions = 0
        self.split: set[int] = set()
        self.conviction_counties: Counter[str] = Counter()

    def add(self, person_id: int, run: SubjectRun) -> None:
        """The next run of the file, whose rows belong to `person_id`."""
        if person_id == self._person:
            # The person's rows go on from one part into the next: the last run of a part and
            # the first of the next, which both keep their cases by key.
            if person_id not in self.split:
                self._join(run)
            return
        self._finish()
        self._person = person_id
        if person_id in self._finished and person_id not in self.split:
            # Rows of this person came earlier in the file: PostgreSQL will tally them.
            self.split.add(person_id)
            self.convictions -= self._finished[person_id]
        if person_id in self.split:
            return
        self._cases = run.cases
        self._case_rows = run.case_rows
        self._joined = False
        self._counts = run.convicted_counts
        self._unnumbered = run.unnumbered_convictions

    def close(self) -> None:
        self._finish()

    def _join(self, run: SubjectRun) -> None:
        if self._cases is None or run.cases is None:
            raise RuntimeError("a run that goes on into the next part must keep its cases")
        for key, seen in run.cases.items():
            case = self._cases.get(key)
            if case is None:
                self._cases[key] = seen
            else:
                case.numbers |= seen.numbers  # court and county stay those of the earlier line
        self._joined = True
        self._counts = self._counts | run.convicted_counts
        self._unnumbered += run.unnumbered_convictions

    def _finish(self) -> None:
        person = self._person
        if person is None or person in self.split:
            return
        rows = case_rows(self._cases or {}) if self._joined else self._case_rows
        if rows:
            head = f"{person}\t"
            self._cases_out.write(head + head.join(rows))
        counted = len(self._counts) + self._unnumbered
        self._finished[person] = counted
        self.convictions += counted
        self._person = None

    def main_county(self) -> str:
        """The county with the most conviction rows (ties: the first in code-point order)."""
        if not self.conviction_counties:
            return ""
        return min(self.conviction_counties.items(), key=lambda item: (-item[1], item[0]))[0]
