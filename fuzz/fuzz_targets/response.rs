//! Arbitrary bytes decoded as each response body type the client decodes. Decoding must never
//! panic; a value that decodes must encode, decode again, and be equal to the first.
#![no_main]

use std::fmt::Debug;

use libfuzzer_sys::fuzz_target;
use modelarts_pools::models::{CreatePoolResponse, DeletePoolResponse, ModelArtsError};
use serde::Serialize;
use serde::de::DeserializeOwned;

fn round_trip<T: DeserializeOwned + Serialize + PartialEq + Debug>(data: &[u8]) {
    let Ok(first) = serde_json::from_slice::<T>(data) else {
        return;
    };
    let encoded = serde_json::to_vec(&first).expect("a decoded value encodes");
    let second: T = serde_json::from_slice(&encoded).unwrap_or_else(|e| {
        panic!(
            "{} re-encoded as {} does not decode: {e}",
            std::any::type_name::<T>(),
            String::from_utf8_lossy(&encoded)
        )
    });
    assert_eq!(
        first,
        second,
        "{} changed in a round trip through {}",
        std::any::type_name::<T>(),
        String::from_utf8_lossy(&encoded)
    );
}

fuzz_target!(|data: &[u8]| {
    round_trip::<DeletePoolResponse>(data);
    round_trip::<CreatePoolResponse>(data);
    round_trip::<ModelArtsError>(data);
});
