//! Sending one e-mail over SMTP with `lettre`: the server's settings (host, port, TLS mode,
//! credentials, sender), checked when the server starts, and the transport built from them.
//! A connection per e-mail (digests are few), every SMTP command and the whole exchange timed
//! out; TLS with rustls on the `ring` provider and the system's root certificates, plus those of
//! a CA file for a server whose certificate a private authority signed. The password never
//! appears in logs or `Debug` output.

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

/// How the connection to the SMTP server is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain text (a relay on the same host or network only).
    None,
    /// Plain connection upgraded with STARTTLS, which is required (port 587 by default).
    StartTls,
    /// TLS from the first byte ("SMTPS", port 465 by default).
    Tls,
}

impl SmtpTls {
    /// The port used when none is given.
    pub fn default_port(self) -> u16 {
        match self {
            SmtpTls::None => 25,
            SmtpTls::StartTls => 587,
            SmtpTls::Tls => 465,
        }
    }
}

impl FromStr for SmtpTls {
    type Err = String;
    fn from_str(s: &str) -> Result<SmtpTls, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "none" => Ok(SmtpTls::None),
            "starttls" => Ok(SmtpTls::StartTls),
            "tls" => Ok(SmtpTls::Tls),
            other => Err(format!(
                "\"{other}\" is not a TLS mode; use none, starttls or tls"
            )),
        }
    }
}

/// The SMTP password: kept out of every `Debug` and log line.
#[derive(Clone)]
pub struct SmtpPassword(String);

impl SmtpPassword {
    pub fn new(password: impl Into<String>) -> SmtpPassword {
        SmtpPassword(password.into())
    }
}

impl fmt::Debug for SmtpPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SmtpPassword(<hidden>)")
    }
}

/// Where and how e-mail is sent.
#[derive(Clone, Debug)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    /// Both or neither: authentication is used only with both.
    pub username: Option<String>,
    pub password: Option<SmtpPassword>,
    /// The sender, e.g. `Tether <tether@example.com>`.
    pub from: Mailbox,
    /// Longest wait for the connection and for each SMTP command.
    pub timeout: Duration,
    /// PEM certificates of authorities trusted besides the system's (a private CA that signed
    /// the SMTP server's certificate).
    pub ca_file: Option<PathBuf>,
}

impl Smtp {
    /// Settings for `host` in TLS mode `tls` (its default port) sending as `from` (checked).
    pub fn new(host: &str, tls: SmtpTls, from: &str) -> Result<Smtp, String> {
        let host = host.trim();
        if host.is_empty() {
            return Err("the SMTP host is empty".into());
        }
        Ok(Smtp {
            host: host.to_owned(),
            port: tls.default_port(),
            tls,
            username: None,
            password: None,
            from: parse_from(from)?,
            timeout: Duration::from_secs(30),
            ca_file: None,
        })
    }

    /// TLS trusting the system's roots and the CA file's certificates; `None` without a file.
    fn tls_with_ca_file(&self) -> Result<Option<TlsParameters>, String> {
        let Some(path) = &self.ca_file else {
            return Ok(None);
        };
        let pem = std::fs::read(path)
            .map_err(|e| format!("the SMTP CA file {} cannot be read: {e}", path.display()))?;
        let none = || {
            format!(
                "the SMTP CA file {} holds no PEM certificate",
                path.display()
            )
        };
        if !pem.windows(27).any(|w| w == b"-----BEGIN CERTIFICATE-----") {
            return Err(none());
        }
        let cert = Certificate::from_pem(&pem).map_err(|e| format!("{}: {e}", none()))?;
        TlsParameters::builder(self.host.clone())
            .add_root_certificate(cert)
            .build_rustls()
            .map(Some)
            .map_err(|e| format!("TLS to {} cannot be set up: {e}", self.host))
    }

    /// The transport these settings describe; an error when TLS cannot be set up for the host.
    pub fn transport(&self) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
        let plain = || AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&self.host);
        let builder = match (self.tls, self.tls_with_ca_file()?) {
            (SmtpTls::None, _) => plain(),
            (SmtpTls::StartTls, Some(tls)) => plain().tls(Tls::Required(tls)),
            (SmtpTls::Tls, Some(tls)) => plain().tls(Tls::Wrapper(tls)),
            (SmtpTls::StartTls, None) => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&self.host)
                    .map_err(|e| format!("STARTTLS to {} cannot be set up: {e}", self.host))?
            }
            (SmtpTls::Tls, None) => AsyncSmtpTransport::<Tokio1Executor>::relay(&self.host)
                .map_err(|e| format!("TLS to {} cannot be set up: {e}", self.host))?,
        };
        let mut builder = builder.port(self.port).timeout(Some(self.timeout));
        if let (Some(user), Some(password)) = (&self.username, &self.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.0.clone()));
        }
        Ok(builder.build())
    }
}

/// A sender address as `Name <address>` or a bare address.
pub fn parse_from(from: &str) -> Result<Mailbox, String> {
    from.trim()
        .parse::<Mailbox>()
        .map_err(|e| format!("\"{from}\" is not an e-mail sender address: {e}"))
}

/// One e-mail, ready to send.
pub struct Mail {
    pub to_name: String,
    pub to_address: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Sends `mail`; an error says why (it is kept with the person's retry state).
pub async fn send(
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    smtp: &Smtp,
    mail: Mail,
) -> Result<(), SendError> {
    let to = mail
        .to_address
        .parse()
        .map(|address| Mailbox::new(Some(mail.to_name.clone()), address))
        .map_err(|e| SendError::Address(format!("\"{}\": {e}", mail.to_address)))?;
    // Marked as sent by a machine (RFC 3834), so vacation responders do not answer it.
    let auto = HeaderValue::new(
        HeaderName::new_from_ascii_str("Auto-Submitted"),
        "auto-generated".to_owned(),
    );
    let message = Message::builder()
        .from(smtp.from.clone())
        .to(to)
        .message_id(None)
        .raw_header(auto)
        .subject(mail.subject)
        .multipart(MultiPart::alternative_plain_html(mail.text, mail.html))
        .map_err(|e| SendError::Address(e.to_string()))?;
    // Each command has `timeout`; the whole exchange a few of them.
    match tokio::time::timeout(smtp.timeout * 4, transport.send(message)).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(SendError::Smtp(e.to_string())),
        Err(_) => Err(SendError::Smtp("the SMTP server took too long".into())),
    }
}

/// Why an e-mail was not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// The recipient's address cannot be used: retrying will not help.
    Address(String),
    /// The SMTP server could not be reached or refused the e-mail: tried again later.
    Smtp(String),
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendError::Address(e) => write!(f, "the address cannot be used: {e}"),
            SendError::Smtp(e) => write!(f, "{e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn i19_smtp_settings_parse_and_never_show_the_password() {
        assert_eq!("STARTTLS".parse::<SmtpTls>(), Ok(SmtpTls::StartTls));
        assert!("ssl".parse::<SmtpTls>().is_err());
        let mut smtp = Smtp::new("mail.example.com", SmtpTls::Tls, "Tether <t@example.com>")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(smtp.port, 465);
        smtp.username = Some("tether".into());
        smtp.password = Some(SmtpPassword::new("hunter2-secret"));
        let shown = format!("{smtp:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("<hidden>"));
        assert!(Smtp::new("", SmtpTls::None, "t@example.com").is_err());
        assert!(Smtp::new("localhost", SmtpTls::None, "not an address").is_err());
        assert!(smtp.transport().is_ok());
    }
}
