//! Redaction of sensitive args fields (`tq enqueue --redact PATH`).
//!
//! A redacted field is replaced, in what the dead-letter queue keeps, by
//! `{"omitted":true,"length":N,"sha256":HEX}`: enough to recognise the value
//! again (replay checks a supplied value against the digest), nothing to
//! recover it from. For a string, N and the digest are of its UTF-8 bytes;
//! for any other JSON value, of its compact JSON text.

use serde_json::Value;
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

/// Text that stands in for a redacted value inside errors and output tails.
pub(crate) const SCRUBBED: &str = "[redacted]";

/// The bytes a value is measured and hashed by.
fn canonical_bytes(value: &Value) -> Vec<u8> {
    match value {
        Value::String(s) => s.as_bytes().to_vec(),
        other => other.to_string().into_bytes(),
    }
}

/// The descriptor that replaces `value` in a dead record.
pub(crate) fn descriptor(value: &Value) -> Value {
    let bytes = canonical_bytes(value);
    serde_json::json!({ "omitted": true, "length": bytes.len(), "sha256": sha256_hex(&bytes) })
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// True if `value` is a descriptor made by [`descriptor`].
pub(crate) fn is_descriptor(value: &Value) -> bool {
    value.get("omitted") == Some(&Value::Bool(true)) && value.get("sha256").is_some_and(Value::is_string)
}

/// Checks that every path is a JSON pointer naming a field present in `args`.
pub(crate) fn validate_paths(args: &RawValue, paths: &[String]) -> Result<(), String> {
    let value: Value = serde_json::from_str(args.get()).map_err(|e| e.to_string())?;
    for path in paths {
        if !path.starts_with('/') {
            return Err(format!(
                "invalid --redact {path:?}: expected a JSON pointer such as /password or /user/token"
            ));
        }
        if value.pointer(path).is_none() {
            return Err(format!("invalid --redact {path:?}: the args have no field there"));
        }
    }
    Ok(())
}

/// `args` with every field at `paths` replaced by its descriptor.
pub(crate) fn redact_args(args: &RawValue, paths: &[String]) -> Result<Box<RawValue>, String> {
    let mut value: Value = serde_json::from_str(args.get()).map_err(|e| e.to_string())?;
    for path in paths {
        if let Some(field) = value.pointer_mut(path) {
            *field = descriptor(field);
        }
    }
    RawValue::from_string(value.to_string()).map_err(|e| e.to_string())
}

/// The values at `paths` as they could appear in text (strings as they are,
/// other values as JSON), for scrubbing errors and output.
pub(crate) fn secrets(args: &RawValue, paths: &[String]) -> Vec<String> {
    let Ok(value) = serde_json::from_str::<Value>(args.get()) else {
        return Vec::new();
    };
    paths
        .iter()
        .filter_map(|p| value.pointer(p))
        .map(|v| String::from_utf8_lossy(&canonical_bytes(v)).into_owned())
        .filter(|s| s.len() >= 3)
        .collect()
}

/// `text` with every secret replaced by [`SCRUBBED`].
pub(crate) fn scrub(text: &str, secrets: &[String]) -> String {
    secrets
        .iter()
        .fold(text.to_string(), |acc, secret| acc.replace(secret.as_str(), SCRUBBED))
}

/// Checks full args supplied for a replay against the descriptors stored in
/// `stored` (the redacted args): each redacted field must be present and hash
/// to the stored digest. Returns the paths that do not match.
pub(crate) fn mismatches(stored: &Value, supplied: &Value, paths: &[String]) -> Vec<String> {
    paths
        .iter()
        .filter(|path| {
            let expected = stored
                .pointer(path)
                .and_then(|d| d.get("sha256"))
                .and_then(Value::as_str);
            let actual = supplied.pointer(path).map(|v| sha256_hex(&canonical_bytes(v)));
            expected.is_none() || actual.as_deref() != expected
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn raw(text: &str) -> Box<RawValue> {
        RawValue::from_string(text.to_string()).unwrap()
    }

    #[test]
    fn redacted_args_keep_length_and_digest_but_not_the_value() {
        let args = raw(r#"{"user":"ann","card":{"number":"4111111111111111"}}"#);
        let paths = vec!["/card/number".to_string()];
        let redacted = redact_args(&args, &paths).unwrap();
        assert!(!redacted.get().contains("4111111111111111"));
        let value: Value = serde_json::from_str(redacted.get()).unwrap();
        assert_eq!(value["user"], "ann");
        assert_eq!(value["card"]["number"]["length"], 16);
        assert!(is_descriptor(&value["card"]["number"]));
    }

    #[test]
    fn paths_must_name_existing_fields() {
        let args = raw(r#"{"a":1}"#);
        assert!(validate_paths(&args, &["/b".into()]).is_err());
        assert!(validate_paths(&args, &["a".into()]).is_err());
        assert!(validate_paths(&args, &["/a".into()]).is_ok());
    }

    proptest! {
        #[test]
        fn supplied_args_match_only_with_the_same_secret(secret in "[a-zA-Z0-9]{3,40}", other in "[a-zA-Z0-9]{3,40}") {
            let paths = vec!["/password".to_string()];
            let original = raw(&serde_json::json!({"user": "u", "password": secret}).to_string());
            let stored: Value = serde_json::from_str(redact_args(&original, &paths).unwrap().get()).unwrap();
            let good: Value = serde_json::from_str(original.get()).unwrap();
            prop_assert!(mismatches(&stored, &good, &paths).is_empty());
            let bad = serde_json::json!({"user": "u", "password": other});
            prop_assert_eq!(mismatches(&stored, &bad, &paths).is_empty(), secret == other);
        }

        #[test]
        fn scrub_removes_every_occurrence(secret in "[A-Z]{3,20}", prefix in "[ -~]{0,20}") {
            let text = format!("{prefix}{secret} and again {secret}");
            let clean = scrub(&text, std::slice::from_ref(&secret));
            prop_assert!(!clean.contains(&secret));
        }
    }
}
