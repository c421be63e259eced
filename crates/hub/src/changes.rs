//! Which dashboard objects the engine has changed and nobody has announced
//! yet, and the one event per change that the tabs hear.

use std::collections::BTreeSet;

/// Objects whose layouts changed: the dashboard fetches them again. One
/// `Change` is sent per selection (or per burst of outside changes), after
/// the new layouts are in the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Ids of the changed dashboard objects.
    pub objects: Vec<String>,
}

/// Objects the engine listed as changed since they were last announced.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Dirty {
    /// Every object (a change list was lost, or the socket was replaced).
    all: bool,
    ids: BTreeSet<String>,
}

impl Dirty {
    /// Every object changed.
    pub(crate) fn everything() -> Self {
        Self {
            all: true,
            ids: BTreeSet::new(),
        }
    }

    /// Records that `id` changed.
    pub(crate) fn add(&mut self, id: &str) {
        if !self.all {
            self.ids.insert(id.to_owned());
        }
    }

    /// Adds everything `other` holds.
    pub(crate) fn merge(&mut self, other: Dirty) {
        if other.all {
            *self = Self::everything();
        } else if !self.all {
            self.ids.extend(other.ids);
        }
    }

    /// Nothing changed.
    pub(crate) fn is_empty(&self) -> bool {
        !self.all && self.ids.is_empty()
    }

    /// True when `id` is among the changed objects.
    pub(crate) fn contains(&self, id: &str) -> bool {
        self.all || self.ids.contains(id)
    }

    /// The changed objects among `known`, in `known`'s order.
    pub(crate) fn among(&self, known: &[String]) -> Vec<String> {
        known
            .iter()
            .filter(|id| self.contains(id))
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_ids_until_everything_changes() {
        let known: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        let mut dirty = Dirty::default();
        assert!(dirty.is_empty());
        dirty.add("c");
        dirty.add("a");
        dirty.add("a");
        assert_eq!(dirty.among(&known), ["a", "c"]);
        let mut more = Dirty::default();
        more.add("b");
        dirty.merge(more);
        assert_eq!(dirty.among(&known), known);
        dirty.merge(Dirty::everything());
        dirty.add("x");
        assert!(dirty.contains("anything"));
        assert_eq!(dirty.among(&known), known);
    }
}
