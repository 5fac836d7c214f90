//! `GET /api/v1/openapi.json`: the OpenAPI 3.1 description of the endpoints that exist.
//! [`OPERATIONS`] is the list; a test checks that each one is routed.

use axum::Json;
use serde_json::{Map, Value, json};

/// One operation: method, path under `/api/v1`, summary, request schema, response
/// schema, whether it needs a Bearer token.
pub struct Operation {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    pub request: Option<&'static str>,
    pub response: &'static str,
    pub auth: bool,
}

const fn op(
    method: &'static str,
    path: &'static str,
    summary: &'static str,
    request: Option<&'static str>,
    response: &'static str,
    auth: bool,
) -> Operation {
    Operation {
        method,
        path,
        summary,
        request,
        response,
        auth,
    }
}

pub const OPERATIONS: &[Operation] = &[
    op(
        "post",
        "/auth/login",
        "Đăng nhập, nhận Bearer token",
        Some("Login"),
        "LoginResult",
        false,
    ),
    op(
        "post",
        "/auth/logout",
        "Đăng xuất (hủy token)",
        None,
        "Ok",
        true,
    ),
    op("get", "/me", "Người dùng hiện tại", None, "Me", true),
    op(
        "get",
        "/health",
        "Tình trạng hệ thống",
        None,
        "Health",
        false,
    ),
    op(
        "get",
        "/openapi.json",
        "Tài liệu OpenAPI này",
        None,
        "Any",
        false,
    ),
    op(
        "get",
        "/settings",
        "Thông tin cơ quan ban hành văn bản",
        None,
        "Settings",
        true,
    ),
    op(
        "put",
        "/settings",
        "Sửa thông tin cơ quan ban hành",
        Some("Settings"),
        "Settings",
        true,
    ),
    op("get", "/units", "Danh sách đơn vị", None, "UnitList", true),
    op(
        "post",
        "/units",
        "Thêm đơn vị",
        Some("UnitInput"),
        "Unit",
        true,
    ),
    op(
        "post",
        "/units/import",
        "Nhập đơn vị từ CSV/XLSX (multipart, trường file)",
        Some("Upload"),
        "ImportResult",
        true,
    ),
    op("get", "/units/{code}", "Xem đơn vị", None, "Unit", true),
    op(
        "patch",
        "/units/{code}",
        "Sửa, ngừng hoạt động đơn vị",
        Some("UnitPatch"),
        "Unit",
        true,
    ),
    op(
        "delete",
        "/units/{code}",
        "Xóa đơn vị chưa được sử dụng",
        None,
        "Empty",
        true,
    ),
    op(
        "get",
        "/users",
        "Danh sách người dùng",
        None,
        "UserList",
        true,
    ),
    op(
        "post",
        "/users",
        "Thêm người dùng",
        Some("UserInput"),
        "User",
        true,
    ),
    op(
        "patch",
        "/users/{username}",
        "Sửa người dùng, đổi mật khẩu, khóa tài khoản",
        Some("UserPatch"),
        "User",
        true,
    ),
    op(
        "get",
        "/contests",
        "Danh sách cuộc thi được xem",
        None,
        "ContestList",
        true,
    ),
    op(
        "post",
        "/contests",
        "Tạo cuộc thi",
        Some("ContestInput"),
        "Contest",
        true,
    ),
    op(
        "get",
        "/contests/{id}",
        "Xem cuộc thi",
        None,
        "Contest",
        true,
    ),
    op(
        "patch",
        "/contests/{id}",
        "Sửa thiết lập cuộc thi",
        Some("ContestInput"),
        "Contest",
        true,
    ),
    op(
        "post",
        "/contests/{id}/transition",
        "Chuyển trạng thái cuộc thi",
        Some("Transition"),
        "Contest",
        true,
    ),
    op(
        "get",
        "/contests/{id}/audit",
        "Nhật ký thay đổi của cuộc thi",
        None,
        "AuditPage",
        true,
    ),
    op(
        "get",
        "/contests/{id}/entries",
        "Danh sách sáng kiến (đầu mối: của đơn vị mình)",
        None,
        "EntryPage",
        true,
    ),
    op(
        "post",
        "/contests/{id}/entries",
        "Tạo bản nháp sáng kiến (hỗ trợ Idempotency-Key)",
        Some("EntryInput"),
        "Entry",
        true,
    ),
    op("get", "/entries/{id}", "Một sáng kiến", None, "Entry", true),
    op(
        "patch",
        "/entries/{id}",
        "Sửa sáng kiến (sau khi nộp: tạo phiên bản mới)",
        Some("EntryInput"),
        "Entry",
        true,
    ),
    op(
        "get",
        "/entries/{id}/attachments",
        "Tệp đính kèm hiện tại",
        None,
        "AttachmentList",
        true,
    ),
    op(
        "post",
        "/entries/{id}/attachments",
        "Tải lên tệp (multipart: kind=main|supporting, file; hỗ trợ Idempotency-Key)",
        Some("AttachmentUpload"),
        "Attachment",
        true,
    ),
    op(
        "get",
        "/entries/{id}/attachments/{aid}",
        "Tải xuống tệp đính kèm",
        None,
        "File",
        true,
    ),
    op(
        "delete",
        "/entries/{id}/attachments/{aid}",
        "Xóa tệp của bản nháp chưa nộp",
        None,
        "Empty",
        true,
    ),
    op(
        "post",
        "/entries/{id}/submit",
        "Nộp sáng kiến (hỗ trợ Idempotency-Key)",
        None,
        "Entry",
        true,
    ),
    op(
        "post",
        "/entries/{id}/withdraw",
        "Rút sáng kiến",
        None,
        "Entry",
        true,
    ),
    op(
        "get",
        "/entries/{id}/versions",
        "Các phiên bản đã nộp",
        None,
        "Versions",
        true,
    ),
    op(
        "get",
        "/entries/{id}/similar",
        "Kiểm tra trùng lặp",
        None,
        "Similar",
        true,
    ),
    op(
        "post",
        "/entries/{id}/screening",
        "Xét điều kiện (sơ loại)",
        Some("Screening"),
        "Entry",
        true,
    ),
    op(
        "get",
        "/contests/{id}/coverage",
        "Theo dõi nộp bài theo đơn vị",
        None,
        "Coverage",
        true,
    ),
    op(
        "post",
        "/contests/{id}/reminders",
        "Gửi nhắc các đơn vị chưa đạt tối thiểu",
        None,
        "Reminders",
        true,
    ),
    op(
        "get",
        "/contests/{id}/extensions",
        "Các gia hạn nộp bài",
        None,
        "Extensions",
        true,
    ),
    op(
        "post",
        "/contests/{id}/extensions",
        "Gia hạn nộp bài cho một đơn vị",
        Some("ExtensionInput"),
        "Extensions",
        true,
    ),
    op(
        "get",
        "/contests/{id}/outbox",
        "Hộp thư đi của cuộc thi",
        None,
        "MessagePage",
        true,
    ),
    op(
        "get",
        "/notifications",
        "Hộp thư của người dùng",
        None,
        "MessagePage",
        true,
    ),
    op(
        "put",
        "/contests/{id}/council",
        "Thành lập Hội đồng (quyết định và thành viên)",
        Some("Council"),
        "Council",
        true,
    ),
    op(
        "get",
        "/contests/{id}/council",
        "Hội đồng của cuộc thi",
        None,
        "Council",
        true,
    ),
    op(
        "post",
        "/contests/{id}/conflicts",
        "Khai báo xung đột lợi ích",
        Some("ConflictInput"),
        "Any",
        true,
    ),
    op(
        "get",
        "/contests/{id}/conflicts",
        "Xung đột lợi ích (tự động và khai báo)",
        None,
        "Conflicts",
        true,
    ),
    op(
        "post",
        "/contests/{id}/assignments",
        "Phân công chấm (all hoặc balanced)",
        Some("AssignInput"),
        "Assignments",
        true,
    ),
    op(
        "get",
        "/contests/{id}/assignments",
        "Phân công chấm hiện tại",
        None,
        "Assignments",
        true,
    ),
    op(
        "get",
        "/contests/{id}/my-assignments",
        "Sáng kiến được phân công cho tôi",
        None,
        "Any",
        true,
    ),
    op(
        "get",
        "/contests/{id}/ranking",
        "Xếp hạng",
        None,
        "Ranking",
        true,
    ),
    op(
        "get",
        "/contests/{id}/awards",
        "Danh sách giải đề xuất, cờ bằng điểm ở ranh giới, quyết định",
        None,
        "Awards",
        true,
    ),
    op(
        "put",
        "/contests/{id}/awards",
        "Điều chỉnh danh sách giải (mỗi thay đổi kèm lý do)",
        Some("AwardsInput"),
        "Awards",
        true,
    ),
    op(
        "post",
        "/contests/{id}/awards/propose",
        "Đề xuất giải theo thứ hạng",
        None,
        "Awards",
        true,
    ),
    op(
        "post",
        "/contests/{id}/awards/approve",
        "Phê duyệt khen thưởng (số, ngày, người ký quyết định)",
        Some("Approval"),
        "Contest",
        true,
    ),
    op(
        "get",
        "/contests/{id}/exports/{name}",
        "Tải văn bản, bảng tính: results.xlsx, coverage.xlsx, budget.xlsx, decision.docx, decision.pdf, memo.docx, score-sheets.pdf, certificates.pdf, entries.csv, audit.csv",
        None,
        "File",
        true,
    ),
    op(
        "get",
        "/public/library",
        "Tìm trong thư viện sáng kiến (q, topic, unit, year, tier, sort=title, page, per_page)",
        None,
        "LibraryPage",
        false,
    ),
    op(
        "get",
        "/public/library/{id}",
        "Một sáng kiến trong thư viện",
        None,
        "Any",
        false,
    ),
    op(
        "get",
        "/public/library/{id}/attachments/{aid}",
        "Tải tệp của sáng kiến trong thư viện",
        None,
        "File",
        false,
    ),
    op(
        "post",
        "/entries/{id}/library",
        "Đưa sáng kiến vào (hoặc rút khỏi) thư viện công khai",
        Some("LibraryMark"),
        "Any",
        true,
    ),
    op(
        "post",
        "/library/{id}/adoptions",
        "Ghi nhận đơn vị đã áp dụng sáng kiến (ngày, phạm vi, kết quả)",
        Some("AdoptionInput"),
        "Any",
        true,
    ),
    op(
        "get",
        "/library/{id}/adoptions",
        "Các đơn vị đã áp dụng sáng kiến",
        None,
        "Any",
        true,
    ),
    op(
        "get",
        "/library/reports/adoptions.xlsx",
        "Báo cáo nhân rộng theo sáng kiến và theo đơn vị (XLSX)",
        None,
        "File",
        true,
    ),
    op(
        "post",
        "/contests/{id}/forward",
        "Chuyển sáng kiến đạt giải của cuộc thi nội bộ lên cuộc thi cấp trên",
        Some("Forward"),
        "Any",
        true,
    ),
    op(
        "post",
        "/library/{id}/adoptions/{aid}/evidence",
        "Tải tệp minh chứng áp dụng (multipart, trường file)",
        Some("Upload"),
        "Any",
        true,
    ),
    op(
        "get",
        "/public/library/{id}/adoptions/{aid}/evidence",
        "Tải tệp minh chứng áp dụng",
        None,
        "File",
        false,
    ),
    op(
        "get",
        "/public/contests",
        "Các cuộc thi đã công bố kết quả",
        None,
        "Any",
        false,
    ),
    op(
        "get",
        "/public/contests/{id}/results",
        "Kết quả đã công bố, kèm dấu vân tay SHA-256",
        None,
        "PublicResults",
        false,
    ),
    op(
        "get",
        "/contests/{id}/progress",
        "Tiến độ chấm, chênh lệch, mức đồng thuận",
        None,
        "Any",
        true,
    ),
    op(
        "put",
        "/entries/{id}/scores/mine",
        "Lưu nháp phiếu chấm của tôi",
        Some("SheetInput"),
        "Sheet",
        true,
    ),
    op(
        "get",
        "/entries/{id}/scores/mine",
        "Phiếu chấm của tôi",
        None,
        "Sheet",
        true,
    ),
    op(
        "post",
        "/entries/{id}/scores/mine/submit",
        "Nộp phiếu chấm (khóa phiếu)",
        None,
        "Sheet",
        true,
    ),
    op(
        "get",
        "/entries/{id}/scores",
        "Phiếu chấm đã nộp của các thành viên (khi được phép xem)",
        None,
        "Any",
        true,
    ),
    op(
        "post",
        "/entries/{id}/scores/{username}/unlock",
        "Chủ tịch Hội đồng mở lại phiếu chấm",
        Some("UnlockInput"),
        "Any",
        true,
    ),
];

fn schemas() -> Value {
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
            "proposed": s("boolean"), "stale": s("boolean")})),
        "AwardsInput": obj(json!({"awards": {"type": "array", "items": obj(json!({"entry_id": s("integer"), "tier": {"type": ["string", "null"]}, "reason": s("string")}))}})),
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
                           "parent_code": {"type": ["string", "null"]}, "active": s("boolean")})),
        "UnitInput": obj(json!({"code": s("string"), "name": s("string"), "kind": s("string"), "parent_code": {"type": ["string", "null"]}})),
        "UnitPatch": obj(json!({"name": s("string"), "kind": s("string"), "parent_code": {"type": ["string", "null"]}, "active": s("boolean")})),
        "UnitList": list_of("units", "Unit"),
        "Upload": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}},
        "ImportResult": obj(json!({"created": s("integer"), "updated": s("integer"), "unchanged": s("integer")})),
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
            "unit_code": s("string"), "submitted": s("integer"), "drafts": s("integer"), "meets_minimum": s("boolean"), "last_reminded_at": {"type": ["string", "null"]}}))},
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

/// The document.
pub fn build() -> Value {
    let mut paths: Map<String, Value> = Map::new();
    for o in OPERATIONS {
        // Files (attachments, documents, spreadsheets) come in their own type.
        let success = if o.response == "File" {
            json!({"*/*": {"schema": {"type": "string", "format": "binary"}}})
        } else {
            json!({"application/json": {"schema": {"$ref": format!("#/components/schemas/{}", o.response)}}})
        };
        let mut operation = json!({
            "summary": o.summary,
            "responses": {
                "200": {"description": "Thành công", "content": success},
                "default": {"description": "Lỗi", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            }
        });
        if let Some(req) = o.request {
            let media = if req.ends_with("Upload") {
                "multipart/form-data"
            } else {
                "application/json"
            };
            operation["requestBody"] = json!({"required": true, "content": {media: {"schema": {"$ref": format!("#/components/schemas/{req}")}}}});
        }
        if o.auth {
            operation["security"] = json!([{"bearer": []}]);
        }
        let params: Vec<Value> = ["id", "aid", "code", "username", "name"]
            .iter()
            .filter(|p| o.path.contains(&format!("{{{p}}}")))
            .map(|p| {
                let schema = match *p {
                    "id" | "aid" => json!({"type": "integer"}),
                    "name" => json!({"enum": sangkien_app::export::EXPORTS.iter().map(|e| e.name()).collect::<Vec<_>>()}),
                    _ => json!({"type": "string"}),
                };
                json!({"name": p, "in": "path", "required": true, "schema": schema})
            })
            .collect();
        if !params.is_empty() {
            operation["parameters"] = Value::Array(params);
        }
        let entry = paths.entry(o.path.to_string()).or_insert_with(|| json!({}));
        entry[o.method] = operation;
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "sangkien API", "version": "1", "description": "API của hệ thống quản lý cuộc thi sáng kiến, giải pháp cải cách hành chính."},
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "schemas": schemas(),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}
        }
    })
}

pub async fn document() -> Json<Value> {
    Json(build())
}
