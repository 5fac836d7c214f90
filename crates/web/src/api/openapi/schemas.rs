//! The shapes of request bodies and answers.

use serde_json::{Value, json};

pub(super) fn schemas() -> Value {
    let obj = |props: Value| json!({"type": "object", "properties": props});
    let s = |t: &str| json!({"type": t});
    let list_of = |key: &str, item: &str| {
        obj(
            json!({key: {"type": "array", "items": {"$ref": format!("#/components/schemas/{item}")}}}),
        )
    };
    json!({
        "Error": obj(json!({"error": obj(json!({"code": s("string"), "message": s("string"), "details": s("object")}))})),
        "Any": {},
        "LibraryPage": obj(json!({"items": {"type": "array", "items": obj(json!({"entry_id": s("integer"), "title": s("string"), "unit_code": s("string"),
            "unit_name": s("string"), "topic_code": s("string"), "year": s("integer"), "tier": {"type": ["string", "null"]}}))},
            "total": s("integer"), "page": s("integer"), "per_page": s("integer")})),
        "LibraryMark": obj(json!({"public": s("boolean")})),
        "Forward": obj(json!({"entry_ids": {"type": "array", "items": s("integer")}})),
        "AdoptionInput": obj(json!({"adopted_on": s("string"), "scope": s("string"), "result": s("string"), "unit_code": s("string")})),
        "Awards": obj(json!({"awards": {"type": "array", "items": obj(json!({"entry_id": s("integer"), "tier": s("string"), "reason": s("string")}))},
            "flags": {"type": "array", "items": obj(json!({"kind": {"enum": ["tie_at_boundary", "over_quota"]}, "entry_ids": {"type": "array", "items": s("integer")}, "resolved": s("boolean")}))},
            "proposed": s("boolean"), "stale": s("boolean"),
            "review": {"type": ["object", "null"], "properties": {"status": {"enum": ["submitted", "returned"]}, "reason": s("string"), "by": s("string"), "at": s("string")}}})),
        "AwardsInput": obj(json!({"awards": {"type": "array", "items": obj(json!({"entry_id": s("integer"), "tier": {"type": ["string", "null"]}, "reason": s("string")}))}})),
        "ReturnInput": obj(json!({"reason": s("string")})),
        "Approval": obj(json!({"decision": obj(json!({"number": s("string"), "date": s("string"), "signer": s("string")}))})),
        "PublicResults": obj(json!({"contest": s("object"), "awards": {"type": "array", "items": obj(json!({"tier": s("string"), "entry_id": s("integer"), "title": s("string"),
            "unit_code": s("string"), "unit_name": s("string"), "authors": {"type": "array", "items": s("object")}, "score": s("number")}))}, "fingerprint": s("string")})),
        "Empty": {},
        "Ok": obj(json!({"ok": s("boolean")})),
        "Health": obj(json!({"status": s("string"), "database": s("string")})),
        "Login": obj(json!({"username": s("string"), "password": s("string")})),
        "LoginResult": obj(json!({"token": s("string"), "user": {"$ref": "#/components/schemas/User"}})),
        "Me": obj(json!({"user": {"$ref": "#/components/schemas/User"}})),
        "Settings": obj(json!({
            "parent_agency": s("string"), "agency": s("string"), "place": s("string"), "decision_code": s("string"),
            "signing_authority": s("string"), "signer_title": s("string"), "recipients": {"type": "array", "items": s("string")},
            "smtp": {"type": ["object", "null"], "properties": {"host": s("string"), "port": s("integer"),
                "security": {"enum": ["none", "starttls", "tls"]}, "username": s("string"), "from_address": s("string"), "from_name": s("string")}}
        })),
        "Unit": obj(json!({"code": s("string"), "name": s("string"), "kind": {"enum": ["department", "district", "commune", "other"]},
                           "parent_code": {"type": ["string", "null"]}, "active": s("boolean"), "email": {"type": ["string", "null"]}})),
        "UnitInput": obj(json!({"code": s("string"), "name": s("string"), "kind": s("string"), "parent_code": {"type": ["string", "null"]}, "email": {"type": ["string", "null"]}})),
        "UnitPatch": obj(json!({"name": s("string"), "kind": s("string"), "parent_code": {"type": ["string", "null"]}, "active": s("boolean"), "email": {"type": ["string", "null"]}})),
        "UnitList": list_of("units", "Unit"),
        "Upload": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}},
        "ImportResult": obj(json!({"created": s("integer"), "updated": s("integer"), "unchanged": s("integer")})),
        "UserImportResult": obj(json!({"created": s("integer"), "users": {"type": "array", "items": obj(json!({
            "username": s("string"), "full_name": s("string"), "initial_password": {"type": ["string", "null"]}}))}})),
        "User": obj(json!({"username": s("string"), "full_name": s("string"), "role": {"enum": ["admin", "organizer", "focal", "approver", "viewer"]},
                           "unit_code": s("string"), "email": {"type": ["string", "null"]}, "position": {"type": ["string", "null"]}, "active": s("boolean")})),
        "UserInput": obj(json!({"username": s("string"), "full_name": s("string"), "password": s("string"), "role": s("string"),
                                "unit_code": s("string"), "email": s("string"), "position": s("string")})),
        "UserPatch": obj(json!({"full_name": s("string"), "password": s("string"), "role": s("string"), "unit_code": s("string"),
                                "email": s("string"), "position": s("string"), "active": s("boolean")})),
        "UserList": list_of("users", "User"),
        "ContestInput": obj(json!({
            "title": s("string"), "year": s("integer"),
            "plan": obj(json!({"number": s("string"), "date": {"type": "string", "format": "date"}, "signer": s("string")})),
            "organizer_unit_code": s("string"), "description": s("string"),
            "participant_unit_codes": {"type": "array", "items": s("string")}, "min_entries_per_unit": s("integer"),
            "topics": {"type": "array", "items": obj(json!({"code": s("string"), "name": s("string"), "group": s("string")}))},
            "forms": {"type": "array", "items": {"enum": ["outline", "scheme", "project"]}},
            "opens_at": s("string"), "submission_deadline": s("string"), "evaluation_ends_at": {"type": ["string", "null"]},
            "criteria": {"type": "array", "items": obj(json!({"code": s("string"), "name": s("string"), "description": s("string"),
                "max_points": s("number"), "bands": {"type": "array", "items": obj(json!({"label": s("string"), "min": s("number"), "max": s("number")}))}}))},
            "tie_break": {"type": "array", "items": s("string")}, "aggregation": {"enum": ["mean", "trimmed_mean", "zscore"]},
            "award_min_score": s("number"),
            "prizes": {"type": "array", "items": obj(json!({"tier": {"enum": ["first", "second", "third", "consolation"]}, "count": s("integer"), "amount_vnd": s("integer")}))},
            "judges_see_unit_names": s("boolean"), "judges_see_other_scores": s("boolean"),
            "outlier_threshold_percent": s("integer"), "reminder_offsets_days": {"type": "array", "items": s("integer")},
            "budget_lines": {"type": "array", "items": obj(json!({"name": s("string"), "amount_vnd": s("integer")}))},
            "parent_contest_id": {"type": ["integer", "null"]},
            "example_settings": s("boolean")
        })),
        "Contest": {"allOf": [{"$ref": "#/components/schemas/ContestInput"}, obj(json!({
            "id": s("integer"), "state": {"enum": ["draft", "open", "closed", "judging", "deliberation", "approved", "published", "archived"]},
            "allowed_transitions": {"type": "array", "items": s("string")}, "rubric_total": s("number"), "prize_budget_vnd": s("integer"),
            "created_at": s("string"), "updated_at": s("string")}))]},
        "ContestSummary": obj(json!({"id": s("integer"), "title": s("string"), "year": s("integer"), "state": s("string"),
            "organizer_unit_code": s("string"), "opens_at": s("string"), "submission_deadline": s("string")})),
        "ContestList": list_of("contests", "ContestSummary"),
        "Transition": obj(json!({"to": s("string"), "reason": s("string")})),
        "EntryInput": obj(json!({
            "unit_code": s("string"), "title": s("string"), "topic_code": s("string"), "form": s("string"),
            "authors": {"type": "array", "items": obj(json!({"full_name": s("string"), "birth_date": s("string"), "workplace": s("string"),
                "position": s("string"), "qualification": s("string"), "contribution_percent": s("number")}))},
            "field_of_application": s("string"), "first_applied_on": s("string"), "implementation_status": {"enum": ["implemented", "in_progress", ""]},
            "description": obj(json!({"current_situation": s("string"), "solution": s("string"), "novelty": s("string"),
                "conditions": s("string"), "benefits": s("string"), "replication_scope": s("string")})),
            "trial_participants": {"type": "array", "items": obj(json!({"full_name": s("string"), "workplace": s("string"), "task": s("string")}))},
            "confidential": s("string")
        })),
        "Entry": {"allOf": [{"$ref": "#/components/schemas/EntryInput"}, obj(json!({
            "id": s("integer"), "contest_id": s("integer"), "unit_code": s("string"), "status": {"enum": ["draft", "submitted", "withdrawn"]},
            "version": s("integer"), "submitted_at": {"type": ["string", "null"]}, "eligible": {"type": ["boolean", "null"]},
            "attachments": {"type": "array", "items": {"$ref": "#/components/schemas/Attachment"}},
            "missing": {"type": "array", "items": s("object")}, "deadline": s("string")}))]},
        "EntryPage": obj(json!({"items": {"type": "array", "items": s("object")}, "page": s("integer"), "per_page": s("integer"), "total": s("integer")})),
        "Attachment": obj(json!({"id": s("integer"), "kind": s("string"), "filename": s("string"), "size": s("integer"), "sha256": s("string"), "content_type": s("string")})),
        "AttachmentList": list_of("attachments", "Attachment"),
        "AttachmentUpload": {"type": "object", "properties": {"kind": {"enum": ["main", "supporting"]}, "file": {"type": "string", "format": "binary"}}},
        "Versions": obj(json!({"entry_id": s("integer"), "versions": {"type": "array", "items": s("object")}})),
        "Similar": {"type": "array", "items": obj(json!({"entry_id": s("integer"), "title": s("string"), "unit_code": s("string"), "contest_id": s("integer"), "similarity": s("number")}))},
        "Screening": obj(json!({"eligible": s("boolean"), "reason": s("string")})),
        "Coverage": obj(json!({"contest_id": s("integer"), "min_entries_per_unit": s("integer"), "units": {"type": "array", "items": obj(json!({
            "unit_code": s("string"), "submitted": s("integer"), "drafts": s("integer"), "meets_minimum": s("boolean"), "reachable": s("boolean"), "last_reminded_at": {"type": ["string", "null"]}}))},
            "totals": s("object"), "below_minimum": {"type": "array", "items": s("string")}})),
        "Reminders": obj(json!({"messages": {"type": "array", "items": s("object")}, "units": {"type": "array", "items": s("string")}, "unreachable_units": {"type": "array", "items": s("string")}})),
        "ExtensionInput": obj(json!({"unit_code": s("string"), "until": s("string"), "reason": s("string")})),
        "Extensions": obj(json!({"extensions": {"type": "array", "items": s("object")}})),
        "MessagePage": obj(json!({"items": {"type": "array", "items": s("object")}, "page": s("integer"), "per_page": s("integer"), "total": s("integer")})),
        "Council": obj(json!({"decision": {"type": ["object", "null"], "properties": {"number": s("string"), "date": s("string")}},
            "members": {"type": "array", "items": obj(json!({"username": s("string"), "role": {"enum": ["chair", "vice_chair", "member", "secretary"]}}))}})),
        "ConflictInput": obj(json!({"username": s("string"), "entry_id": s("integer"), "reason": s("string")})),
        "Conflicts": obj(json!({"conflicts": {"type": "array", "items": obj(json!({"entry_id": s("integer"), "username": s("string"), "reason": s("string"), "kind": {"enum": ["automatic", "declared"]}}))}})),
        "AssignInput": obj(json!({"mode": {"enum": ["all", "balanced"]}, "per_entry": s("integer")})),
        "Assignments": obj(json!({"assignments": {"type": "array", "items": obj(json!({"entry_id": s("integer"), "username": s("string")}))}, "loads": s("object")})),
        "Ranking": obj(json!({"aggregation": s("string"), "ranking": {"type": "array", "items": obj(json!({
            "rank": s("integer"), "entry_id": s("integer"), "title": s("string"), "unit_code": s("string"), "score": s("number"),
            "judge_totals": {"type": "array", "items": s("object")}, "criterion_means": s("object"), "tied": s("boolean")}))}})),
        "SheetInput": obj(json!({"points": s("object"), "comments": s("object"), "comment": s("string")})),
        "Sheet": obj(json!({"state": {"enum": ["empty", "draft", "submitted"]}, "points": s("object"), "comments": s("object"), "comment": s("string"), "total": s("number")})),
        "UnlockInput": obj(json!({"reason": s("string")})),
        "AuditPage": obj(json!({"items": {"type": "array", "items": s("object")}, "page": s("integer"), "per_page": s("integer"), "total": s("integer")})),
    })
}
