//! E-mail delivery over SMTP with lettre, configured in the system settings
//! (`smtp`: host, port, security, username, from). The password is never stored: it
//! comes from the `SANGKIEN_SMTP_PASSWORD` environment variable.

use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, header::ContentType},
    transport::smtp::authentication::Credentials,
};
use sangkien_storage::{StorageError, Store, message::MessageRecord, setting};

use sangkien_domain::agency::{Agency, SmtpSettings};

pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// The SMTP sender when the settings name a server.
pub async fn configured(store: &Store) -> Result<Option<Smtp>, StorageError> {
    let mut conn = store.reader().await?;
    let settings: Agency = setting::get(&mut conn)
        .await?
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default();
    let Some(s) = settings.smtp.filter(|s| !s.host.is_empty()) else {
        return Ok(None);
    };
    match build(&s) {
        Ok(smtp) => Ok(Some(smtp)),
        Err(e) => {
            tracing::warn!(error = %e, "SMTP settings unusable; messages stay in the outbox");
            Ok(None)
        }
    }
}

fn build(s: &SmtpSettings) -> Result<Smtp, String> {
    let builder = match s.security.as_str() {
        "tls" => AsyncSmtpTransport::<Tokio1Executor>::relay(&s.host).map_err(|e| e.to_string())?,
        "starttls" => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&s.host)
            .map_err(|e| e.to_string())?,
        _ => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host),
    };
    let mut builder = builder
        .port(s.port)
        .timeout(Some(std::time::Duration::from_secs(20)));
    if !s.username.is_empty() {
        let password = std::env::var("SANGKIEN_SMTP_PASSWORD").unwrap_or_default();
        builder = builder.credentials(Credentials::new(s.username.clone(), password));
    }
    let from: Mailbox = format!("{} <{}>", s.from_name, s.from_address)
        .parse()
        .map_err(|e: lettre::address::AddressError| e.to_string())?;
    Ok(Smtp {
        transport: builder.build(),
        from,
    })
}

impl Smtp {
    /// Sends one message; the error text is kept in the outbox.
    pub async fn send(&self, m: &MessageRecord) -> Result<(), String> {
        let to = m.email.as_deref().unwrap_or_default();
        self.send_to(&m.full_name, to, &m.subject, &m.body)
            .await
            .map(|_| ())
    }

    /// Sends a plain-text mail; returns the server's answer.
    async fn send_to(
        &self,
        name: &str,
        address: &str,
        subject: &str,
        body: &str,
    ) -> Result<String, String> {
        let to: Mailbox =
            format!("{name} <{address}>")
                .parse()
                .map_err(|e: lettre::address::AddressError| {
                    format!("địa chỉ nhận không hợp lệ: {e}")
                })?;
        let email = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_string())
            .map_err(|e| e.to_string())?;
        self.transport
            .send(email)
            .await
            .map(|r| r.message().collect::<Vec<_>>().join(" "))
            .map_err(|e| e.to_string())
    }
}

/// «Gửi thư thử»: an administrator sends a test mail through the configured server to
/// `address`, and reads the server's answer (or why it failed).
pub async fn send_test(
    app: &crate::App,
    admin: &sangkien_storage::account::Account,
    address: &str,
) -> crate::Result<String> {
    crate::require(admin, &[sangkien_domain::account::Role::Admin])?;
    let address = address.trim();
    if address.is_empty() {
        return Err(crate::Error::field(
            "to",
            "Nhập địa chỉ thư điện tử để nhận thư thử.",
        ));
    }
    let Some(smtp) = configured(&app.store).await? else {
        return Err(crate::Error::conflict(
            "smtp_not_configured",
            "Chưa cấu hình máy chủ thư (SMTP), hoặc cấu hình chưa dùng được: hãy điền và lưu phần «Máy chủ thư» trước.",
        ));
    };
    smtp.send_to(
        &admin.full_name,
        address,
        "Thư thử từ hệ thống sáng kiến cải cách hành chính",
        "Đây là thư thử. Nếu nhận được thư này, hệ thống đã gửi được thư điện tử.",
    )
    .await
    .map_err(|e| {
        crate::Error::new(
            crate::ErrorKind::Conflict,
            "smtp_failed",
            format!("Máy chủ thư không nhận thư: {e}"),
        )
    })
}
