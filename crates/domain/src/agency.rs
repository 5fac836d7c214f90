//! The agency that issues the contest's documents (its names, place, signer, recipients,
//! the laws its decisions cite) and the SMTP server its mail goes through: one settings
//! document, validated here and read by the documents and the mailer.

use serde::{Deserialize, Serialize};

use crate::{ValidationErrors, text};

/// The agency that issues documents (SPEC §4).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Agency {
    pub parent_agency: String,
    pub agency: String,
    pub place: String,
    pub decision_code: String,
    pub signing_authority: String,
    pub signer_title: String,
    pub recipients: Vec<String>,
    /// The "Căn cứ …" lines of a decision before the contest plan (the laws in force).
    pub legal_bases: Vec<String>,
    /// Outgoing mail; without it messages stay in the outbox and the in-app inbox.
    pub smtp: Option<SmtpSettings>,
}

/// The SMTP server for e-mail. The password comes from `SANGKIEN_SMTP_PASSWORD`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    /// `none`, `starttls` or `tls`.
    pub security: String,
    pub username: String,
    pub from_address: String,
    pub from_name: String,
}

impl Default for SmtpSettings {
    fn default() -> Self {
        Self {
            host: String::new(),
            port: 587,
            security: "starttls".into(),
            username: String::new(),
            from_address: String::new(),
            from_name: "Ban Tổ chức cuộc thi sáng kiến".into(),
        }
    }
}

impl Default for Agency {
    fn default() -> Self {
        Self {
            parent_agency: String::new(),
            agency: "ỦY BAN NHÂN DÂN TỈNH CAO BẰNG".into(),
            place: "Cao Bằng".into(),
            decision_code: "QĐ-UBND".into(),
            signing_authority: "KT. CHỦ TỊCH".into(),
            signer_title: "PHÓ CHỦ TỊCH".into(),
            recipients: vec!["Như Điều 3;".into(), "Lưu: VT, NC.".into()],
            legal_bases: vec![
                "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015".into(),
                "Căn cứ Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019".into(),
                "Căn cứ Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003; Luật sửa đổi, bổ sung một số điều của Luật Thi đua, khen thưởng ngày 16 tháng 11 năm 2013".into(),
            ],
            smtp: None,
        }
    }
}

impl Agency {
    /// The settings with every text cleaned, or every field in error.
    pub fn validate(self) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let s = Agency {
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
            legal_bases: self
                .legal_bases
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    text::check(
                        &mut e,
                        &format!("legal_bases[{i}]"),
                        "Căn cứ ban hành",
                        r,
                        1,
                        1000,
                    )
                })
                .collect(),
            smtp: self.smtp.map(|m| SmtpSettings {
                host: text::check(&mut e, "smtp.host", "Máy chủ SMTP", &m.host, 1, 200),
                port: if m.port == 0 {
                    e.add("smtp.port", "Cổng SMTP phải từ 1 đến 65535.");
                    m.port
                } else {
                    m.port
                },
                security: if ["none", "starttls", "tls"].contains(&m.security.as_str()) {
                    m.security
                } else {
                    e.add(
                        "smtp.security",
                        "Bảo mật SMTP phải là none, starttls hoặc tls.",
                    );
                    m.security
                },
                username: text::check(
                    &mut e,
                    "smtp.username",
                    "Tên đăng nhập SMTP",
                    &m.username,
                    0,
                    200,
                ),
                from_address: {
                    let mut inner = ValidationErrors::new();
                    let a = crate::account::check_email(&mut inner, Some(&m.from_address));
                    if a.is_none() || !inner.is_empty() {
                        e.add(
                            "smtp.from_address",
                            "Địa chỉ gửi phải là một địa chỉ thư điện tử hợp lệ.",
                        );
                    }
                    a.unwrap_or_default()
                },
                from_name: text::check(
                    &mut e,
                    "smtp.from_name",
                    "Tên người gửi",
                    &m.from_name,
                    0,
                    200,
                ),
            }),
        };
        e.into_result(s)
    }
}
