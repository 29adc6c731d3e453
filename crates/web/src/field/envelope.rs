//! The OpenRosa response envelope and headers.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use tabara_core::fieldforms::escape;

/// The header every OpenRosa response carries.
pub(crate) const VERSION_HEADER: &str = "x-openrosa-version";

/// How large a submission post may be (announced by `X-OpenRosa-Accept-Content-Length`;
/// Collect splits larger ones over several posts).
pub(crate) const ACCEPT_CONTENT_LENGTH: usize = 10 * 1024 * 1024;

/// An XML document answered with the OpenRosa headers.
pub(crate) fn xml(status: StatusCode, body: String) -> Response {
    let mut r = (status, body).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/xml; charset=utf-8"),
    );
    h.insert(VERSION_HEADER, HeaderValue::from_static("1.0"));
    r
}

/// `<OpenRosaResponse>` with one message of `nature`.
pub(crate) fn message(status: StatusCode, nature: &str, text: &str) -> Response {
    xml(
        status,
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><OpenRosaResponse xmlns=\"http://openrosa.org/http/response\"><message nature=\"{}\">{}</message></OpenRosaResponse>",
            escape(nature),
            escape(text)
        ),
    )
}

/// An error in the envelope.
pub(crate) fn error(status: StatusCode, text: &str) -> Response {
    message(status, "error", text)
}
