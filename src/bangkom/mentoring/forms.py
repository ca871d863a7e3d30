"""Parsing of the mentoring pages' POST data into the services' plain dataclasses.

The rules (ranges, dates within the programme, who may write what) live in services; here only the text the
browser sends is turned into values, and what cannot be read at all (a malformed date, an unknown NIP) is
reported by field, in the same shape as RecordInvalid.errors, so a page shows both kinds together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from bangkom.mentoring.models import Programme
from bangkom.mentoring.services import ProgrammeData, SessionData
from bangkom.org.models import Employee

Errors = dict[str, list[str]]
PROGRAMME_FIELDS = (
    "kind",
    "name",
    "goal",
    "start_date",
    "end_date",
    "unit",
    "sessions_per_month",
    "unit_rule",
    "same_location",
    "allow_direct_atasan",
    "mentor_min_level",
)
SESSION_FIELDS = (
    "date",
    "duration_minutes",
    "topic",
    "goal",
    "reality",
    "options",
    "will",
    "reflection",
    "mentor_notes",
)
NIP_LINES_MAX = 5000


def parse_date(raw: str, key: str, errors: Errors) -> dt.date | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors.setdefault(key, []).append(_("Tanggal tidak dapat dibaca; gunakan format TTTT-BB-HH."))
        return None


def merge(service: Errors, parsed: Errors) -> Errors:
    """Service errors with the parse errors put first: "cannot read the date" explains "date is required"."""
    out = {k: list(v) for k, v in service.items()}
    for key, msgs in parsed.items():
        out[key] = msgs
    return out


def programme_initial(programme: Programme | None) -> dict[str, Any]:
    if programme is None:
        return {
            "kind": "coaching",
            "name": "",
            "goal": "",
            "start_date": "",
            "end_date": "",
            "unit": "",
            "sessions_per_month": "2",
            "unit_rule": "any",
            "same_location": False,
            "allow_direct_atasan": True,
            "mentor_min_level": "4",
        }
    return {
        "kind": programme.kind,
        "name": programme.name,
        "goal": programme.goal,
        "start_date": programme.start_date.isoformat(),
        "end_date": programme.end_date.isoformat(),
        "unit": str(programme.unit_id or ""),
        "sessions_per_month": str(programme.sessions_per_month),
        "unit_rule": programme.unit_rule,
        "same_location": programme.same_location,
        "allow_direct_atasan": programme.allow_direct_atasan,
        "mentor_min_level": str(programme.mentor_min_level),
    }


def programme_posted(post: Mapping[str, Any]) -> dict[str, Any]:
    """The form as posted, to show again when it is refused."""
    out: dict[str, Any] = {k: post.get(k, "") for k in PROGRAMME_FIELDS}
    out["same_location"] = post.get("same_location") == "1"
    out["allow_direct_atasan"] = post.get("allow_direct_atasan") == "1"
    return out


def programme_data(form: Mapping[str, Any], errors: Errors) -> ProgrammeData:
    return ProgrammeData(
        kind=str(form["kind"]),
        name=str(form["name"]),
        goal=str(form["goal"]),
        start_date=parse_date(form["start_date"], "start_date", errors),
        end_date=parse_date(form["end_date"], "end_date", errors),
        unit=form["unit"] or None,
        sessions_per_month=form["sessions_per_month"],
        unit_rule=str(form["unit_rule"]),
        same_location=bool(form["same_location"]),
        allow_direct_atasan=bool(form["allow_direct_atasan"]),
        mentor_min_level=form["mentor_min_level"],
    )


def session_initial(today: dt.date) -> dict[str, Any]:
    return dict.fromkeys(SESSION_FIELDS, "") | {"date": today.isoformat(), "duration_minutes": "60"}


def session_posted(post: Mapping[str, Any]) -> dict[str, Any]:
    return {k: post.get(k, "") for k in SESSION_FIELDS}


def session_data(form: Mapping[str, Any], errors: Errors) -> SessionData:
    return SessionData(
        date=parse_date(form["date"], "date", errors),
        topic=str(form["topic"]),
        duration_minutes=form["duration_minutes"],
        goal=str(form["goal"]),
        reality=str(form["reality"]),
        options=str(form["options"]),
        will=str(form["will"]),
        reflection=str(form["reflection"]),
        mentor_notes=str(form["mentor_notes"]),
    )


@dataclass
class ParsedParticipants:
    mentees: list[int] = field(default_factory=list)
    mentors: dict[int, Any] = field(default_factory=dict)
    errors: Errors = field(default_factory=dict)


def _lines(text: str) -> list[tuple[int, str]]:
    return [(n, line.strip()) for n, line in enumerate((text or "").splitlines(), start=1) if line.strip()]


def parse_participants(mentees_text: str, mentors_text: str, agency_id: int) -> ParsedParticipants:
    """Reads "NIP" lines for mentees and "NIP;kapasitas" lines for mentors (comma or tab also separate), read
    against the programme's instansi in one query. Whether each may take part is the service's rule."""
    out = ParsedParticipants()
    mentee_lines = _lines(mentees_text)
    mentor_lines = _lines(mentors_text)
    if len(mentee_lines) + len(mentor_lines) > NIP_LINES_MAX:
        out.errors["__all__"] = [_("Terlalu banyak baris (paling banyak %(n)s).") % {"n": NIP_LINES_MAX}]
        return out
    mentor_rows: list[tuple[int, str, str]] = []
    for n, line in mentor_lines:
        parts = [p.strip() for p in line.replace("\t", ";").replace(",", ";").split(";")]
        if len(parts) != 2 or not parts[1]:
            out.errors.setdefault("mentors", []).append(
                _("Mentor baris %(n)s: tulis NIP;kapasitas, misalnya 198001012005011001;3.") % {"n": n}
            )
            continue
        mentor_rows.append((n, parts[0], parts[1]))
    nips = {nip for _n, nip in mentee_lines} | {nip for _n, nip, _c in mentor_rows}
    ids = dict(Employee.objects.filter(agency_id=agency_id, nip__in=nips).values_list("nip", "pk"))
    for n, nip in mentee_lines:
        if nip not in ids:
            out.errors.setdefault("mentees", []).append(
                _("Mentee baris %(n)s: NIP %(nip)s tidak ditemukan di instansi ini.") % {"n": n, "nip": nip[:30]}
            )
        else:
            out.mentees.append(ids[nip])
    for n, nip, cap in mentor_rows:
        if nip not in ids:
            out.errors.setdefault("mentors", []).append(
                _("Mentor baris %(n)s: NIP %(nip)s tidak ditemukan di instansi ini.") % {"n": n, "nip": nip[:30]}
            )
        elif ids[nip] in out.mentors:
            out.errors.setdefault("mentors", []).append(
                _("Mentor baris %(n)s: NIP %(nip)s ditulis dua kali.") % {"n": n, "nip": nip}
            )
        else:
            out.mentors[ids[nip]] = cap
    return out
