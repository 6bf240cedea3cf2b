//! Reading an answer: the body within its size limit, and a 2xx body decoded as the operation's
//! type, saying where it went wrong when it does not fit.

use std::time::Duration;

use bytes::Bytes;
use http::header::{self, HeaderValue};
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use super::failure::failure_error;
use crate::error::{
    DecodeError, Error, TransportError, TransportErrorKind, json_path, truncate_chars,
};
use crate::transport::Incoming;

/// Reads the body, refusing to hold more than `limit` bytes.
pub(super) async fn read_body(
    response: &mut Incoming,
    limit: usize,
    timeout: Duration,
    operation: &'static str,
    status: StatusCode,
    request_id: &Option<String>,
) -> Result<Bytes, Error> {
    let too_large = |what: String| {
        let mut e = TransportError::new(TransportErrorKind::BodyTooLarge, operation, what);
        e.status = Some(status);
        e.request_id = request_id.clone();
        Error::Transport(Box::new(e))
    };
    let declared = response.content_length();
    if let Some(len) = declared.filter(|&len| len > limit as u64) {
        return Err(too_large(format!(
            "Content-Length {len} exceeds the limit of {limit} bytes"
        )));
    }
    let capacity = declared
        .and_then(|l| usize::try_from(l).ok())
        .unwrap_or(0)
        .min(limit);
    // A body that comes in one piece is kept as it came; more pieces are copied together.
    let mut first: Option<Bytes> = None;
    let mut body: Vec<u8> = Vec::new();
    loop {
        match response.chunk(timeout).await {
            Ok(Some(chunk)) => {
                let held = first.as_ref().map_or(0, Bytes::len) + body.len();
                if chunk.len() > limit.saturating_sub(held) {
                    return Err(too_large(format!(
                        "the body is larger than the limit of {limit} bytes"
                    )));
                }
                match first.take() {
                    None if body.is_empty() => first = Some(chunk),
                    earlier => {
                        if let Some(earlier) = earlier {
                            body.reserve(capacity.max(earlier.len() + chunk.len()));
                            body.extend_from_slice(&earlier);
                        }
                        body.extend_from_slice(&chunk);
                    }
                }
            }
            Ok(None) => {
                return Ok(match first {
                    Some(only) => only,
                    None => Bytes::from(body),
                });
            }
            Err(e) => {
                let mut error = failure_error(operation, e, Some(status), request_id.clone());
                // The head had come: a body that fails other than by a timeout was cut short.
                if let Error::Transport(t) = &mut error
                    && t.kind == TransportErrorKind::Other
                {
                    t.kind = TransportErrorKind::Interrupted;
                }
                return Err(error);
            }
        }
    }
}

fn is_json_content_type(value: &HeaderValue) -> bool {
    let bytes = value.as_bytes();
    let mime = bytes
        .split(|&b| b == b';')
        .next()
        .unwrap_or_default()
        .trim_ascii();
    if mime.eq_ignore_ascii_case(b"application/json") {
        return true;
    }
    match mime.iter().position(|&b| b == b'/') {
        Some(slash) => {
            let (kind, sub) = (&mime[..slash], &mime[slash + 1..]);
            !kind.is_empty()
                && sub.len() >= 5
                && sub[sub.len() - 5..].eq_ignore_ascii_case(b"+json")
        }
        None => false,
    }
}

/// The error of a success whose body was never handed to its decoder (which cannot happen: the
/// client returns a success only after decoding it).
pub(super) fn not_decoded(
    operation: &'static str,
    status: StatusCode,
    request_id: Option<String>,
) -> DecodeError {
    DecodeError {
        operation,
        status,
        request_id,
        path: None,
        message: "the answer was not decoded".to_owned(),
        line: None,
        column: None,
        snippet: String::new(),
    }
}

/// Decodes a 2xx body as `T`.
pub(super) fn decode<T: DeserializeOwned>(
    operation: &'static str,
    status: StatusCode,
    headers: &HeaderMap,
    request_id: &Option<String>,
    body: &[u8],
) -> Result<T, Box<DecodeError>> {
    let error = |path: Option<String>, message: String, line, column| {
        Box::new(DecodeError {
            operation,
            status,
            request_id: request_id.clone(),
            path,
            message,
            line,
            column,
            snippet: truncate_chars(&String::from_utf8_lossy(body), 200),
        })
    };
    // Operations without a response body use `()`: whatever came is ignored.
    if std::any::type_name::<T>() == "()" {
        return T::deserialize(serde_json::Value::Null)
            .map_err(|e| error(None, e.to_string(), None, None));
    }
    // A 204 No Content without a body is `None` where the body is an `Option`, and a decode
    // error for any type that cannot be absent.
    if status == StatusCode::NO_CONTENT && body.iter().all(u8::is_ascii_whitespace) {
        return T::deserialize(serde_json::Value::Null).map_err(|_| {
            error(
                None,
                "the answer has no body, and this operation's answer needs one".to_owned(),
                None,
                None,
            )
        });
    }
    let not_json = headers
        .get(header::CONTENT_TYPE)
        .filter(|content_type| !is_json_content_type(content_type));
    if let Some(content_type) = not_json {
        return Err(error(
            None,
            format!(
                "expected a JSON answer but the Content-Type is {:?}",
                String::from_utf8_lossy(content_type.as_bytes())
            ),
            None,
            None,
        ));
    }
    // The common case decodes at full speed; only a body that fails is decoded a second time,
    // tracking the path, to say where it went wrong.
    if let Ok(value) = serde_json::from_slice::<T>(body) {
        return Ok(value);
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value: T = match serde_path_to_error::deserialize(&mut deserializer) {
        Ok(value) => value,
        Err(e) => {
            let path = json_path(e.path());
            let inner = e.into_inner();
            let (line, column) = (inner.line(), inner.column());
            return Err(error(
                Some(path),
                inner.to_string(),
                Some(line),
                Some(column),
            ));
        }
    };
    if let Err(e) = deserializer.end() {
        return Err(error(None, e.to_string(), Some(e.line()), Some(e.column())));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_content_types() {
        for ok in [
            "application/json",
            "application/json;charset=UTF-8",
            "Application/JSON; charset=utf-8",
            "application/problem+json",
        ] {
            assert!(is_json_content_type(&HeaderValue::from_static(ok)), "{ok}");
        }
        for bad in ["text/html", "text/plain", "application/jsonx", "json"] {
            assert!(
                !is_json_content_type(&HeaderValue::from_static(bad)),
                "{bad}"
            );
        }
    }

    #[test]
    fn decode_rules() {
        let h = HeaderMap::new();
        let ok = StatusCode::OK;
        let d = |body: &[u8]| decode::<serde_json::Value>("Op", ok, &h, &None, body);
        assert!(d(b"").is_err());
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(d(deep.as_bytes()).is_err());
        let e = d(b"{\"a\":\"\xff\"}").unwrap_err();
        assert!(!e.message.is_empty());
        let e = d(b"{} trailing").unwrap_err();
        assert!(e.message.contains("trailing"), "{}", e.message);
        decode::<()>("Op", ok, &h, &None, b"{\"anything\":1}").unwrap();
        decode::<()>("Op", ok, &h, &None, b"").unwrap();
        let e = decode::<Option<u8>>("Op", ok, &h, &None, b" ").unwrap_err();
        assert!(e.message.contains("EOF"), "{}", e.message);
        // A 204 without a body: `None` for an optional body, an error for a required one.
        let none = StatusCode::NO_CONTENT;
        assert_eq!(
            decode::<Option<u8>>("Op", none, &h, &None, b"").unwrap(),
            None
        );
        assert_eq!(
            decode::<Option<u8>>("Op", none, &h, &None, b"7").unwrap(),
            Some(7)
        );
        let e = decode::<u8>("Op", none, &h, &None, b"").unwrap_err();
        assert!(e.message.contains("no body"), "{}", e.message);

        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Item {
            count: u32,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct List {
            items: Vec<Item>,
        }
        let e = decode::<List>(
            "ListPools",
            ok,
            &h,
            &Some("rid".into()),
            br#"{"items":[{"count":1},{"count":"x"}]}"#,
        )
        .unwrap_err();
        assert_eq!(e.path.as_deref(), Some("$.items[1].count"));
        assert_eq!(e.request_id.as_deref(), Some("rid"));
        assert!(e.to_string().contains("$.items[1].count"), "{e}");

        let mut html = HeaderMap::new();
        html.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
        let e = decode::<List>("Op", ok, &html, &None, b"<html>login</html>").unwrap_err();
        assert!(e.message.contains("text/html"), "{}", e.message);
        assert_eq!(e.snippet, "<html>login</html>");
    }
}
