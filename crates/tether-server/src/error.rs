//! One error type for the HTTP layer. Every failure becomes an RFC 9457 problem document
//! (`application/problem+json`) with a `detail` a person can act on; internal errors are
//! logged with their cause and shown only as a generic sentence.
//!
//! Every problem document also carries a stable `code` (API.md): the variant's own
//! ([`ApiError::code`]), or a more precise one given where the error is made
//! ([`ApiError::with_code`]). UIs map codes to their own language and fall back to `detail`.
//! The codes are listed in docs/api.md; `tests/it/i18n.rs` checks the UI's catalogs cover them.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use tether_domain::invalid::{FieldError, Invalid, InvalidValue, describe_errors};
use tether_domain::roles::RoleRuleError;
use tether_store::{StorageFailure, StoreError};

/// Every way a request can fail.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    /// 409, with optional extra members for the problem document (`offer`, …).
    #[error("{detail}")]
    Conflict {
        detail: String,
        extra: Map<String, Value>,
    },
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 422 with the fields at fault.
    #[error("{detail}")]
    Unprocessable {
        detail: String,
        errors: Vec<FieldError>,
    },
    #[error("{detail}")]
    TooManyRequests {
        detail: String,
        retry_after_secs: u64,
    },
    /// 503 with `Retry-After`: nothing was stored; the same request may succeed later.
    #[error("{0}")]
    Unavailable(String),
    /// 507 with `Retry-After`: the server's storage is full; nothing was stored.
    #[error("{0}")]
    StorageFull(String),
    /// 503 with `Retry-After`: a bounded resource (password hashing) stayed busy.
    #[error("{detail}")]
    Busy {
        detail: String,
        retry_after_secs: u64,
    },
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
    /// Any of the above with a more precise `code` than its variant's.
    #[error("{error}")]
    Coded {
        code: &'static str,
        error: Box<ApiError>,
    },
}

impl ApiError {
    pub fn conflict(detail: impl Into<String>) -> Self {
        ApiError::Conflict {
            detail: detail.into(),
            extra: Map::new(),
        }
    }

    /// 422 for invalid fields; the detail names every field.
    pub fn fields(errors: Vec<FieldError>) -> Self {
        ApiError::Unprocessable {
            detail: describe_errors(&errors),
            errors,
        }
    }

    /// A failure of the files the server writes (attachments): a full disk is 507, another I/O
    /// error 503 — nothing was stored either way — and anything else is internal.
    pub fn from_io_failure(what: &str, e: &(dyn std::error::Error + 'static)) -> Self {
        let mut cause = Some(e);
        while let Some(c) = cause {
            if let Some(io) = c.downcast_ref::<std::io::Error>() {
                tracing::error!(error = %e, "{what}");
                let full = matches!(io.raw_os_error(), Some(28 | 122))
                    || io.kind() == std::io::ErrorKind::StorageFull;
                return if full {
                    ApiError::StorageFull(
                        "the server's storage is full, so nothing was stored; retry once space has been freed, or tell your administrator".into(),
                    )
                } else {
                    ApiError::Unavailable(
                        "the server could not write the file, so nothing was stored; retry shortly"
                            .into(),
                    )
                };
            }
            cause = c.source();
        }
        ApiError::Internal(anyhow::anyhow!("{what}: {e}"))
    }

    /// 422 for one invalid value, with the code that says why.
    pub fn invalid(field: &str, code: Invalid, message: impl Into<String>) -> Self {
        ApiError::fields(vec![FieldError::new(field, code, message)])
    }

    /// 422 for one value a domain parser refused.
    pub fn refused(field: &str, e: impl Into<InvalidValue>) -> Self {
        ApiError::fields(vec![e.into().at(field)])
    }

    /// The same error, its problem document carrying `code` (for example
    /// `auth.bad_credentials`) in place of the variant's general one.
    pub fn with_code(self, code: &'static str) -> Self {
        let error = match self {
            ApiError::Coded { error, .. } => error,
            other => Box::new(other),
        };
        ApiError::Coded { code, error }
    }

    /// The error itself, without a code given by [`ApiError::with_code`].
    pub fn inner(&self) -> &ApiError {
        match self {
            ApiError::Coded { error, .. } => error.inner(),
            other => other,
        }
    }

    /// The problem document's stable `code`.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Coded { code, .. } => code,
            ApiError::BadRequest(_) => "request.malformed",
            ApiError::Unauthorized(_) => "auth.required",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound(_) => "not_found",
            ApiError::Conflict { .. } => "conflict",
            ApiError::PayloadTooLarge(_) => "too_large",
            ApiError::UnsupportedMediaType(_) => "request.media_type",
            ApiError::Unprocessable { errors, .. } if errors.is_empty() => "validation",
            ApiError::Unprocessable { .. } => "validation.field",
            ApiError::TooManyRequests { .. } => "rate_limited",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::StorageFull(_) => "storage.full",
            ApiError::Busy { .. } => "busy",
            ApiError::Internal(_) => "internal",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Coded { error, .. } => error.status(),
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::StorageFull(_) => StatusCode::INSUFFICIENT_STORAGE,
            ApiError::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// The `code` of a problem document made without a more precise one (middleware answers).
pub fn status_code(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "request.malformed",
        401 => "auth.required",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        409 => "conflict",
        413 => "too_large",
        414 => "request.uri_too_long",
        415 => "request.media_type",
        422 => "validation",
        429 => "rate_limited",
        431 => "request.headers_too_large",
        503 => "unavailable",
        507 => "storage.full",
        500..=599 => "internal",
        _ => "error",
    }
}

/// Builds a problem+json response. Its `code` is [`status_code`] unless `extra` names one.
pub fn problem(status: StatusCode, detail: &str, extra: Map<String, Value>) -> Response {
    let mut body = Map::new();
    body.insert("type".into(), json!("about:blank"));
    body.insert(
        "title".into(),
        json!(status.canonical_reason().unwrap_or("Error")),
    );
    body.insert("status".into(), json!(status.as_u16()));
    body.insert("detail".into(), json!(detail));
    body.insert("code".into(), json!(status_code(status)));
    body.extend(extra);
    let mut res = (status, Value::Object(body).to_string()).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    res
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let code = self.code();
        self.respond(code)
    }
}

impl ApiError {
    /// The problem document of this error, carrying `code`.
    fn respond(self, code: &'static str) -> Response {
        let status = self.status();
        let with_code = |mut extra: Map<String, Value>| {
            extra.insert("code".into(), json!(code));
            extra
        };
        match self {
            ApiError::Coded { error, .. } => error.respond(code),
            ApiError::Internal(e) => {
                tracing::error!(error = ?e, "internal error");
                problem(
                    status,
                    "something went wrong on our side; it has been logged, please try again",
                    with_code(Map::new()),
                )
            }
            ApiError::Conflict { detail, extra } => {
                // A conflict made with its own `code` member keeps it.
                let mut extra = extra;
                extra.entry("code").or_insert_with(|| json!(code));
                problem(status, &detail, extra)
            }
            ApiError::Unprocessable { detail, errors } => {
                let mut extra = with_code(Map::new());
                extra.insert("errors".into(), json!(errors));
                problem(status, &detail, extra)
            }
            ApiError::TooManyRequests {
                detail,
                retry_after_secs,
            }
            | ApiError::Busy {
                detail,
                retry_after_secs,
            } => {
                let mut res = problem(status, &detail, with_code(Map::new()));
                if let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                    res.headers_mut().insert(header::RETRY_AFTER, v);
                }
                res
            }
            ApiError::Unavailable(detail) => retry_after(
                problem(status, &detail, with_code(Map::new())),
                RETRY_UNAVAILABLE,
            ),
            ApiError::StorageFull(detail) => {
                retry_after(problem(status, &detail, with_code(Map::new())), RETRY_FULL)
            }
            other => problem(status, &other.to_string(), with_code(Map::new())),
        }
    }
}

/// Seconds a client waits before retrying after a 503: long enough for a database restart or
/// a lost connection to come back.
const RETRY_UNAVAILABLE: u64 = 5;
/// After a 507: freeing disk space takes an operator.
const RETRY_FULL: u64 = 30;

fn retry_after(mut res: Response, secs: u64) -> Response {
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    res
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => ApiError::NotFound(format!("{what} not found")),
            StoreError::Conflict(m) => ApiError::conflict(m),
            StoreError::Invalid(m) => ApiError::Unprocessable {
                detail: m,
                errors: Vec::new(),
            },
            StoreError::Refused(rule) => match rule {
                RoleRuleError::LastAdmin => {
                    ApiError::conflict(rule.to_string()).with_code("user.last_admin")
                }
                RoleRuleError::AdminByKey => {
                    ApiError::Forbidden(rule.to_string()).with_code("user.admin_by_key")
                }
            },
            e => match e.storage_failure() {
                // A write answered 5xx was not stored: a retry with the same Idempotency-Key
                // stores it at most once (API.md).
                Some(StorageFailure::Full) => {
                    tracing::error!(error = %e, "storage full");
                    ApiError::StorageFull(
                        "the server's storage is full, so nothing was stored; retry the same request (with the same Idempotency-Key) once space has been freed, or tell your administrator".into(),
                    )
                }
                Some(StorageFailure::Unavailable) => {
                    tracing::error!(error = %e, "database unavailable");
                    ApiError::Unavailable(
                        "the database is unavailable, so nothing was stored; retry the same request shortly".into(),
                    )
                }
                None => ApiError::Internal(anyhow::Error::new(e)),
            },
        }
    }
}

/// A template that failed to render (a value's `Display` failed): a bug, shown as 500.
impl From<askama::Error> for ApiError {
    fn from(e: askama::Error) -> Self {
        ApiError::Internal(anyhow::Error::new(e).context("rendering a template"))
    }
}

/// Result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;
