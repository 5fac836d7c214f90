//! `GET/PUT /settings`: the issuing agency used on official documents.

use axum::{Json, Router, extract::State, routing::get};
use sangkien_domain::{ValidationErrors, account::Role, text};
use sangkien_storage::{Store, audit::Actor, setting};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{AppState, auth::ApiUser, error::ApiResult, extract::ApiJson};

pub fn router() -> Router<AppState> {
    Router::new().route("/settings", get(show).put(replace))
}

/// The agency that issues documents (SPEC §4).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AgencySettings {
    pub parent_agency: String,
    pub agency: String,
    pub place: String,
    pub decision_code: String,
    pub signing_authority: String,
    pub signer_title: String,
    pub recipients: Vec<String>,
}

impl Default for AgencySettings {
    fn default() -> Self {
        Self {
            parent_agency: String::new(),
            agency: "ỦY BAN NHÂN DÂN TỈNH CAO BẰNG".into(),
            place: "Cao Bằng".into(),
            decision_code: "QĐ-UBND".into(),
            signing_authority: "KT. CHỦ TỊCH".into(),
            signer_title: "PHÓ CHỦ TỊCH".into(),
            recipients: vec!["Như Điều 3;".into(), "Lưu: VT, NC.".into()],
        }
    }
}

impl AgencySettings {
    fn validate(self) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let s = AgencySettings {
            parent_agency: text::check(
                &mut e,
                "parent_agency",
                "Cơ quan chủ quản",
                &self.parent_agency,
                0,
                200,
            ),
            agency: text::check(
                &mut e,
                "agency",
                "Tên cơ quan ban hành",
                &self.agency,
                1,
                200,
            ),
            place: text::check(&mut e, "place", "Địa danh", &self.place, 1, 100),
            decision_code: text::check(
                &mut e,
                "decision_code",
                "Ký hiệu quyết định",
                &self.decision_code,
                1,
                30,
            ),
            signing_authority: text::check(
                &mut e,
                "signing_authority",
                "Quyền hạn ký",
                &self.signing_authority,
                0,
                100,
            ),
            signer_title: text::check(
                &mut e,
                "signer_title",
                "Chức vụ người ký",
                &self.signer_title,
                1,
                100,
            ),
            recipients: self
                .recipients
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    text::check(&mut e, &format!("recipients[{i}]"), "Nơi nhận", r, 1, 300)
                })
                .collect(),
        };
        e.into_result(s)
    }
}

async fn show(State(state): State<AppState>, user: ApiUser) -> ApiResult<Json<Value>> {
    user.require(&[Role::Admin, Role::Organizer])?;
    let mut conn = state.store.reader().await?;
    let stored = setting::get(&mut conn).await?;
    let current: AgencySettings = stored
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default();
    Ok(Json(serde_json::to_value(current).unwrap_or_default()))
}

async fn replace(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(body): ApiJson<AgencySettings>,
) -> ApiResult<Json<Value>> {
    let admin = user.require(&[Role::Admin])?;
    let valid = body.validate()?;
    let value = serde_json::to_value(&valid).unwrap_or_default();
    let mut tx = state.store.begin().await?;
    setting::put(&mut tx, &Actor::user(&admin.username, state.now()), &value).await?;
    Store::commit(tx).await?;
    Ok(Json(value))
}
