"""xAPI 1.0.3 statements: validation and normalisation for the Learning Record Store (issue 8).

Pure Python, no Django. `validate_statement` never raises on bad input: it walks the whole statement and
returns every problem as an `Error` with a JSON path (``$.actor.mbox``) and a stable code; the LRS API turns
them into a 400 answer. The rules follow xAPI-Data.md of the 1.0.3 specification (section numbers in comments).
`normalise_statement` prepares a valid statement for storage. Input is decoded JSON: objects are `dict` (tested
with `type`/`isinstance(..., dict)`, several times faster than the `Mapping` ABC on the LRS's hot path).
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson

VOIDED_VERB = "http://adlnet.gov/expapi/verbs/voided"
DEFAULT_VERSION = "1.0.0"

STATEMENT_KEYS = frozenset(
    {"id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "authority", "version", "attachments"}
)
SUBSTATEMENT_KEYS = frozenset(
    {"objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments"}
)
IFI_KEYS = ("mbox", "mbox_sha1sum", "openid", "account")
AGENT_KEYS = frozenset({"objectType", "name", *IFI_KEYS})
GROUP_KEYS = frozenset({"objectType", "name", "member", *IFI_KEYS})
ACCOUNT_KEYS = frozenset({"homePage", "name"})
VERB_KEYS = frozenset({"id", "display"})
ACTIVITY_KEYS = frozenset({"objectType", "id", "definition"})
STATEMENT_REF_KEYS = frozenset({"objectType", "id"})
COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")
DEFINITION_KEYS = frozenset(
    {"name", "description", "type", "moreInfo", "interactionType", "correctResponsesPattern", "extensions"}
    | set(COMPONENT_LISTS)
)
COMPONENT_KEYS = frozenset({"id", "description"})
# 2.4.4.1 Interaction Components: the component lists each interaction type may carry.
INTERACTION_COMPONENTS: dict[str, frozenset[str]] = {
    "true-false": frozenset(),
    "choice": frozenset({"choices"}),
    "fill-in": frozenset(),
    "long-fill-in": frozenset(),
    "matching": frozenset({"source", "target"}),
    "performance": frozenset({"steps"}),
    "sequencing": frozenset({"choices"}),
    "likert": frozenset({"scale"}),
    "numeric": frozenset(),
    "other": frozenset(),
}
RESULT_KEYS = frozenset({"score", "success", "completion", "response", "duration", "extensions"})
SCORE_KEYS = frozenset({"scaled", "raw", "min", "max"})
CONTEXT_KEYS = frozenset(
    {
        "registration",
        "instructor",
        "team",
        "contextActivities",
        "revision",
        "platform",
        "language",
        "statement",
        "extensions",
    }
)
CONTEXT_KEYS_2 = CONTEXT_KEYS | {"contextAgents", "contextGroups"}  # xAPI 2.0.0 (IEEE 9274.1.1), 2.4.6
CONTEXT_AGENT_KEYS = frozenset({"objectType", "agent", "relevantTypes"})
CONTEXT_GROUP_KEYS = frozenset({"objectType", "group", "relevantTypes"})
CONTEXT_ACTIVITY_KEYS = frozenset({"parent", "grouping", "category", "other"})
ATTACHMENT_KEYS = frozenset({"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"})
ATTACHMENT_REQUIRED = ("usageType", "display", "contentType", "length", "sha2")

# An absolute IRI: a scheme, a colon and at least one character with no white space or control characters.
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s\x00-\x1f\x7f<>\"{}|\\^`]+\Z")
_SHA1 = re.compile(r"^[0-9a-fA-F]{40}\Z")
_SHA2 = re.compile(r"^[0-9a-fA-F]{56}\Z|^[0-9a-fA-F]{64}\Z|^[0-9a-fA-F]{96}\Z|^[0-9a-fA-F]{128}\Z")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")
_MIME = re.compile(r"^[A-Za-z0-9!#$&^_.+\-]+/[A-Za-z0-9!#$&^_.+\-]+(\s*;.*)?\Z")
_VERSION = re.compile(r"^1\.0(\.\d+)?\Z")
_VERSION_2 = re.compile(r"^(1\.0(\.\d+)?|2\.0\.\d+)\Z")
# RFC 5646 language tag (langtag | privateuse | grandfathered), case-insensitive.
_LANGTAG = re.compile(
    r"""^(?:
      (?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})   # language (with extlang)
      (?:-[a-z]{4})?                                          # script
      (?:-(?:[a-z]{2}|[0-9]{3}))?                             # region
      (?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*                # variants
      (?:-[0-9a-wyz](?:-[a-z0-9]{2,8})+)*                     # extensions
      (?:-x(?:-[a-z0-9]{1,8})+)?                              # private use
    |x(?:-[a-z0-9]{1,8})+
    |en-gb-oed|i-ami|i-bnn|i-default|i-enochian|i-hak|i-klingon|i-lux|i-mingo|i-navajo|i-pwn|i-tao|i-tay
    |i-tsu|sgn-be-fr|sgn-be-nl|sgn-ch-de|art-lojban|cel-gaulish|no-bok|no-nyn|zh-guoyu|zh-hakka|zh-min
    |zh-min-nan|zh-xiang
    )\Z""",
    re.IGNORECASE | re.VERBOSE,
)
# ISO 8601 date-time, extended (2026-11-30T04:00:00.5+07:00) or basic (20261130T040000Z) form, zone optional.
_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,]\d+)?(Z|[+-]\d{2}(?::?\d{2})?)?\Z"
    r"|^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(?:[.,]\d+)?(Z|[+-]\d{2}(?:\d{2})?)?\Z",
    re.IGNORECASE,
)
# ISO 8601 duration: PnYnMnDTnHnMnS (the last given part may be a decimal) or PnW.
_DURATION = re.compile(
    r"^P(?!\Z)(?:\d+(?:[.,]\d+)?Y)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?D)?"
    r"(?:T(?=\d)(?:\d+(?:[.,]\d+)?H)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?S)?)?\Z|^P\d+(?:[.,]\d+)?W\Z"
)


@dataclass(frozen=True, slots=True)
class Error:
    """One problem in a statement: where (a JSON path such as ``$.context.team``), what (a stable code)."""

    path: str
    code: str
    detail: str = ""


# IRIs and language tags repeat from statement to statement (verbs, activities, extension keys, en-US): the
# verdicts on short ones are memoised (bounded in count and size); ids and timestamps, unique, are not.
_MEMO_MAX_LENGTH = 512


@functools.lru_cache(maxsize=8192)
def _iri_memo(value: str) -> bool:
    return _IRI.match(value) is not None


def _iri_ok(value: str) -> bool:
    return _iri_memo(value) if len(value) <= _MEMO_MAX_LENGTH else _IRI.match(value) is not None


@functools.lru_cache(maxsize=1024)
def _language_tag_memo(value: str) -> bool:
    return _LANGTAG.match(value) is not None


def _language_tag_ok(value: str) -> bool:
    return _language_tag_memo(value) if len(value) <= _MEMO_MAX_LENGTH else _LANGTAG.match(value) is not None


# Activities found valid, by their JSON text: an LMS sends the same activity (id and definition, often with
# interaction components and language maps) in statement after statement, and its verdict depends on nothing
# else, so the text is one lookup instead of a walk. Bounded in count and size; emptied when full.
_VALID_ACTIVITIES: dict[bytes, None] = {}
_VALID_ACTIVITIES_MAX = 4096
_ACTIVITY_TEXT_MAX = 4096
# orjson would write datetimes, dataclasses and subclasses of str, int, dict, list as JSON: refuse them instead.
# (It still writes tuples, UUIDs and enums as arrays and strings: like the whole module, the memo takes decoded
# JSON, which has none of them.)
_PLAIN_JSON_ONLY = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_SUBCLASS


def _activity_text(value: dict[str, Any]) -> bytes | None:
    """The exact JSON text of an activity (equal texts, equal values), or None if too long or not writable."""
    try:
        text = orjson.dumps(value, option=_PLAIN_JSON_ONLY)
    except orjson.JSONEncodeError:  # an integer beyond 64 bits, or not decoded JSON: validated the long way
        return None
    return text if len(text) <= _ACTIVITY_TEXT_MAX else None


def is_iri(value: object) -> bool:
    return isinstance(value, str) and _iri_ok(value)


def is_uuid(value: object) -> bool:
    return isinstance(value, str) and _UUID.match(value) is not None


def is_language_tag(value: object) -> bool:
    return isinstance(value, str) and _language_tag_ok(value)


# The shape nearly every timestamp has (2026-11-20T09:30:00.000+07:00, ...Z), checked without building a
# datetime: the date against the calendar once per date, the rest as numbers. Anything else, and years
# whose moments may not exist in UTC, take the general check.
_COMMON_TIMESTAMP = re.compile(
    r"(\d{4}-\d\d-\d\d)T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(Z|[+-]\d\d:\d\d)\Z", re.ASCII
)


@functools.lru_cache(maxsize=4096)
def _calendar_date(text: str) -> bool:
    try:
        return 1 < dt.date.fromisoformat(text).year < 9999
    except ValueError:
        return False


def is_timestamp(value: object, *, require_timezone: bool = False) -> bool:
    """ISO 8601 date-time (4.5). The spec says a timestamp SHOULD include the time zone, so one without is
    accepted unless `require_timezone`; the offset -00:00 is refused."""
    if not isinstance(value, str):
        return False
    common = _COMMON_TIMESTAMP.match(value)
    if common is not None and _calendar_date(common.group(1)):
        zone = common.group(2)
        return zone == "Z" or (zone[1:3] <= "23" and zone[4:] <= "59" and zone != "-00:00")
    return _is_timestamp_general(value, require_timezone)


def _is_timestamp_general(value: str, require_timezone: bool) -> bool:
    """is_timestamp for every shape the spec allows (basic format, comma fractions, offsets +07 or +0700)."""
    m = _TIMESTAMP.match(value)
    if m is None:
        return False
    groups = m.groups()[:7] if m.group(1) is not None else m.groups()[7:]
    zone = groups[6]
    offset = dt.timedelta(0)
    if zone is None:
        if require_timezone:
            return False
    elif zone.upper() != "Z":
        hours, minutes = int(zone[1:3]), int(zone[-2:]) if len(zone) > 3 else 0
        if hours > 23 or minutes > 59 or (zone[0] == "-" and hours == 0 and minutes == 0):
            return False
        offset = dt.timedelta(hours=hours, minutes=minutes) * (1 if zone[0] == "+" else -1)
    year, month, day, hour, minute, second = (int(g) for g in groups[:6])
    try:
        moment = dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)  # the wall time, checked
        if offset and not 1 < year < 9999:
            # The moment must exist in UTC too (stored and compared there): 0001-01-01T00:00+07:00 does not.
            moment -= offset
    except (ValueError, OverflowError):
        return False
    return True


def is_duration(value: object) -> bool:
    return isinstance(value, str) and _DURATION.match(value) is not None


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


class _Validator:
    def __init__(self, *, require_timezone: bool = False, v2: bool = False) -> None:
        self.errors: list[Error] = []
        self.require_timezone = require_timezone
        self.v2 = v2

    def err(self, path: str, code: str, detail: str = "") -> None:
        self.errors.append(Error(path, code, detail))

    # -- generic shapes -------------------------------------------------------------------------------------

    def keys(self, value: Mapping[str, Any], allowed: frozenset[str], path: str) -> None:
        for key in value:
            if key not in allowed:
                self.err(f"{path}.{key}", "unknown_property")

    def iri(self, value: object, path: str, code: str = "not_iri") -> None:
        if not is_iri(value):
            self.err(path, code)

    def string(self, value: object, path: str) -> bool:
        if not isinstance(value, str):
            self.err(path, "not_string")
            return False
        return True

    def uuid(self, value: object, path: str) -> None:
        if not is_uuid(value):
            self.err(path, "not_uuid")

    def language_map(self, value: object, path: str) -> None:
        if not isinstance(value, dict):
            self.err(path, "not_object")
            return
        for tag, text in value.items():
            if not is_language_tag(tag):
                self.err(f"{path}.{tag}", "bad_language_tag")
            if not isinstance(text, str):
                self.err(f"{path}.{tag}", "not_string")

    def extensions(self, value: object, path: str) -> None:
        if not isinstance(value, dict):
            self.err(path, "not_object")
            return
        for key in value:
            if not is_iri(key):
                self.err(f"{path}.{key}", "extension_key_not_iri")

    def timestamp(self, value: object, path: str) -> None:
        if not is_timestamp(value, require_timezone=self.require_timezone):
            self.err(path, "bad_timestamp")

    # -- actors (2.4.2) ---------------------------------------------------------------------------------

    def ifis(self, value: Mapping[str, Any], path: str) -> int:
        """Check the inverse functional identifiers present; return how many there are."""
        present = [k for k in IFI_KEYS if k in value]
        for key in present:
            ifi, at = value[key], f"{path}.{key}"
            if key == "mbox":
                if (
                    not isinstance(ifi, str)
                    or not ifi.lower().startswith("mailto:")
                    or "@" not in ifi
                    or not is_iri(ifi)
                ):
                    self.err(at, "bad_mbox")
            elif key == "mbox_sha1sum":
                if not isinstance(ifi, str) or _SHA1.match(ifi) is None:
                    self.err(at, "bad_mbox_sha1sum")
            elif key == "openid":
                self.iri(ifi, at)
            elif not isinstance(ifi, dict):
                self.err(at, "not_object")
            else:
                self.keys(ifi, ACCOUNT_KEYS, at)
                if "homePage" not in ifi:
                    self.err(f"{at}.homePage", "required")
                else:
                    self.iri(ifi["homePage"], f"{at}.homePage")
                if "name" not in ifi:
                    self.err(f"{at}.name", "required")
                elif self.string(ifi["name"], f"{at}.name") and "\x00" in ifi["name"]:
                    # The name is part of the agent's identity, which is stored and indexed as text.
                    self.err(f"{at}.name", "nul_character")
        return len(present)

    def agent(self, value: object, path: str, *, object_type_required: bool = False) -> None:
        if not isinstance(value, dict):
            self.err(path, "not_object")
            return
        object_type = value.get("objectType")
        if object_type is None and object_type_required:
            self.err(f"{path}.objectType", "required")
        elif object_type is not None and object_type != "Agent":
            self.err(f"{path}.objectType", "bad_object_type", str(object_type))
        self.keys(value, AGENT_KEYS, path)
        if "name" in value:
            self.string(value["name"], f"{path}.name")
        count = self.ifis(value, path)
        if count != 1:
            self.err(path, "agent_ifi_count", str(count))

    def group(self, value: Mapping[str, Any], path: str, *, anonymous_members: int | None = None) -> None:
        self.keys(value, GROUP_KEYS, path)
        if "name" in value:
            self.string(value["name"], f"{path}.name")
        count = self.ifis(value, path)
        if count > 1:
            self.err(path, "group_ifi_count", str(count))
        members = value.get("member")
        if count == 0 and members is None:
            self.err(f"{path}.member", "required")
        if members is None:
            return
        if not isinstance(members, list):
            self.err(f"{path}.member", "not_list")
            return
        if count == 0 and not members:
            self.err(f"{path}.member", "empty")
        for i, member in enumerate(members):
            at = f"{path}.member[{i}]"
            if isinstance(member, dict) and member.get("objectType") == "Group":
                self.err(at, "group_in_group")
            else:
                self.agent(member, at)
        if anonymous_members is not None and count == 0 and len(members) != anonymous_members:
            self.err(f"{path}.member", "authority_group_size", str(len(members)))

    def actor(self, value: object, path: str, *, object_type_required: bool = False) -> None:
        """An Agent or a Group (section 2.4.2)."""
        if isinstance(value, dict) and value.get("objectType") == "Group":
            self.group(value, path)
        else:
            self.agent(value, path, object_type_required=object_type_required)

    def group_only(self, value: object, path: str) -> None:
        if not isinstance(value, dict):
            self.err(path, "not_object")
            return
        if value.get("objectType") != "Group":
            self.err(f"{path}.objectType", "not_group")
            return
        self.group(value, path)

    # -- verb (2.4.3) -----------------------------------------------------------------------------------

    def verb(self, value: object, path: str) -> None:
        if not isinstance(value, dict):
            self.err(path, "not_object")
            return
        self.keys(value, VERB_KEYS, path)
        if "id" not in value:
            self.err(f"{path}.id", "required")
        else:
            self.iri(value["id"], f"{path}.id")
        if "display" in value:
            self.language_map(value["display"], f"{path}.display")

    # -- object (2.4.4) ---------------------------------------------------------------------------------

    def components(self, value: object, path: str) -> None:
        if not isinstance(value, list):
            self.err(path, "not_list")
            return
        seen: set[str] = set()
        for i, component in enumerate(value):
            at = f"{path}[{i}]"
            if not isinstance(component, dict):
                self.err(at, "not_object")
                continue
            self.keys(component, COMPONENT_KEYS, at)
            cid = component.get("id")
            if cid is None:
                self.err(f"{at}.id", "required")
            elif self.string(cid, f"{at}.id"):
                if cid in seen:
                    self.err(f"{at}.id", "duplicate_component_id", cid)
                seen.add(cid)
            if "description" in component:
                self.language_map(component["description"], f"{at}.description")

    def definition(self, value: object, path: str) -> None:
        if not isinstance(value, dict):
            self.err(path, "not_object")
            return
        self.keys(value, DEFINITION_KEYS, path)
        for key in ("name", "description"):
            if key in value:
                self.language_map(value[key], f"{path}.{key}")
        if "type" in value:
            self.iri(value["type"], f"{path}.type")
        if "moreInfo" in value:
            self.iri(value["moreInfo"], f"{path}.moreInfo", "not_irl")
        if "extensions" in value:
            self.extensions(value["extensions"], f"{path}.extensions")
        interaction = value.get("interactionType")
        allowed: frozenset[str] = frozenset()
        if interaction is not None:
            if not isinstance(interaction, str) or interaction not in INTERACTION_COMPONENTS:
                self.err(f"{path}.interactionType", "bad_interaction_type", str(interaction))
                allowed = frozenset(COMPONENT_LISTS)  # do not pile errors on an unknown type
            else:
                allowed = INTERACTION_COMPONENTS[interaction]
        elif "correctResponsesPattern" in value:
            self.err(f"{path}.correctResponsesPattern", "requires_interaction_type")
        if "correctResponsesPattern" in value:
            pattern = value["correctResponsesPattern"]
            if not isinstance(pattern, list) or not all(isinstance(p, str) for p in pattern):
                self.err(f"{path}.correctResponsesPattern", "not_string_list")
        for key in COMPONENT_LISTS:
            if key not in value:
                continue
            if key not in allowed:
                self.err(f"{path}.{key}", "component_not_allowed", str(interaction))
            self.components(value[key], f"{path}.{key}")

    def activity(self, value: object, path: str) -> None:
        if not isinstance(value, dict):
            self.err(path, "not_object")
            return
        known = _activity_text(value)
        if known is not None and known in _VALID_ACTIVITIES:
            return
        before = len(self.errors)
        self._activity(value, path)
        if known is not None and len(self.errors) == before:
            if len(_VALID_ACTIVITIES) >= _VALID_ACTIVITIES_MAX:
                _VALID_ACTIVITIES.clear()
            _VALID_ACTIVITIES[known] = None

    def _activity(self, value: dict[str, Any], path: str) -> None:
        if "objectType" in value and value["objectType"] != "Activity":
            self.err(f"{path}.objectType", "bad_object_type", str(value["objectType"]))
        self.keys(value, ACTIVITY_KEYS, path)
        if "id" not in value:
            self.err(f"{path}.id", "required")
        else:
            self.iri(value["id"], f"{path}.id")
        if "definition" in value:
            self.definition(value["definition"], f"{path}.definition")

    def statement_ref(self, value: object, path: str) -> None:
        if not isinstance(value, dict):
            self.err(path, "not_object")
            return
        if value.get("objectType") != "StatementRef":
            self.err(f"{path}.objectType", "not_statement_ref")
        self.keys(value, STATEMENT_REF_KEYS, path)
        if "id" not in value:
            self.err(f"{path}.id", "required")
        else:
            self.uuid(value["id"], f"{path}.id")

    def statement_object(self, value: object, path: str, *, in_substatement: bool) -> None:
        if not isinstance(value, dict):
            self.err(path, "not_object")
            return
        object_type = value.get("objectType", "Activity")
        if object_type == "Activity":
            self.activity(value, path)
        elif object_type in ("Agent", "Group"):
            self.actor(value, path, object_type_required=True)
        elif object_type == "StatementRef":
            self.statement_ref(value, path)
        elif object_type == "SubStatement":
            if in_substatement:
                self.err(f"{path}.objectType", "nested_substatement")
            else:
                self.statement(value, path, substatement=True)
        else:
            self.err(f"{path}.objectType", "bad_object_type", str(object_type))

    # -- result (2.4.5) ---------------------------------------------------------------------------------

    def result(self, value: object, path: str) -> None:
        if not isinstance(value, dict):
            self.err(path, "not_object")
            return
        self.keys(value, RESULT_KEYS, path)
        if "score" in value:
            self.score(value["score"], f"{path}.score")
        for key in ("success", "completion"):
            if key in value and not isinstance(value[key], bool):
                self.err(f"{path}.{key}", "not_boolean")
        if "response" in value:
            self.string(value["response"], f"{path}.response")
        if "duration" in value and not is_duration(value["duration"]):
            self.err(f"{path}.duration", "bad_duration")
        if "extensions" in value:
            self.extensions(value["extensions"], f"{path}.extensions")

    def score(self, value: object, path: str) -> None:
        if not isinstance(value, dict):
            self.err(path, "not_object")
            return
        self.keys(value, SCORE_KEYS, path)
        numbers: dict[str, float] = {}
        for key in ("scaled", "raw", "min", "max"):
            if key in value:
                if _is_number(value[key]):
                    numbers[key] = value[key]
                else:
                    self.err(f"{path}.{key}", "not_number")
        scaled = numbers.get("scaled")
        if scaled is not None and not -1 <= scaled <= 1:
            self.err(f"{path}.scaled", "scaled_out_of_range", str(scaled))
        low, high, raw = numbers.get("min"), numbers.get("max"), numbers.get("raw")
        if low is not None and high is not None and low >= high:
            self.err(f"{path}.max", "max_not_above_min")
        if raw is not None and low is not None and raw < low:
            self.err(f"{path}.raw", "raw_below_min")
        if raw is not None and high is not None and raw > high:
            self.err(f"{path}.raw", "raw_above_max")

    # -- context (2.4.6) --------------------------------------------------------------------------------

    def context(self, value: object, path: str, *, object_is_activity: bool) -> None:
        if not isinstance(value, dict):
            self.err(path, "not_object")
            return
        self.keys(value, CONTEXT_KEYS_2 if self.v2 else CONTEXT_KEYS, path)
        if self.v2:
            self.context_agents(value, path)
        if "registration" in value:
            self.uuid(value["registration"], f"{path}.registration")
        if "instructor" in value:
            self.actor(value["instructor"], f"{path}.instructor")
        if "team" in value:
            self.group_only(value["team"], f"{path}.team")
        if "contextActivities" in value:
            self.context_activities(value["contextActivities"], f"{path}.contextActivities")
        for key in ("revision", "platform"):
            if key in value:
                self.string(value[key], f"{path}.{key}")
                if not object_is_activity:
                    self.err(f"{path}.{key}", "requires_activity_object")
        if "language" in value and not is_language_tag(value["language"]):
            self.err(f"{path}.language", "bad_language_tag")
        if "statement" in value:
            self.statement_ref(value["statement"], f"{path}.statement")
        if "extensions" in value:
            self.extensions(value["extensions"], f"{path}.extensions")

    def context_agents(self, value: Mapping[str, Any], path: str) -> None:
        """xAPI 2.0.0 contextAgents and contextGroups: lists of {objectType, agent|group, relevantTypes}."""
        for key, kind, member, allowed in (
            ("contextAgents", "contextAgent", "agent", CONTEXT_AGENT_KEYS),
            ("contextGroups", "contextGroup", "group", CONTEXT_GROUP_KEYS),
        ):
            if key not in value:
                continue
            items, at = value[key], f"{path}.{key}"
            if not isinstance(items, list):
                self.err(at, "not_list")
                continue
            for i, item in enumerate(items):
                here = f"{at}[{i}]"
                if not isinstance(item, dict):
                    self.err(here, "not_object")
                    continue
                self.keys(item, allowed, here)
                if item.get("objectType") != kind:
                    self.err(f"{here}.objectType", "bad_object_type", str(item.get("objectType")))
                if member not in item:
                    self.err(f"{here}.{member}", "required")
                elif member == "agent":
                    self.agent(item[member], f"{here}.{member}")
                else:
                    self.group_only(item[member], f"{here}.{member}")
                types = item.get("relevantTypes")
                if types is not None:
                    if not isinstance(types, list) or not types:
                        self.err(f"{here}.relevantTypes", "not_list")
                    else:
                        for j, iri in enumerate(types):
                            self.iri(iri, f"{here}.relevantTypes[{j}]")

    def context_activities(self, value: object, path: str) -> None:
        if not isinstance(value, dict):
            self.err(path, "not_object")
            return
        self.keys(value, CONTEXT_ACTIVITY_KEYS, path)
        if not value:
            self.err(path, "empty")
        for key in CONTEXT_ACTIVITY_KEYS & value.keys():
            item = value[key]
            if isinstance(item, list):
                for i, activity in enumerate(item):
                    self.activity(activity, f"{path}.{key}[{i}]")
            else:
                self.activity(item, f"{path}.{key}")

    # -- authority (2.4.9) and attachments (2.4.11) -----------------------------------------------------

    def authority(self, value: object, path: str) -> None:
        if isinstance(value, dict) and value.get("objectType") == "Group":
            if any(k in value for k in IFI_KEYS):
                self.err(path, "authority_group_identified")
            self.group(value, path, anonymous_members=2)
        else:
            self.agent(value, path)

    def attachments(self, value: object, path: str) -> None:
        if not isinstance(value, list):
            self.err(path, "not_list")
            return
        for i, attachment in enumerate(value):
            at = f"{path}[{i}]"
            if not isinstance(attachment, dict):
                self.err(at, "not_object")
                continue
            self.keys(attachment, ATTACHMENT_KEYS, at)
            for key in ATTACHMENT_REQUIRED:
                if key not in attachment:
                    self.err(f"{at}.{key}", "required")
            if "usageType" in attachment:
                self.iri(attachment["usageType"], f"{at}.usageType")
            for key in ("display", "description"):
                if key in attachment:
                    self.language_map(attachment[key], f"{at}.{key}")
            content_type = attachment.get("contentType")
            if content_type is not None and (not isinstance(content_type, str) or not _MIME.match(content_type)):
                self.err(f"{at}.contentType", "bad_content_type")
            length = attachment.get("length")
            if "length" in attachment and (not isinstance(length, int) or isinstance(length, bool) or length < 0):
                self.err(f"{at}.length", "bad_length")
            sha2 = attachment.get("sha2")
            if sha2 is not None and (not isinstance(sha2, str) or not _SHA2.match(sha2)):
                self.err(f"{at}.sha2", "bad_sha2")
            if "fileUrl" in attachment:
                self.iri(attachment["fileUrl"], f"{at}.fileUrl", "not_irl")

    # -- statement (2.4) and sub-statement (2.4.4.3) ----------------------------------------------------

    def no_empty_values(self, value: object, path: str) -> None:
        """2.2: no property may be null or an empty object, except inside extensions (XAPI-00001)."""
        if isinstance(value, dict):
            for key, item in value.items():
                at = f"{path}.{key}"
                if item is None:
                    self.err(at, "null_value")
                elif key == "extensions" or (key == "definition" and isinstance(item, dict) and not item):
                    # An activity definition may be an empty object (the ADL suite accepts it: XAPI-00001 is
                    # about null and empty values a client wrote by mistake, an empty definition is harmless).
                    continue
                elif isinstance(item, dict) and not item:
                    self.err(at, "empty_object")
                else:
                    self.no_empty_values(item, at)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                at = f"{path}[{i}]"
                if item is None:
                    self.err(at, "null_value")
                elif isinstance(item, dict) and not item:
                    self.err(at, "empty_object")
                else:
                    self.no_empty_values(item, at)

    def statement(self, value: object, path: str, *, substatement: bool = False) -> None:
        if not isinstance(value, dict):
            self.err(path, "not_object")
            return
        self.keys(value, SUBSTATEMENT_KEYS if substatement else STATEMENT_KEYS, path)
        for key in ("actor", "verb", "object"):
            if key not in value:
                self.err(f"{path}.{key}", "required")
        if "id" in value and not substatement:
            self.uuid(value["id"], f"{path}.id")
        if "actor" in value:
            self.actor(value["actor"], f"{path}.actor")
        if "verb" in value:
            self.verb(value["verb"], f"{path}.verb")
        obj = value.get("object")
        if "object" in value:
            self.statement_object(obj, f"{path}.object", in_substatement=substatement)
        verb = value.get("verb")
        voiding = isinstance(verb, dict) and verb.get("id") == VOIDED_VERB
        if voiding and (not isinstance(obj, dict) or obj.get("objectType") != "StatementRef"):
            self.err(f"{path}.object", "voiding_requires_statement_ref")
        if "result" in value:
            self.result(value["result"], f"{path}.result")
        if "context" in value:
            object_is_activity = isinstance(obj, dict) and obj.get("objectType", "Activity") == "Activity"
            self.context(value["context"], f"{path}.context", object_is_activity=object_is_activity)
        if "timestamp" in value:
            self.timestamp(value["timestamp"], f"{path}.timestamp")
        if "attachments" in value:
            self.attachments(value["attachments"], f"{path}.attachments")
        if substatement:
            return
        if "stored" in value:
            self.timestamp(value["stored"], f"{path}.stored")
        pattern = _VERSION_2 if self.v2 else _VERSION
        if "version" in value and (not isinstance(value["version"], str) or not pattern.match(value["version"])):
            self.err(f"{path}.version", "bad_version")
        if "authority" in value:
            self.authority(value["authority"], f"{path}.authority")


_SCALARS = frozenset({str, int, float, bool})


def _no_empty_items(items: Any, in_object: bool) -> bool:
    for key, item in items:
        kind = type(item)
        if kind in _SCALARS:
            continue
        if item is None:
            return False
        if kind is dict:
            if in_object and key == "extensions":
                continue
            if not item:
                if in_object and key == "definition":
                    continue
                return False
            if not _no_empty_items(item.items(), True):
                return False
        elif kind is list:
            if in_object and key == "extensions":
                continue
            if not _no_empty_items(enumerate(item), False):
                return False
        else:
            return False  # another type: let the full walk decide
    return True


def _no_empty_values(value: object) -> bool:
    """True when `_Validator.no_empty_values` would find nothing: one pass over plain JSON (dict, list,
    scalars) without building paths, since almost every statement an LRS receives is valid."""
    if type(value) is dict:
        return _no_empty_items(value.items(), True)
    if type(value) is list:
        return _no_empty_items(enumerate(value), False)
    return type(value) in _SCALARS or value is None


def _surely_no_empty_values(value: object) -> bool:
    """No null and no empty object anywhere, seen on the value's JSON text (several times faster than a walk):
    the text shows every null as `null` and every empty object as `{}`, and holds neither unless a string
    does, in which case (and for whatever orjson does not write as plain JSON) the walk decides."""
    try:
        text = orjson.dumps(value, option=_PLAIN_JSON_ONLY)
    except orjson.JSONEncodeError:
        return _no_empty_values(value)
    return (b"null" not in text and b"{}" not in text) or _no_empty_values(value)


def validate_statement(
    obj: object, path: str = "$", *, require_timezone: bool = False, v2: bool = False
) -> list[Error]:
    """Every problem of one xAPI 1.0.3 statement; empty when it is valid. Never raises on bad input.
    `require_timezone` also refuses timestamps without a zone (stricter than the spec's SHOULD); `v2` also
    accepts what xAPI 2.0.0 adds (context agents and groups, statement version 2.0.x)."""
    validator = _Validator(require_timezone=require_timezone, v2=v2)
    try:
        if not _surely_no_empty_values(obj):
            validator.no_empty_values(obj, path)
        validator.statement(obj, path)
    except RecursionError:  # a value nested deeper than the walks go (only a Python caller can build one)
        return [*validator.errors, Error(path, "too_deep")]
    return validator.errors


def validate_statements(statements: object, *, require_timezone: bool = False, v2: bool = False) -> list[Error]:
    """Every problem of a batch (a list of statements, as POSTed); also ids repeated within the batch."""
    if isinstance(statements, dict):
        return validate_statement(statements, require_timezone=require_timezone, v2=v2)
    if not isinstance(statements, list):
        return [Error("$", "not_list")]
    errors: list[Error] = []
    seen: dict[str, int] = {}
    for i, statement in enumerate(statements):
        errors.extend(validate_statement(statement, f"$[{i}]", require_timezone=require_timezone, v2=v2))
        sid = statement.get("id") if isinstance(statement, dict) else None
        if is_uuid(sid):
            assert isinstance(sid, str)
            key = sid.lower()
            if key in seen:
                errors.append(Error(f"$[{i}].id", "duplicate_id", f"$[{seen[key]}]"))
            else:
                seen[key] = i
    return errors


def _decode_plain(text: str | bytes) -> object:
    """The value of a JSON text that has no backslash and in which no key repeats, decoded by orjson; `_SLOW`
    when this cannot be told quickly (then parse_statements takes json.loads with its hooks). Sound because
    without a backslash no string holds a quote or needs an escape, so orjson writes every string back with
    exactly its two quotes: the quotes of the text and of orjson's output agree unless a repeated key (and
    its value) was dropped. orjson refuses NaN/Infinity, numbers beyond a float, invalid UTF-8 and deep
    nesting, and would read an integer beyond 64 bits as a float: a text with any of those (or with 19 digits
    in a row anywhere) takes the slow path, which reports them as json.loads sees them."""
    raw = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    if b"\\" in raw or _LONG_DIGITS in raw.translate(_DIGITS_ONLY):
        return _SLOW
    try:
        value = orjson.loads(raw)
        written = orjson.dumps(value)  # orjson reads 1,024 levels deep but writes 254 only: that is refused here
    except (orjson.JSONDecodeError, orjson.JSONEncodeError):
        return _SLOW
    if raw.count(b'"') != written.count(b'"'):
        return _SLOW
    return value


_SLOW = object()
_DIGITS_ONLY = bytes(ord("0") if chr(i) in "0123456789" else ord(" ") for i in range(256))
_LONG_DIGITS = b"0" * 19  # 2**63 has 19 digits: anything shorter is an integer orjson keeps exact


def parse_statements(text: str | bytes) -> tuple[object, list[Error]]:
    """Decode a request body, keeping what plain json.loads loses: a key repeated within one JSON object
    (XAPI-00021: every property at most once) and NaN/Infinity (not JSON) are reported, not silently merged.
    Returns the decoded value (None if the text is not JSON) and the problems; validate the value afterwards.
    Most bodies are decoded by orjson (_decode_plain, ~2x faster); the others as below."""
    value = _decode_plain(text)
    if value is not _SLOW:
        return value, []
    errors: list[Error] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(items)
        if len(obj) != len(items):
            seen: set[str] = set()
            for key, _item in items:
                if key in seen:
                    errors.append(Error("$", "duplicate_key", key))
                seen.add(key)
        return obj

    def constant(name: str) -> float:
        errors.append(Error("$", "not_json_number", name))
        return math.nan

    try:
        value = json.loads(text, object_pairs_hook=pairs, parse_constant=constant)
    except (ValueError, TypeError) as exc:
        return None, [Error("$", "bad_json", str(exc))]
    except RecursionError:
        return None, [Error("$", "too_deep", "arrays and objects nested too deeply")]
    return value, errors


# -- normalisation ------------------------------------------------------------------------------------------


def _normalise_actor(actor: Any) -> None:
    if not isinstance(actor, dict):
        return
    mbox = actor.get("mbox")
    if isinstance(mbox, str) and mbox.lower().startswith("mailto:"):
        actor["mbox"] = "mailto:" + mbox[len("mailto:") :]
    sha1 = actor.get("mbox_sha1sum")
    if isinstance(sha1, str):
        actor["mbox_sha1sum"] = sha1.lower()
    members = actor.get("member")
    if isinstance(members, list):
        for member in members:
            _normalise_actor(member)


def _normalise_uuid(holder: Any, key: str) -> None:
    if isinstance(holder, dict) and is_uuid(holder.get(key)):
        holder[key] = holder[key].lower()  # the hyphenated form is the only one is_uuid accepts


def _normalise_body(statement: dict[str, Any]) -> None:
    _normalise_actor(statement.get("actor"))
    obj = statement.get("object")
    if isinstance(obj, dict):
        object_type = obj.setdefault("objectType", "Activity")
        if object_type in ("Agent", "Group"):
            _normalise_actor(obj)
        elif object_type == "StatementRef":
            _normalise_uuid(obj, "id")
        elif object_type == "SubStatement":
            _normalise_body(obj)
    context = statement.get("context")
    if isinstance(context, dict):
        _normalise_uuid(context, "registration")
        _normalise_actor(context.get("instructor"))
        _normalise_actor(context.get("team"))
        _normalise_uuid(context.get("statement"), "id")
        activities = context.get("contextActivities")
        if isinstance(activities, dict):
            # 2.4.6.2: an LRS returns each context activity property as a list, even if it arrived as one object.
            for key, item in list(activities.items()):
                items = item if isinstance(item, list) else [item]
                for activity in items:
                    if isinstance(activity, dict):
                        activity.setdefault("objectType", "Activity")
                activities[key] = items
    attachments = statement.get("attachments")
    if isinstance(attachments, list):
        for attachment in attachments:
            if isinstance(attachment, dict) and isinstance(attachment.get("sha2"), str):
                attachment["sha2"] = attachment["sha2"].lower()


def _copy_json(value: Any) -> Any:
    """A deep copy of decoded JSON (dicts, lists, scalars); anything else is copied by copy.deepcopy."""
    kind = type(value)
    if kind is dict:
        return {key: _copy_json(item) for key, item in value.items()}
    if kind is list:
        return [_copy_json(item) for item in value]
    if kind in _SCALARS or value is None:
        return value
    return copy.deepcopy(value)


def normalise_statement(obj: Mapping[str, Any], *, in_place: bool = False) -> dict[str, Any]:
    """A copy of a valid statement ready for storage: case-insensitive parts in lower case (the mailto: scheme,
    mbox_sha1sum, UUIDs, sha2), objectType "Activity" made explicit, context activities as lists, version
    defaulting to 1.0.0 ("1.0" read as "1.0.0"). The input is left untouched, unless `in_place` (for a body
    just decoded that nobody else holds): then it is normalised and returned without a copy."""
    if in_place and isinstance(obj, dict):
        statement: dict[str, Any] = obj
    else:
        statement = _copy_json(dict(obj))
    _normalise_uuid(statement, "id")
    version = statement.get("version")
    if version is None or version == "1.0":
        statement["version"] = DEFAULT_VERSION
    _normalise_body(statement)
    _normalise_actor(statement.get("authority"))
    return statement


# -- identities and lookup keys for the store ---------------------------------------------------------------


def validate_actor(obj: object, path: str = "$") -> list[Error]:
    """Every problem of an Agent or Group given on its own (the `agent` parameter of the LRS resources)."""
    validator = _Validator()
    validator.actor(obj, path)
    return validator.errors


def agent_key(actor: object) -> str | None:
    """One string per identified agent or group: the inverse functional identifier, normalised, prefixed by
    its kind ("mbox:mailto:a@b", "account:https://home|name"). None for an anonymous group."""
    if not isinstance(actor, dict):
        return None
    mbox = actor.get("mbox")
    if isinstance(mbox, str):
        return "mbox:mailto:" + mbox[len("mailto:") :] if mbox.lower().startswith("mailto:") else "mbox:" + mbox
    sha1 = actor.get("mbox_sha1sum")
    if isinstance(sha1, str):
        return "sha1:" + sha1.lower()
    openid = actor.get("openid")
    if isinstance(openid, str):
        return "openid:" + openid
    account = actor.get("account")
    if isinstance(account, dict):
        return f"account:{account.get('homePage', '')}|{account.get('name', '')}"
    return None


@dataclass
class Lookup:
    """What a statement names, for the store's lookup rows: (key, direct) pairs."""

    agents: list[tuple[str, bool]]
    activities: list[tuple[str, bool]]


def _actor_keys(actor: object, direct: bool, out: list[tuple[str, bool]]) -> None:
    if not isinstance(actor, dict):
        return
    key = agent_key(actor)
    if key is not None:
        out.append((key, direct))
    members = actor.get("member")
    if isinstance(members, list):
        for member in members:
            _actor_keys(member, False, out)


def _context_activities(context: object, out: list[tuple[str, bool]]) -> None:
    if not isinstance(context, dict):
        return
    activities = context.get("contextActivities")
    if not isinstance(activities, dict):
        return
    for value in activities.values():
        for activity in value if isinstance(value, list) else [value]:
            if isinstance(activity, dict) and isinstance(activity.get("id"), str):
                out.append((activity["id"], False))


def lookup(statement: Mapping[str, Any]) -> Lookup:
    """The agents and activities a (normalised) statement names. Direct: the actor or object (section 2.1.3
    `agent`/`activity` filters); the others are found only with related_agents/related_activities: authority,
    context instructor and team, group members, and everything inside a sub-statement."""
    agents: list[tuple[str, bool]] = []
    activities: list[tuple[str, bool]] = []

    def body(stmt: Mapping[str, Any], top: bool) -> None:
        _actor_keys(stmt.get("actor"), top, agents)
        obj = stmt.get("object")
        if isinstance(obj, dict):
            object_type = obj.get("objectType", "Activity")
            if object_type in ("Agent", "Group"):
                _actor_keys(obj, top, agents)
            elif object_type == "Activity" and isinstance(obj.get("id"), str):
                activities.append((obj["id"], top))
            elif object_type == "SubStatement":
                body(obj, False)
        context = stmt.get("context")
        if isinstance(context, dict):
            _actor_keys(context.get("instructor"), False, agents)
            _actor_keys(context.get("team"), False, agents)
            for key, member in (("contextAgents", "agent"), ("contextGroups", "group")):  # xAPI 2.0.0
                for item in context.get(key) or []:
                    if isinstance(item, dict):
                        _actor_keys(item.get(member), False, agents)
        _context_activities(context, activities)

    body(statement, True)
    _actor_keys(statement.get("authority"), False, agents)
    # One row per key: a direct mention wins over a related one.
    return Lookup(agents=_dedupe(agents), activities=_dedupe(activities))


def _dedupe(pairs: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    best: dict[str, bool] = {}
    for key, direct in pairs:
        best[key] = best.get(key, False) or direct
    return list(best.items())
