//! A socket's handles: numbers the client uses for the objects it opened.

use std::collections::HashMap;

/// What a socket-local handle refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Handle {
    /// The open app.
    Doc(String),
    /// A generic object (session or master), by id.
    Object(String),
    /// A field, by index.
    Field(usize),
    /// A bookmark, by id.
    Bookmark(String),
    /// A library dimension, by id.
    Dimension(String),
    /// A library measure, by id.
    Measure(String),
    /// A variable, by id.
    Variable(String),
}

/// One socket's handles.
#[derive(Debug, Default)]
pub(crate) struct Handles {
    by_number: HashMap<i64, Handle>,
    next: i64,
}

impl Handles {
    /// The handle number for `target`, allocating one if needed.
    pub(super) fn acquire(&mut self, target: Handle) -> i64 {
        if let Some((number, _)) = self.by_number.iter().find(|(_, h)| **h == target) {
            return *number;
        }
        self.next += 1;
        self.by_number.insert(self.next, target);
        self.next
    }

    pub(super) fn get(&self, number: i64) -> Option<&Handle> {
        self.by_number.get(&number)
    }

    pub(super) fn release(&mut self, target: &Handle) -> Option<i64> {
        let number = *self.by_number.iter().find(|(_, h)| *h == target)?.0;
        self.by_number.remove(&number);
        Some(number)
    }

    /// Every generic-object and variable handle (all change when
    /// selections change).
    pub fn objects(&self) -> Vec<i64> {
        let mut handles: Vec<i64> = self
            .by_number
            .iter()
            .filter(|(_, h)| matches!(h, Handle::Object(_) | Handle::Variable(_)))
            .map(|(n, _)| *n)
            .collect();
        handles.sort_unstable();
        handles
    }

    /// Every generic-object handle with its object id, in handle order.
    pub(super) fn objects_with_ids(&self) -> Vec<(i64, String)> {
        let mut handles: Vec<(i64, String)> = self
            .by_number
            .iter()
            .filter_map(|(n, h)| match h {
                Handle::Object(id) => Some((*n, id.clone())),
                _ => None,
            })
            .collect();
        handles.sort_unstable();
        handles
    }
}
