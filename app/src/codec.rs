//! The encoding of the server functions' answers and errors: JSON, as with
//! Leptos' own `Json`, but read in the browser with `serde_json::from_str`
//! (after a UTF-8 check), the reader Leptos uses for the resources embedded
//! in the page. One JSON reader means one copy of each view model's
//! deserialiser in the WASM instead of two (`from_slice` and `from_str`).

use leptos::server_fn::codec::Post;
use leptos::server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};
use serde::Serialize;
use serde::de::{DeserializeOwned, Error as _};

/// JSON in the body of the answer (or error), read as text.
pub struct JsonTextEncoding;

/// A `POST` whose answer is JSON read as text: `#[server(output = JsonText)]`.
pub type JsonText = Post<JsonTextEncoding>;

impl ContentType for JsonTextEncoding {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for JsonTextEncoding {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for JsonTextEncoding {
    type Error = serde_json::Error;

    fn encode(output: &T) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(output).map(Bytes::from)
    }
}

impl<T: DeserializeOwned> Decodes<T> for JsonTextEncoding {
    type Error = serde_json::Error;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        let text = std::str::from_utf8(&bytes).map_err(serde_json::Error::custom)?;
        serde_json::from_str(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_as_plain_json() {
        let bytes = <JsonTextEncoding as Encodes<Vec<u32>>>::encode(&vec![1, 2]).unwrap();
        assert_eq!(&bytes[..], b"[1,2]");
        let back: Vec<u32> = JsonTextEncoding::decode(bytes).unwrap();
        assert_eq!(back, vec![1, 2]);
        assert!(<JsonTextEncoding as Decodes<u32>>::decode(Bytes::from_static(b"\xff")).is_err());
    }
}
