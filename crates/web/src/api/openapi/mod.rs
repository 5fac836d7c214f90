//! `GET /api/v1/openapi.json`: the OpenAPI 3.1 description of the endpoints that exist.
//! [`operations()`] is the list (`operations`); a test checks that each one is routed. The
//! shapes of bodies and answers are in `schemas`.

mod operations;
mod schemas;

pub use operations::operations;
use schemas::schemas;

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

pub(super) const fn op(
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

/// The document.
pub fn build() -> Value {
    let mut paths: Map<String, Value> = Map::new();
    for o in operations() {
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
