//! Island props that only the server writes.
//!
//! Leptos serialises an island's props where the island is rendered, and
//! reads them back where it is hydrated. Here islands are rendered on the
//! server only (there is no client-side router), so the browser only ever
//! reads props. Wrapping a prop in [`FromServer`] keeps its serialiser (for
//! the dashboard view: every view model's `Serialize`) out of the WASM.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A prop written into the page by the server and read in the browser.
#[derive(Debug, Clone, PartialEq)]
pub struct FromServer<T>(pub T);

#[cfg(feature = "ssr")]
impl<T: Serialize> Serialize for FromServer<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

/// Outside the server an island is never rendered, only hydrated: there is
/// nothing to write, and saying so is an error rather than a second copy of
/// the serialiser.
#[cfg(not(feature = "ssr"))]
impl<T> Serialize for FromServer<T> {
    fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom(
            "island props are written on the server only",
        ))
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for FromServer<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(FromServer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_the_server_writes_as_the_bare_value() {
        let json = serde_json::to_string(&vec![1, 2]).unwrap();
        let prop: FromServer<Vec<u32>> = serde_json::from_str(&json).unwrap();
        assert_eq!(prop, FromServer(vec![1, 2]));
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn the_server_writes_the_bare_value() {
        assert_eq!(serde_json::to_string(&FromServer("a")).unwrap(), r#""a""#);
    }
}
