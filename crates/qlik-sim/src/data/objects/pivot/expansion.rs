//! Which nodes of a pivot's axes are expanded, and its `qExpansionState`.
//!
//! A node is named by its path: the element number of each dimension value
//! from the outermost level down to it (the measure's index on a pseudo
//! level), so its level is the path's length less one. A level is either in
//! include mode (the listed nodes are expanded) or, after an "expand all", in
//! exclude mode (the listed nodes are collapsed).

use std::collections::BTreeSet;

use serde_json::{Value, json};

/// One axis's expansion.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Side {
    /// Levels in exclude mode.
    all: BTreeSet<usize>,
    /// Listed nodes, by path.
    listed: BTreeSet<Vec<u32>>,
}

impl Side {
    /// Is the node at `path` expanded?
    pub fn expanded(&self, path: &[u32]) -> bool {
        let level = path.len().saturating_sub(1);
        self.all.contains(&level) != self.listed.contains(path)
    }

    /// Expands (or collapses) the node at `path`; false when it already was.
    pub fn set(&mut self, path: &[u32], expand: bool) -> bool {
        if self.expanded(path) == expand {
            return false;
        }
        if !self.listed.remove(path) {
            self.listed.insert(path.to_vec());
        }
        true
    }

    /// Expands (or collapses) every node of `levels`; false when nothing changed.
    pub fn set_all(&mut self, levels: usize, expand: bool) -> bool {
        let next = Side {
            all: if expand {
                (0..levels).collect()
            } else {
                BTreeSet::new()
            },
            listed: BTreeSet::new(),
        };
        let changed = *self != next;
        *self = next;
        changed
    }
}

/// Both axes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Expansion {
    /// The left axis.
    pub left: Side,
    /// The top axis.
    pub top: Side,
}

impl Expansion {
    /// Reads `qExpansionState`. `level_of(name)` says on which axis (top:
    /// true) and level the dimension of that field sits.
    pub fn parse(state: &Value, level_of: impl Fn(&str) -> Option<(bool, usize)>) -> Self {
        let mut expansion = Expansion::default();
        for entry in state.as_array().into_iter().flatten() {
            let Some((top, level)) = entry["qPos"]["qDimName"].as_str().and_then(&level_of) else {
                continue;
            };
            let path: Vec<u32> = entry["qPos"]["qElemNo"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_u64)
                .filter_map(|n| u32::try_from(n).ok())
                .collect();
            let side = if top {
                &mut expansion.top
            } else {
                &mut expansion.left
            };
            let exclude = entry["qExcludeList"].as_bool().unwrap_or(false);
            if path.is_empty() && exclude {
                side.all.insert(level);
            } else if path.len() == level + 1 {
                side.listed.insert(path);
            }
        }
        expansion
    }

    /// Writes `qExpansionState`. `name_of(top, level)` names the field of
    /// that level's dimension.
    pub fn to_value(&self, name_of: impl Fn(bool, usize) -> Option<String>) -> Value {
        let mut entries = Vec::new();
        for (top, side) in [(false, &self.left), (true, &self.top)] {
            for level in &side.all {
                if let Some(name) = name_of(top, *level) {
                    entries.push(json!({"qExcludeList": true,
                        "qPos": {"qDimName": name, "qElemNo": [], "qElemValues": []}}));
                }
            }
            for path in &side.listed {
                let level = path.len() - 1;
                if let Some(name) = name_of(top, level) {
                    entries.push(json!({"qExcludeList": side.all.contains(&level),
                        "qPos": {"qDimName": name, "qElemNo": path, "qElemValues": []}}));
                }
            }
        }
        Value::Array(entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_expand_one_by_one_or_all_at_once_and_round_trip() {
        let mut side = Side::default();
        assert!(!side.expanded(&[3]));
        assert!(side.set(&[3], true));
        assert!(!side.set(&[3], true));
        assert!(side.expanded(&[3]) && !side.expanded(&[4]));
        assert!(side.set_all(2, true));
        assert!(side.expanded(&[4]) && side.expanded(&[4, 1]));
        assert!(side.set(&[4], false));
        assert!(!side.expanded(&[4]) && side.expanded(&[5]));

        let expansion = Expansion {
            left: side,
            top: Side::default(),
        };
        let names = ["Region", "Country"];
        let value = expansion.to_value(|top, level| (!top).then(|| names[level].to_owned()));
        let back = Expansion::parse(&value, |name| {
            names.iter().position(|n| *n == name).map(|l| (false, l))
        });
        assert_eq!(back, expansion);
    }
}
