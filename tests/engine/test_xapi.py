"""xAPI 1.0.3 statement validation and normalisation (issue 8, xAPI-Data.md of the 1.0.3 specification)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st_

from bangkom.engine import xapi as xapi_engine
from bangkom.engine.xapi import (
    Error,
    normalise_statement,
    parse_statements,
    validate_statement,
    validate_statements,
)

UUID1 = "fd41c918-b88b-4b20-a0a5-a4c32391aaa0"
UUID2 = "7ccd3322-e1a5-411a-a67d-6a735c76f119"
AGENT = {"objectType": "Agent", "name": "Siti", "mbox": "mailto:siti@example.go.id"}
AGENT2 = {"mbox": "mailto:budi@example.go.id"}
ACCOUNT_AGENT = {"account": {"homePage": "https://sso.example.go.id", "name": "199001012015011001"}}
VERB = {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed", "id": "menyelesaikan"}}
VOIDED = {"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en-US": "voided"}}
ACTIVITY = {
    "objectType": "Activity",
    "id": "https://bangkom.example.go.id/xapi/activities/course/42",
    "definition": {
        "name": {"id": "Pelatihan Kepemimpinan"},
        "description": {"en": "Leadership training"},
        "type": "http://adlnet.gov/expapi/activities/course",
        "moreInfo": "https://bangkom.example.go.id/katalog/42",
        "extensions": {"https://bangkom.example.go.id/xapi/ext/jp": 20},
    },
}
BASE: dict[str, Any] = {"id": UUID1, "actor": AGENT, "verb": VERB, "object": ACTIVITY}
STATEMENT_REF = {"objectType": "StatementRef", "id": UUID2}
SUBSTATEMENT = {"objectType": "SubStatement", "actor": AGENT2, "verb": VERB, "object": ACTIVITY}
ANON_GROUP = {"objectType": "Group", "member": [AGENT, AGENT2]}
ATTACHMENT = {
    "usageType": "http://adlnet.gov/expapi/attachments/signature",
    "display": {"en-US": "Signature"},
    "contentType": "application/octet-stream",
    "length": 4235,
    "sha2": "672fa5fa658017f1b72d65036f13379c6ab05d4ab3b6664908d8acf0b6a0c634",
}
_DROP = object()


def st(base: dict[str, Any] | None = None, **changes: Any) -> dict[str, Any]:
    """A copy of BASE (or `base`) with `changes`; a change to `_DROP` removes the property."""
    statement = copy.deepcopy(BASE if base is None else base)
    for key, value in changes.items():
        if value is _DROP:
            statement.pop(key, None)
        else:
            statement[key] = copy.deepcopy(value)
    return statement


def activity(**definition: Any) -> dict[str, Any]:
    return {"id": "http://example.com/q1", "definition": definition}


VALID = [
    pytest.param(st(), id="minimal"),
    pytest.param(st(id=_DROP), id="no-id"),
    pytest.param(st(id=UUID1.upper()), id="upper-case-uuid"),
    pytest.param(st(actor={"mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"}), id="mbox-sha1sum"),
    pytest.param(st(actor={"openid": "http://openid.example.org/12345"}), id="openid"),
    pytest.param(st(actor=ACCOUNT_AGENT), id="account"),
    pytest.param(st(actor={"mbox": "MAILTO:Siti@Example.go.id"}), id="mailto-upper-case"),
    pytest.param(st(actor=ANON_GROUP), id="anonymous-group"),
    pytest.param(st(actor={"objectType": "Group", "name": "Tim", "mbox": "mailto:tim@example.go.id"}), id="id-group"),
    pytest.param(st(actor={**ANON_GROUP, "account": ACCOUNT_AGENT["account"]}), id="identified-group-members"),
    pytest.param(st(verb={"id": "http://adlnet.gov/expapi/verbs/attempted"}), id="verb-no-display"),
    pytest.param(st(verb={**VERB, "display": {"zh-Hant-TW": "x", "sr-Latn-RS": "y", "es-419": "z"}}), id="lang-tags"),
    pytest.param(st(object={"id": "http://example.com/a"}), id="activity-no-object-type"),
    pytest.param(st(object={**AGENT2, "objectType": "Agent"}), id="agent-object"),
    pytest.param(st(object=ANON_GROUP), id="group-object"),
    pytest.param(st(object=STATEMENT_REF), id="statement-ref-object"),
    pytest.param(st(object=SUBSTATEMENT), id="substatement"),
    pytest.param(
        st(object={**SUBSTATEMENT, "object": STATEMENT_REF, "timestamp": "2026-01-01T00:00:00Z"}),
        id="substatement-with-ref",
    ),
    pytest.param(st(verb=VOIDED, object=STATEMENT_REF), id="voiding"),
    pytest.param(
        st(
            object=activity(interactionType="choice", correctResponsesPattern=["a"], choices=[{"id": "a"}, {"id": "b"}])
        ),
        id="choice",
    ),
    pytest.param(
        st(object=activity(interactionType="likert", scale=[{"id": "1", "description": {"en": "low"}}])), id="likert"
    ),
    pytest.param(
        st(object=activity(interactionType="matching", source=[{"id": "a"}], target=[{"id": "1"}])), id="matching"
    ),
    pytest.param(st(object=activity(interactionType="performance", steps=[{"id": "s1"}])), id="performance"),
    pytest.param(st(object=activity(interactionType="true-false", correctResponsesPattern=["true"])), id="true-false"),
    pytest.param(
        st(result={"score": {"scaled": -1, "raw": 5, "min": 0, "max": 10}, "success": True, "completion": False}),
        id="result-score",
    ),
    pytest.param(st(result={"response": "a", "duration": "PT1H30M5.25S"}), id="result-duration"),
    pytest.param(st(result={"duration": "P1DT12H"}), id="duration-days"),
    pytest.param(st(result={"score": {"scaled": 1.0}}), id="scaled-one"),
    pytest.param(
        st(
            context={
                "registration": UUID2,
                "instructor": AGENT2,
                "team": ANON_GROUP,
                "contextActivities": {
                    "parent": {"id": "http://example.com/course"},
                    "grouping": [{"id": "http://example.com/program"}],
                    "category": [{"id": "http://example.com/cat", "objectType": "Activity"}],
                    "other": [],
                },
                "revision": "2",
                "platform": "bangkom",
                "language": "id-ID",
                "statement": STATEMENT_REF,
                "extensions": {"http://example.com/ext": {"any": ["thing"]}},
            }
        ),
        id="full-context",
    ),
    pytest.param(st(object=STATEMENT_REF, context={"registration": UUID2}), id="context-no-revision-non-activity"),
    pytest.param(st(timestamp="2026-11-30T04:00:00.123+07:00", stored="2026-11-30T04:00:01Z"), id="timestamps"),
    pytest.param(st(timestamp="2026-11-30T04:00:00+0700"), id="timestamp-basic-offset"),
    pytest.param(st(timestamp="20261130T040000.5Z"), id="timestamp-basic-format"),
    pytest.param(st(timestamp="2026-11-30T04:00:00+07"), id="timestamp-hour-offset"),
    pytest.param(st(timestamp="2026-11-30T04:00:00"), id="timestamp-no-zone-is-a-should"),
    pytest.param(st(version="1.0.3"), id="version-103"),
    pytest.param(st(result={"extensions": {"http://example.com/e": None}}), id="null-inside-extensions"),
    pytest.param(st(result={"extensions": {}}), id="empty-extensions"),
    pytest.param(st(version="1.0"), id="version-10"),
    pytest.param(st(authority=AGENT2), id="authority-agent"),
    pytest.param(st(authority={"objectType": "Group", "member": [ACCOUNT_AGENT, AGENT2]}), id="authority-oauth"),
    pytest.param(st(attachments=[ATTACHMENT, {**ATTACHMENT, "fileUrl": "https://x.example/sig"}]), id="attachments"),
]


@pytest.mark.parametrize("statement", VALID)
def test_valid(statement: dict[str, Any]) -> None:
    assert validate_statement(statement) == []


INVALID = [
    # structure and required properties
    pytest.param("not a statement", "$", "not_object", id="not-object"),
    pytest.param(st(actor=_DROP), "$.actor", "required", id="no-actor"),
    pytest.param(st(verb=_DROP), "$.verb", "required", id="no-verb"),
    pytest.param(st(object=_DROP), "$.object", "required", id="no-object"),
    pytest.param(st(foo=1), "$.foo", "unknown_property", id="unknown-top-level"),
    pytest.param(st(id="not-a-uuid"), "$.id", "not_uuid", id="bad-id"),
    pytest.param(st(id=""), "$.id", "not_uuid", id="empty-id"),
    pytest.param(st(object=None), "$.object", "null_value", id="null-object"),
    # A moment that does not exist in UTC (stored and compared there).
    pytest.param(st(timestamp="9999-12-31T23:59:59-14:00"), "$.timestamp", "bad_timestamp", id="after-9999-utc"),
    pytest.param(st(timestamp="0001-01-01T00:00:00+00:30"), "$.timestamp", "bad_timestamp", id="before-1-utc"),
    pytest.param(
        st(actor={"account": {"homePage": "https://sso.example.go.id", "name": "a\x00b"}}),
        "$.actor.account.name",
        "nul_character",
        id="account-name-nul",
    ),
    # A line break after a value is not part of its format ($ in a Python pattern would let it through).
    pytest.param(st(id=UUID1 + "\n"), "$.id", "not_uuid", id="uuid-newline"),
    pytest.param(st(verb={"id": VERB["id"] + "\n"}), "$.verb.id", "not_iri", id="iri-newline"),
    pytest.param(st(timestamp="2026-11-30T04:00:00Z\n"), "$.timestamp", "bad_timestamp", id="timestamp-newline"),
    pytest.param(st(result={"duration": "PT1H\n"}), "$.result.duration", "bad_duration", id="duration-newline"),
    pytest.param(st(version="1.0.3\n"), "$.version", "bad_version", id="version-newline"),
    pytest.param(st(context={"language": "id-ID\n"}), "$.context.language", "bad_language_tag", id="tag-newline"),
    pytest.param(
        st(actor={"mbox_sha1sum": "a" * 40 + "\n"}), "$.actor.mbox_sha1sum", "bad_mbox_sha1sum", id="sha1-newline"
    ),
    pytest.param(
        st(attachments=[{**ATTACHMENT, "sha2": "b" * 64 + "\n"}]),
        "$.attachments[0].sha2",
        "bad_sha2",
        id="sha2-newline",
    ),
    pytest.param(
        st(attachments=[{**ATTACHMENT, "contentType": "text/plain; a=b\n"}]),
        "$.attachments[0].contentType",
        "bad_content_type",
        id="mime-newline",
    ),
    pytest.param(st(object=None), "$.object", "not_object", id="null-object-type"),
    pytest.param(st(actor={**AGENT2, "name": None}), "$.actor.name", "null_value", id="null-name"),
    pytest.param(st(result={}), "$.result", "empty_object", id="empty-result"),
    pytest.param(st(verb={**VERB, "display": {}}), "$.verb.display", "empty_object", id="empty-display"),
    pytest.param(
        st(context={"contextActivities": {"parent": [None]}}),
        "$.context.contextActivities.parent[0]",
        "null_value",
        id="null-in-list",
    ),
    pytest.param(st(id=12), "$.id", "not_uuid", id="id-number"),
    # actor
    pytest.param(st(actor={"name": "x"}), "$.actor", "agent_ifi_count", id="agent-no-ifi"),
    pytest.param(
        st(actor={"mbox": "mailto:a@b.c", "openid": "http://o.example/1"}), "$.actor", "agent_ifi_count", id="two-ifis"
    ),
    pytest.param(st(actor={"mbox": "siti@example.go.id"}), "$.actor.mbox", "bad_mbox", id="mbox-no-mailto"),
    pytest.param(st(actor={"mbox": "mailto:siti"}), "$.actor.mbox", "bad_mbox", id="mbox-no-at"),
    pytest.param(st(actor={"mbox_sha1sum": "abc"}), "$.actor.mbox_sha1sum", "bad_mbox_sha1sum", id="short-sha1"),
    pytest.param(st(actor={"openid": "not an iri"}), "$.actor.openid", "not_iri", id="openid-not-iri"),
    pytest.param(st(actor={"account": {"name": "x"}}), "$.actor.account.homePage", "required", id="account-no-home"),
    pytest.param(
        st(actor={"account": {"homePage": "http://x.example"}}),
        "$.actor.account.name",
        "required",
        id="account-no-name",
    ),
    pytest.param(
        st(actor={"account": {"homePage": "nope", "name": "x"}}), "$.actor.account.homePage", "not_iri", id="home-bad"
    ),
    pytest.param(st(actor={**AGENT2, "objectType": "Person"}), "$.actor.objectType", "bad_object_type", id="person"),
    pytest.param(st(actor={**AGENT2, "age": 3}), "$.actor.age", "unknown_property", id="agent-unknown-prop"),
    pytest.param(st(actor={"objectType": "Group"}), "$.actor.member", "required", id="anon-group-no-member"),
    pytest.param(st(actor={"objectType": "Group", "member": []}), "$.actor.member", "empty", id="anon-group-empty"),
    pytest.param(
        st(actor={"objectType": "Group", "member": [ANON_GROUP]}),
        "$.actor.member[0]",
        "group_in_group",
        id="nested-group",
    ),
    pytest.param(
        st(actor={"objectType": "Group", "member": [{"name": "x"}]}),
        "$.actor.member[0]",
        "agent_ifi_count",
        id="member-no-ifi",
    ),
    pytest.param(
        st(actor={**ANON_GROUP, "mbox": "mailto:a@b.c", "openid": "http://o.example"}),
        "$.actor",
        "group_ifi_count",
        id="group-two-ifis",
    ),
    # verb
    pytest.param(st(verb={"display": {"en": "x"}}), "$.verb.id", "required", id="verb-no-id"),
    pytest.param(st(verb={"id": "completed"}), "$.verb.id", "not_iri", id="verb-id-not-iri"),
    pytest.param(
        st(verb={**VERB, "display": {"bad tag": "x"}}), "$.verb.display.bad tag", "bad_language_tag", id="tag"
    ),
    pytest.param(st(verb={**VERB, "display": {"en-": "x"}}), "$.verb.display.en-", "bad_language_tag", id="tag-dash"),
    pytest.param(st(verb={**VERB, "display": {"en": 1}}), "$.verb.display.en", "not_string", id="display-not-string"),
    pytest.param(st(verb={**VERB, "display": "completed"}), "$.verb.display", "not_object", id="display-string"),
    pytest.param(st(verb={**VERB, "x": 1}), "$.verb.x", "unknown_property", id="verb-unknown-prop"),
    # object
    pytest.param(st(object={"definition": {}}), "$.object.id", "required", id="activity-no-id"),
    pytest.param(st(object={"id": "course 42"}), "$.object.id", "not_iri", id="activity-id-not-iri"),
    pytest.param(
        st(object={"objectType": "Thing", "id": "http://x"}), "$.object.objectType", "bad_object_type", id="ot"
    ),
    pytest.param(st(object=AGENT2), "$.object.id", "required", id="agent-object-no-object-type"),
    pytest.param(st(object={"objectType": "StatementRef", "id": "x"}), "$.object.id", "not_uuid", id="ref-bad-uuid"),
    pytest.param(st(object=activity(type="course")), "$.object.definition.type", "not_iri", id="type-not-iri"),
    pytest.param(st(object=activity(moreInfo="katalog")), "$.object.definition.moreInfo", "not_irl", id="moreinfo"),
    pytest.param(
        st(object=activity(name={"xx-yy-zz-": "x"})), "$.object.definition.name.xx-yy-zz-", "bad_language_tag"
    ),
    pytest.param(st(object=activity(colour="red")), "$.object.definition.colour", "unknown_property", id="def-unknown"),
    pytest.param(
        st(object=activity(interactionType="essay")),
        "$.object.definition.interactionType",
        "bad_interaction_type",
        id="interaction-type",
    ),
    pytest.param(
        st(object=activity(interactionType="true-false", choices=[{"id": "a"}])),
        "$.object.definition.choices",
        "component_not_allowed",
        id="choices-on-true-false",
    ),
    pytest.param(
        st(object=activity(choices=[{"id": "a"}])),
        "$.object.definition.choices",
        "component_not_allowed",
        id="choices-no-interaction-type",
    ),
    pytest.param(
        st(object=activity(interactionType="choice", choices=[{"id": "a"}, {"id": "a"}])),
        "$.object.definition.choices[1].id",
        "duplicate_component_id",
        id="duplicate-choice",
    ),
    pytest.param(
        st(object=activity(interactionType="choice", choices=[{"description": {"en": "a"}}])),
        "$.object.definition.choices[0].id",
        "required",
        id="choice-no-id",
    ),
    pytest.param(
        st(object=activity(interactionType="choice", correctResponsesPattern="a")),
        "$.object.definition.correctResponsesPattern",
        "not_string_list",
        id="pattern-not-list",
    ),
    pytest.param(
        st(object={**SUBSTATEMENT, "object": SUBSTATEMENT}),
        "$.object.object.objectType",
        "nested_substatement",
        id="substatement-in-substatement",
    ),
    pytest.param(st(object={**SUBSTATEMENT, "id": UUID2}), "$.object.id", "unknown_property", id="substatement-id"),
    pytest.param(
        st(object={**SUBSTATEMENT, "stored": "2026-01-01T00:00:00Z"}),
        "$.object.stored",
        "unknown_property",
        id="sub-st",
    ),
    pytest.param(st(object={**SUBSTATEMENT, "version": "1.0.0"}), "$.object.version", "unknown_property", id="sub-ver"),
    pytest.param(
        st(object={**SUBSTATEMENT, "authority": AGENT2}), "$.object.authority", "unknown_property", id="sub-au"
    ),
    pytest.param(
        st({k: v for k, v in SUBSTATEMENT.items() if k != "verb"}, objectType=_DROP) | {"actor": AGENT},
        "$.verb",
        "required",
        id="statement-missing-verb",
    ),
    pytest.param(
        st(object={k: v for k, v in SUBSTATEMENT.items() if k != "verb"}),
        "$.object.verb",
        "required",
        id="substatement-no-verb",
    ),
    pytest.param(st(verb=VOIDED), "$.object", "voiding_requires_statement_ref", id="voiding-activity"),
    pytest.param(st(verb=VOIDED, object=SUBSTATEMENT), "$.object", "voiding_requires_statement_ref", id="voiding-sub"),
    # result
    pytest.param(
        st(result={"score": {"scaled": 1.5}}), "$.result.score.scaled", "scaled_out_of_range", id="scaled-1.5"
    ),
    pytest.param(st(result={"score": {"scaled": -1.01}}), "$.result.score.scaled", "scaled_out_of_range", id="scaled"),
    pytest.param(st(result={"score": {"raw": 11, "max": 10}}), "$.result.score.raw", "raw_above_max", id="raw-max"),
    pytest.param(st(result={"score": {"raw": -1, "min": 0}}), "$.result.score.raw", "raw_below_min", id="raw-min"),
    pytest.param(st(result={"score": {"min": 10, "max": 10}}), "$.result.score.max", "max_not_above_min", id="min-max"),
    pytest.param(st(result={"score": {"raw": "5"}}), "$.result.score.raw", "not_number", id="raw-string"),
    pytest.param(st(result={"score": {"raw": float("nan")}}), "$.result.score.raw", "not_number", id="raw-nan"),
    pytest.param(st(result={"score": {"max": float("inf")}}), "$.result.score.max", "not_number", id="max-inf"),
    pytest.param(
        st(object=activity(interactionType="likert", steps=[{"id": "s"}])),
        "$.object.definition.steps",
        "component_not_allowed",
        id="steps-on-likert",
    ),
    pytest.param(
        st(object=activity(correctResponsesPattern=["a"])),
        "$.object.definition.correctResponsesPattern",
        "requires_interaction_type",
        id="pattern-without-interaction-type",
    ),
    pytest.param(
        st(object=activity(interactionType="choice", choices={"id": "a"})),
        "$.object.definition.choices",
        "not_list",
        id="choices-not-list",
    ),
    pytest.param(
        st(object={**SUBSTATEMENT, "actor": {"name": "x"}}), "$.object.actor", "agent_ifi_count", id="sub-act"
    ),
    pytest.param(
        st(object={"objectType": "SubStatement", "actor": AGENT, "verb": VOIDED, "object": ACTIVITY}),
        "$.object.object",
        "voiding_requires_statement_ref",
        id="voiding-inside-substatement",
    ),
    pytest.param(st(result={"score": {"scaled": True}}), "$.result.score.scaled", "not_number", id="scaled-bool"),
    pytest.param(st(result={"success": "true"}), "$.result.success", "not_boolean", id="success-string"),
    pytest.param(st(result={"completion": 1}), "$.result.completion", "not_boolean", id="completion-int"),
    pytest.param(st(result={"response": 42}), "$.result.response", "not_string", id="response-number"),
    pytest.param(st(result={"duration": "1h30m"}), "$.result.duration", "bad_duration", id="duration"),
    pytest.param(st(result={"duration": "PT"}), "$.result.duration", "bad_duration", id="duration-empty-time"),
    pytest.param(st(result={"duration": "P"}), "$.result.duration", "bad_duration", id="duration-empty"),
    pytest.param(st(result={"extensions": {"jp": 2}}), "$.result.extensions.jp", "extension_key_not_iri", id="ext"),
    pytest.param(st(result={"grade": "A"}), "$.result.grade", "unknown_property", id="result-unknown"),
    # context
    pytest.param(st(context={"registration": "x"}), "$.context.registration", "not_uuid", id="registration"),
    pytest.param(st(context={"instructor": {"name": "x"}}), "$.context.instructor", "agent_ifi_count", id="instructor"),
    pytest.param(st(context={"team": AGENT2}), "$.context.team.objectType", "not_group", id="team-agent"),
    pytest.param(
        st(object={**AGENT2, "objectType": "Agent"}, context={"revision": "1"}),
        "$.context.revision",
        "requires_activity_object",
        id="revision-agent-object",
    ),
    pytest.param(
        st(object=STATEMENT_REF, context={"platform": "x"}),
        "$.context.platform",
        "requires_activity_object",
        id="platform-ref-object",
    ),
    pytest.param(st(context={"language": "english!"}), "$.context.language", "bad_language_tag", id="language"),
    pytest.param(st(context={"statement": {"id": UUID2}}), "$.context.statement.objectType", "not_statement_ref"),
    pytest.param(
        st(context={"contextActivities": {"parent": {"id": "nope"}}}),
        "$.context.contextActivities.parent.id",
        "not_iri",
        id="parent-id",
    ),
    pytest.param(
        st(context={"contextActivities": {"grouping": [{"id": "http://x"}, {"definition": {}}]}}),
        "$.context.contextActivities.grouping[1].id",
        "required",
        id="grouping-list",
    ),
    pytest.param(
        st(context={"contextActivities": {"sibling": []}}),
        "$.context.contextActivities.sibling",
        "unknown_property",
        id="context-activities-key",
    ),
    pytest.param(
        st(context={"contextActivities": {"parent": [AGENT2]}}),
        "$.context.contextActivities.parent[0].mbox",
        "unknown_property",
        id="parent-agent",
    ),
    pytest.param(
        st(context={"contextActivities": {}}), "$.context.contextActivities", "empty", id="context-activities-empty"
    ),
    pytest.param(st(actor={**AGENT2, "objectType": 5}), "$.actor.objectType", "bad_object_type", id="ot-not-string"),
    pytest.param(st(actor={**AGENT2, "member": [AGENT]}), "$.actor.member", "unknown_property", id="member-on-agent"),
    pytest.param(st(context={"extensions": []}), "$.context.extensions", "not_object", id="extensions-list"),
    # timestamps, version, authority
    pytest.param(st(timestamp="2026-11-30T04:00:00+24:00"), "$.timestamp", "bad_timestamp", id="timestamp-offset-24"),
    pytest.param(st(timestamp="2026-11-30T25:00:00Z"), "$.timestamp", "bad_timestamp", id="timestamp-hour-25"),
    pytest.param(st(timestamp="2026-11-30"), "$.timestamp", "bad_timestamp", id="timestamp-date"),
    pytest.param(st(timestamp="2026-02-30T04:00:00Z"), "$.timestamp", "bad_timestamp", id="timestamp-30-feb"),
    pytest.param(st(timestamp="2026-11-30T04:00:00-00:00"), "$.timestamp", "bad_timestamp", id="timestamp-minus-zero"),
    pytest.param(st(stored="yesterday"), "$.stored", "bad_timestamp", id="stored"),
    pytest.param(st(version="2.0.0"), "$.version", "bad_version", id="version-2"),
    pytest.param(st(version="1.1.0"), "$.version", "bad_version", id="version-11"),
    pytest.param(st(version=1.0), "$.version", "bad_version", id="version-number"),
    pytest.param(
        st(authority={"objectType": "Group", "member": [AGENT, AGENT2, ACCOUNT_AGENT]}),
        "$.authority.member",
        "authority_group_size",
        id="authority-three",
    ),
    pytest.param(
        st(authority={"objectType": "Group", "mbox": "mailto:a@b.c", "member": [AGENT, AGENT2]}),
        "$.authority",
        "authority_group_identified",
        id="authority-identified-group",
    ),
    pytest.param(st(authority={"name": "x"}), "$.authority", "agent_ifi_count", id="authority-no-ifi"),
    # attachments
    pytest.param(st(attachments=ATTACHMENT), "$.attachments", "not_list", id="attachments-not-list"),
    pytest.param(
        st(attachments=[{k: v for k, v in ATTACHMENT.items() if k != "sha2"}]),
        "$.attachments[0].sha2",
        "required",
        id="attachment-no-sha2",
    ),
    pytest.param(st(attachments=[{**ATTACHMENT, "length": "10"}]), "$.attachments[0].length", "bad_length", id="len"),
    pytest.param(st(attachments=[{**ATTACHMENT, "length": -1}]), "$.attachments[0].length", "bad_length", id="len-neg"),
    pytest.param(st(attachments=[{**ATTACHMENT, "sha2": "xyz"}]), "$.attachments[0].sha2", "bad_sha2", id="sha2"),
    pytest.param(st(attachments=[{**ATTACHMENT, "usageType": "sig"}]), "$.attachments[0].usageType", "not_iri"),
    pytest.param(st(attachments=[{**ATTACHMENT, "fileUrl": "file name"}]), "$.attachments[0].fileUrl", "not_irl"),
    pytest.param(
        st(attachments=[{**ATTACHMENT, "contentType": "pdf"}]),
        "$.attachments[0].contentType",
        "bad_content_type",
        id="content-type",
    ),
    pytest.param(
        st(attachments=[{**ATTACHMENT, "display": {"??": "x"}}]),
        "$.attachments[0].display.??",
        "bad_language_tag",
        id="attachment-display",
    ),
]


@pytest.mark.parametrize(("statement", "path", "code"), INVALID)
def test_invalid(statement: Any, path: str, code: str) -> None:
    errors = validate_statement(statement)
    assert Error(path, code) in [Error(e.path, e.code) for e in errors], errors


@pytest.mark.parametrize(
    ("timestamp", "ok"),
    [("2026-11-30T04:00:00Z", True), ("2026-11-30T04:00:00+07:00", True), ("2026-11-30T04:00:00", False)],
)
def test_require_timezone(timestamp: str, ok: bool) -> None:
    errors = validate_statement(st(timestamp=timestamp), require_timezone=True)
    assert errors == ([] if ok else [Error("$.timestamp", "bad_timestamp")])
    assert validate_statements([st(stored=timestamp)], require_timezone=True) == (
        [] if ok else [Error("$[0].stored", "bad_timestamp")]
    )


def test_every_problem_is_reported() -> None:
    statement = st(id="x", actor={"name": "x"}, verb={"id": "v"}, result={"score": {"scaled": 2}}, extra=True)
    codes = {(e.path, e.code) for e in validate_statement(statement)}
    assert codes == {
        ("$.id", "not_uuid"),
        ("$.actor", "agent_ifi_count"),
        ("$.verb.id", "not_iri"),
        ("$.result.score.scaled", "scaled_out_of_range"),
        ("$.extra", "unknown_property"),
    }


@pytest.mark.parametrize("junk", [None, 1, [], "x", {"actor": None, "verb": [], "object": 3}, {"context": "x"}])
def test_never_raises(junk: Any) -> None:
    assert validate_statement(junk)


def test_batch() -> None:
    errors = validate_statements([st(), st(id=UUID2), st(id=UUID1.upper()), st(verb=_DROP, id=_DROP)])
    assert [(e.path, e.code) for e in errors] == [("$[2].id", "duplicate_id"), ("$[3].verb", "required")]
    assert validate_statements([st(id=_DROP), st(id=_DROP)]) == []
    assert validate_statements(st()) == []
    assert validate_statements("x") == [Error("$", "not_list")]


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ('{"a": 1}', []),
        (b'[{"a": {"b": 1}}]', []),
        ('{"verb": {"id": "x", "id": "y"}}', ["duplicate_key"]),
        ('{"result": {"score": {"raw": NaN}}}', ["not_json_number"]),
        ('{"a": 1', ["bad_json"]),
        ("[" * 100_000 + "]" * 100_000, ["too_deep"]),
        (b"\xff", ["bad_json"]),
    ],
)
def test_parse_statements(text: str | bytes, codes: list[str]) -> None:
    _, errors = parse_statements(text)
    assert [e.code for e in errors] == codes


def _slow_parse(text: str | bytes) -> tuple[object, list[str]]:
    """What parse_statements answers by json.loads with its hooks alone (the route before the orjson one)."""
    codes: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        codes.extend("duplicate_key" for _ in range(len(items) - len(dict(items))))
        return dict(items)

    def constant(name: str) -> float:
        codes.append("not_json_number")
        return 0.0

    try:
        return json.loads(text, object_pairs_hook=pairs, parse_constant=constant), codes
    except ValueError:
        return None, ["bad_json"]
    except RecursionError:
        return None, ["too_deep"]


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        (b'{"a": 1, "b": "x"}', True),
        (b'{"a" : 1, "b"\n:\t"x"}', True),  # spaces around the colon: quotes still agree
        (b'[{"a": {"a": {"a": 1}}}]', True),  # the same key in nested objects is no repetition
        (b'{"a": 1, "a": 1}', False),
        (b'{"a": {"x": "y"}, "a": 2}', False),
        (b'{"a": "x", "a": "x"}', False),
        (b'{"a\\u0022": 1}', False),  # a backslash: json.loads's route
        (b'{"a": 1e400}', False),
        (b'{"a": 18446744073709551616}', False),
        (b'{"a": NaN}', False),
        (b"\xef\xbb\xbf{}", False),
        ('{"a": "\ud800"}'.encode("utf-8", "surrogatepass"), False),
        ("{" + '"a":[' * 2000 + "]" * 2000 + "}", False),
        (b"[" * 255 + b"]" * 255, False),  # orjson reads it but cannot write it back (was a 500)
        (b'{"a":' * 300 + b"1" + b"}" * 300, False),
        (b"[" * 1000 + b"]" * 1000, False),
        (b"[" * 250 + b"]" * 250, True),
    ],
)
def test_plain_bodies_are_decoded_by_orjson(text: str | bytes, plain: bool) -> None:
    assert (xapi_engine._decode_plain(text) is not xapi_engine._SLOW) is plain
    value, errors = parse_statements(text)
    slow_value, slow_codes = _slow_parse(text)
    assert [e.code for e in errors] == slow_codes
    if "bad_json" not in slow_codes and "not_json_number" not in slow_codes:
        assert value == slow_value


_JSON_KEYS = st_.sampled_from(["a", "b", "id", "ü", "x y", "名"])
_JSON_VALUES = st_.recursive(
    st_.none() | st_.booleans() | st_.integers(-(2**70), 2**70) | st_.floats(allow_nan=False) | st_.text(),
    lambda children: st_.lists(children, max_size=4) | st_.lists(st_.tuples(_JSON_KEYS, children), max_size=4),
    max_leaves=20,
)


def _write(value: Any, sep: str, ascii_only: bool) -> str:
    """JSON text of a value whose objects are lists of (key, value) pairs, so keys may repeat."""
    if isinstance(value, list) and value and all(isinstance(v, tuple) for v in value):
        items = [f"{json.dumps(k, ensure_ascii=ascii_only)}{sep}:{sep}{_write(v, sep, ascii_only)}" for k, v in value]
        return "{" + ",".join(items) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_write(v, sep, ascii_only) for v in value) + "]"
    return json.dumps(value, ensure_ascii=ascii_only)


@given(_JSON_VALUES, st_.sampled_from(["", " ", "\n"]), st_.booleans())
@settings(max_examples=400, deadline=None)
def test_decoding_routes_agree(value: Any, sep: str, ascii_only: bool) -> None:
    """Whichever route decodes a text (orjson for most, json.loads with hooks for the rest), the value and the
    problems reported are those of json.loads with hooks: a repeated key is never merged silently."""
    text = _write(value, sep, ascii_only).encode("utf-8", "surrogatepass")
    decoded, errors = parse_statements(text)
    slow_value, slow_codes = _slow_parse(text)
    assert sorted(e.code for e in errors) == sorted(slow_codes)
    if not slow_codes:
        assert decoded == slow_value


def test_normalise() -> None:
    statement = st(
        id=UUID1.upper(),
        actor={"mbox": "MAILTO:Siti@example.go.id"},
        object={"id": "http://example.com/a"},
        context={
            "registration": UUID2.upper(),
            "contextActivities": {"parent": {"id": "http://example.com/p"}},
            "team": {"objectType": "Group", "member": [{"mbox_sha1sum": "EBD31E95054C018B10727CCFFD2EF2EC3A016EE9"}]},
        },
        attachments=[{**ATTACHMENT, "sha2": ATTACHMENT["sha2"].upper()}],
    )
    original = copy.deepcopy(statement)
    out = normalise_statement(statement)
    assert statement == original
    assert validate_statement(out) == []
    assert out["id"] == UUID1
    assert out["version"] == "1.0.0"
    assert out["actor"]["mbox"] == "mailto:Siti@example.go.id"
    assert out["object"]["objectType"] == "Activity"
    assert out["context"]["registration"] == UUID2
    assert out["context"]["contextActivities"]["parent"] == [{"id": "http://example.com/p", "objectType": "Activity"}]
    assert out["context"]["team"]["member"][0]["mbox_sha1sum"] == "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"
    assert out["attachments"][0]["sha2"] == ATTACHMENT["sha2"]
    assert normalise_statement(st(version="1.0"))["version"] == "1.0.0"
    assert normalise_statement(st(version="1.0.3"))["version"] == "1.0.3"
    assert normalise_statement(out) == out  # idempotent


# -- the memo of valid activities -----------------------------------------------------------------------------

_IRIS = st_.sampled_from(["https://lms.example.go.id/a/1", "https://lms.example.go.id/a/2", "not an iri", "", 7])
_LANGUAGE_MAPS = st_.dictionaries(st_.sampled_from(["id-ID", "en-US", "??", "id"]), st_.sampled_from(["x", 1]))
_COMPONENTS = st_.lists(
    st_.fixed_dictionaries(
        {"id": st_.sampled_from(["a", "b", 3])}, optional={"description": _LANGUAGE_MAPS, "extra": st_.just(1)}
    ),
    max_size=3,
)
_DEFINITIONS = st_.fixed_dictionaries(
    {},
    optional={
        "name": _LANGUAGE_MAPS,
        "description": _LANGUAGE_MAPS,
        "type": _IRIS,
        "moreInfo": _IRIS,
        "interactionType": st_.sampled_from(["choice", "likert", "bogus"]),
        "correctResponsesPattern": st_.sampled_from([["a"], "a", [1]]),
        "choices": _COMPONENTS,
        "scale": _COMPONENTS,
        "extensions": st_.dictionaries(_IRIS.filter(lambda k: isinstance(k, str)), st_.integers() | st_.none()),
        "unknown": st_.just(True),
    },
)
_ACTIVITIES = st_.fixed_dictionaries(
    {"id": _IRIS},
    optional={"objectType": st_.sampled_from(["Activity", "Agent"]), "definition": _DEFINITIONS},
)


@given(st_.lists(st_.tuples(_ACTIVITIES, st_.booleans(), st_.booleans()), min_size=1, max_size=6))
@settings(max_examples=300, deadline=None)
def test_memo_of_valid_activities_changes_no_verdict(cases: list[tuple[dict[str, Any], bool, bool]]) -> None:
    """Activities seen before (valid ones are remembered by their JSON text, whatever the validator's options)
    get exactly the verdict that the full walk gives, in any order and whatever was remembered before: this
    fails if an activity's verdict comes to depend on the options (v2, require_timezone) the memo ignores."""
    for activity, v2, require_timezone in cases + cases[::-1]:
        memoised = xapi_engine._Validator(v2=v2, require_timezone=require_timezone)
        memoised.activity(activity, "$.object")
        full = xapi_engine._Validator(v2=not v2, require_timezone=not require_timezone)
        full._activity(activity, "$.object")
        assert memoised.errors == full.errors


def test_memo_is_bounded() -> None:
    xapi_engine._VALID_ACTIVITIES.clear()
    for i in range(xapi_engine._VALID_ACTIVITIES_MAX + 10):
        assert validate_statement(st(object={"id": f"https://lms.example.go.id/a/{i}"})) == []
    assert 0 < len(xapi_engine._VALID_ACTIVITIES) <= xapi_engine._VALID_ACTIVITIES_MAX
    long_activity = {"id": "https://lms.example.go.id/long", "definition": {"name": {"id": "x" * 5000}}}
    assert validate_statement(st(object=long_activity)) == []
    assert all(b"/long" not in text for text in xapi_engine._VALID_ACTIVITIES)


@pytest.mark.parametrize(
    ("changes", "codes"),
    [
        ({"result": {"response": "null {}"}}, []),  # the text shows null and {} inside a string only
        ({"result": {"extensions": {"https://x.example/e": None}}}, []),
        ({"result": {"extensions": {}}}, []),
        ({"result": {"response": None}}, ["null_value", "not_string"]),
        ({"result": {"response": "{}", "score": {}}}, ["empty_object"]),
        ({"result": {"response": "n", "extensions": {"https://x.example/e": 2**70}}}, []),  # not orjson's
        ({"result": {"response": None, "extensions": {"https://x.example/e": 2**70}}}, ["null_value", "not_string"]),
    ],
)
def test_null_and_empty_values_seen_on_the_text_or_by_a_walk(changes: dict[str, Any], codes: list[str]) -> None:
    errors = validate_statement(st(**changes))
    assert [e.code for e in errors] == codes


@pytest.mark.parametrize(
    ("timestamp", "ok"),
    [
        ("9999-12-31T23:59:59Z", True),
        ("9999-12-31T23:59:59+14:00", True),
        ("0001-01-01T00:00:00-01:00", True),
        ("0001-01-01T00:00:00+01:00", False),
        ("9999-12-31T23:00:00-01:00", False),
    ],
)
def test_timestamps_at_the_ends_of_the_calendar(timestamp: str, ok: bool) -> None:
    assert [e.code for e in validate_statement(st(timestamp=timestamp))] == ([] if ok else ["bad_timestamp"])


def test_a_value_nested_deeper_than_the_walks_is_an_error_not_an_exception() -> None:
    deep: Any = []
    for _ in range(10_000):
        deep = [deep]
    errors = validate_statement({**BASE, "result": {"unknown": deep}})  # st() would deep-copy it
    assert "too_deep" in [e.code for e in errors]


_TIMESTAMP_PARTS = st_.tuples(
    st_.sampled_from(["2026", "0001", "0002", "9998", "9999", "0000", "1999", "\u0662\u0660\u0662\u0666", "20"]),
    st_.sampled_from(["-", ""]),
    st_.sampled_from(["01", "02", "12", "13", "00", "1"]),
    st_.sampled_from(["-", ""]),
    st_.sampled_from(["01", "28", "29", "30", "31", "32", "00"]),
    st_.sampled_from(["T", "t", " "]),
    st_.sampled_from(["00", "09", "19", "23", "24", "2\u0663"]),
    st_.sampled_from([":", ""]),
    st_.sampled_from(["00", "59", "60"]),
    st_.sampled_from([":", ""]),
    st_.sampled_from(["00", "59", "60"]),
    st_.sampled_from(["", ".000", ".5", ",25", ".", ".1234567"]),
    st_.sampled_from(
        ["", "Z", "z", "+07:00", "-00:00", "+00:00", "+23:59", "+24:00", "-05:60", "+07", "+0700", "+\u0660\u0667:00"]
    ),
    st_.sampled_from(["", "\n", "x"]),
)


@given(_TIMESTAMP_PARTS, st_.booleans())
@settings(max_examples=1500, deadline=None)
def test_common_timestamps_get_the_general_verdict(parts: tuple[str, ...], require_timezone: bool) -> None:
    """The quick check of the common shape (2026-11-20T09:30:00.000+07:00) answers as the general one."""
    text = "".join(parts)
    general = xapi_engine._is_timestamp_general(text, require_timezone)
    assert xapi_engine.is_timestamp(text, require_timezone=require_timezone) is general, text
