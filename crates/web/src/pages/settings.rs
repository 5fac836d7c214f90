//! The administrator's settings page: the agency that issues the documents, the SMTP
//! server, and «Gửi thư thử», which reports the server's answer.

use askama::Template;
use axum::{
    Router,
    extract::{Query, State},
    response::Response,
    routing::{get, post},
};
use sangkien_app::{Error, mail, require, setting};
use sangkien_domain::{
    account::Role,
    agency::{Agency, SmtpSettings},
};

use super::{
    DoneQuery, Nav, PageUser, after,
    form::{FieldErrors, Posted},
    page,
};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings", get(show).post(save))
        .route("/settings/test-mail", post(test_mail))
}

/// The settings as the form holds them: lists one line each.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct SettingsForm {
    csrf: String,
    parent_agency: String,
    agency: String,
    place: String,
    decision_code: String,
    signing_authority: String,
    signer_title: String,
    recipients: String,
    legal_bases: String,
    smtp_host: String,
    smtp_port: String,
    smtp_security: String,
    smtp_username: String,
    smtp_from_address: String,
    smtp_from_name: String,
}

super::form::csrf_field!(SettingsForm);

impl SettingsForm {
    fn of(a: Agency) -> SettingsForm {
        let smtp = a.smtp.unwrap_or_default();
        SettingsForm {
            csrf: String::new(),
            parent_agency: a.parent_agency,
            agency: a.agency,
            place: a.place,
            decision_code: a.decision_code,
            signing_authority: a.signing_authority,
            signer_title: a.signer_title,
            recipients: a.recipients.join("\n"),
            legal_bases: a.legal_bases.join("\n"),
            smtp_port: smtp.port.to_string(),
            smtp_host: smtp.host,
            smtp_security: smtp.security,
            smtp_username: smtp.username,
            smtp_from_address: smtp.from_address,
            smtp_from_name: smtp.from_name,
        }
    }

    /// The settings typed, for `setting::replace` to check. A port that is not a number
    /// becomes 0, which the check refuses by name.
    fn agency(&self) -> Agency {
        let lines = |s: &str| {
            s.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect()
        };
        let smtp = (!self.smtp_host.trim().is_empty()).then(|| SmtpSettings {
            host: self.smtp_host.clone(),
            port: self.smtp_port.trim().parse().unwrap_or(0),
            security: self.smtp_security.clone(),
            username: self.smtp_username.clone(),
            from_address: self.smtp_from_address.clone(),
            from_name: self.smtp_from_name.clone(),
        });
        Agency {
            parent_agency: self.parent_agency.clone(),
            agency: self.agency.clone(),
            place: self.place.clone(),
            decision_code: self.decision_code.clone(),
            signing_authority: self.signing_authority.clone(),
            signer_title: self.signer_title.clone(),
            recipients: lines(&self.recipients),
            legal_bases: lines(&self.legal_bases),
            smtp,
        }
    }
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    nav: Option<Nav>,
    csrf: String,
    v: SettingsForm,
    errors: FieldErrors,
    done: Option<String>,
    /// The test mail's address, and what happened to it.
    test_to: String,
    test_error: Option<String>,
}

async fn view(
    state: &AppState,
    user: &PageUser,
    typed: Option<SettingsForm>,
    errors: FieldErrors,
) -> Result<SettingsPage, Error> {
    require(user.account(), &[Role::Admin])?;
    let v = match typed {
        Some(v) => v,
        None => SettingsForm::of(setting::get(state, user.account()).await?),
    };
    Ok(SettingsPage {
        nav: user.nav(),
        csrf: user.csrf(),
        v,
        errors,
        done: None,
        test_to: user.account().email.clone().unwrap_or_default(),
        test_error: None,
    })
}

async fn show(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<DoneQuery>,
) -> Response {
    let done = (q.done == "saved").then(|| "Đã lưu thiết lập.".to_string());
    page(
        view(&state, &user, None, FieldErrors::default())
            .await
            .map(|p| SettingsPage { done, ..p }),
    )
}

async fn save(
    State(state): State<AppState>,
    user: PageUser,
    Posted(f): Posted<SettingsForm>,
) -> Response {
    let result = setting::replace(&state, user.account(), f.agency())
        .await
        .map(|_| "/settings?done=saved".to_string());
    after(result, |e| async move {
        view(&state, &user, Some(f), FieldErrors::of(&e)).await
    })
    .await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct TestMailForm {
    csrf: String,
    to: String,
}

super::form::csrf_field!(TestMailForm);

/// The test mail changes nothing, so its answer is shown at once (no redirect).
async fn test_mail(
    State(state): State<AppState>,
    user: PageUser,
    Posted(f): Posted<TestMailForm>,
) -> Response {
    let sent = mail::send_test(&state, user.account(), &f.to).await;
    let view = match view(&state, &user, None, FieldErrors::default()).await {
        Ok(v) => v,
        Err(e) => return super::page_error(e),
    };
    match sent {
        Ok(answer) => super::render(&SettingsPage {
            done: Some(format!(
                "Máy chủ thư đã nhận thư thử gửi tới {}. Trả lời của máy chủ: {answer}",
                f.to.trim()
            )),
            test_to: f.to,
            ..view
        }),
        Err(e) => super::render_status(
            crate::error::status(e.kind),
            &SettingsPage {
                test_to: f.to,
                test_error: Some(e.message),
                ..view
            },
        ),
    }
}
