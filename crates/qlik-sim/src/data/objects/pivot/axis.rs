//! One axis of a pivot: a tree of nodes over the axis's levels, expanded as
//! the expansion state says, and its leaves (the data rows of the left axis,
//! the data columns of the top one).

use serde_json::{Value, json};

use super::super::sorting::compare_values;
use super::expansion::Side;
use super::shape::{Level, Shape};
use crate::data::app::App;

/// What a node shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// A value of the level's dimension (its symbol).
    Value(u32),
    /// The total of the level's dimension within the parent.
    Total,
    /// A filler under a collapsed node or a total, above the pseudo level.
    Empty,
    /// A measure of the pseudo dimension.
    Pseudo(usize),
}

/// A node of the tree.
#[derive(Debug, Clone)]
pub(super) struct Node {
    /// What it shows.
    pub kind: Kind,
    /// Its level (depth).
    pub level: usize,
    /// Its parent.
    pub parent: Option<usize>,
    /// Its children, in order.
    pub children: Vec<usize>,
    /// Its first leaf.
    pub first: usize,
    /// How many leaves it spans.
    pub leaves: usize,
    /// Collapsed, with a dimension below.
    pub can_expand: bool,
    /// Expanded, with a dimension below (never when always fully expanded).
    pub can_collapse: bool,
}

/// What a leaf stands for in the data.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct LeafContext {
    /// The dimensions it fixes, `(dimension, symbol)` in dimension order.
    pub fixed: Vec<(usize, u32)>,
    /// The measure it names (pseudo dimension).
    pub measure: Option<usize>,
    /// It is on a total.
    pub total: bool,
}

/// A built axis.
#[derive(Debug, Clone, Default)]
pub(super) struct Axis {
    /// The levels.
    pub levels: Vec<Level>,
    /// Every node.
    pub nodes: Vec<Node>,
    /// The outermost nodes.
    pub roots: Vec<usize>,
    /// The deepest node of each leaf (`None`: the one leaf of an axis
    /// without levels).
    pub leaves: Vec<Option<usize>>,
}

/// What the tree is built from.
pub(super) struct Source<'a> {
    /// The app (for sorting).
    pub app: &'a App,
    /// The pivot's definition.
    pub shape: &'a Shape,
    /// Every combination of the axis's dimensions (in level order) with data.
    pub combos: &'a [Vec<u32>],
    /// The axis's expansion.
    pub side: &'a Side,
    /// The top axis (totals go last there whatever `qShowTotalsAbove` says).
    pub top: bool,
}

impl Axis {
    /// Builds the tree of one axis.
    pub fn build(source: &Source<'_>) -> Self {
        let levels = source.shape.levels(source.top).to_vec();
        let mut axis = Axis {
            levels,
            ..Axis::default()
        };
        if axis.levels.is_empty() {
            axis.leaves.push(None);
            return axis;
        }
        let mut rows: Vec<usize> = (0..source.combos.len()).collect();
        let mut path = Vec::new();
        axis.roots = axis.grow(source, 0, &mut rows, &mut path, None);
        axis
    }

    /// The number of leaves.
    pub fn len(&self) -> usize {
        self.leaves.len()
    }

    fn open(&mut self, kind: Kind, level: usize, parent: Option<usize>) -> usize {
        self.nodes.push(Node {
            kind,
            level,
            parent,
            children: Vec::new(),
            first: self.leaves.len(),
            leaves: 0,
            can_expand: false,
            can_collapse: false,
        });
        self.nodes.len() - 1
    }

    fn close(&mut self, id: usize, children: Vec<usize>) {
        if children.is_empty() {
            self.leaves.push(Some(id));
        }
        let node = &mut self.nodes[id];
        node.leaves = self.leaves.len() - node.first;
        node.children = children;
    }

    /// The nodes of level `at` under `parent`, over the combinations `rows`.
    fn grow(
        &mut self,
        source: &Source<'_>,
        at: usize,
        rows: &mut [usize],
        path: &mut Vec<u32>,
        parent: Option<usize>,
    ) -> Vec<usize> {
        let Some(level) = self.levels.get(at).copied() else {
            return Vec::new();
        };
        let shape = source.shape;
        let deeper = self.levels[at + 1..]
            .iter()
            .any(|l| matches!(l, Level::Dim(_)));
        let Level::Dim(d) = level else {
            // No measures over dimensions without values.
            if deeper && rows.is_empty() {
                return Vec::new();
            }
            return (0..shape.measures.len())
                .map(|m| {
                    path.push(m as u32);
                    let id = self.open(Kind::Pseudo(m), at, parent);
                    let children = self.grow(source, at + 1, rows, path, Some(id));
                    self.close(id, children);
                    path.pop();
                    id
                })
                .collect();
        };
        // The position of this dimension within the combinations.
        let k = self.levels[..at]
            .iter()
            .filter(|l| matches!(l, Level::Dim(_)))
            .count();
        let field = shape.fields[d];
        let criteria = sort_criteria(&shape.dim_defs[d]);
        let combos = source.combos;
        rows.sort_by(|a, b| {
            compare_values(source.app, field, combos[*a][k], combos[*b][k], &criteria)
        });
        let above = shape.totals_above && !source.top;
        let mut ids = Vec::new();
        let total = |axis: &mut Axis| {
            let id = axis.open(Kind::Total, at, parent);
            let children = axis.filler(shape, at + 1, Some(id));
            axis.close(id, children);
            id
        };
        // A total only where there is something to total.
        let totalled = shape.totals[d].is_some() && !rows.is_empty();
        if totalled && above {
            ids.push(total(self));
        }
        let mut start = 0;
        while start < rows.len() {
            let symbol = combos[rows[start]][k];
            let end = rows[start..]
                .iter()
                .position(|r| combos[*r][k] != symbol)
                .map_or(rows.len(), |n| start + n);
            path.push(symbol);
            let expanded = !deeper || shape.fully_expanded || source.side.expanded(path);
            let id = self.open(Kind::Value(symbol), at, parent);
            let children = if expanded {
                self.grow(source, at + 1, &mut rows[start..end], path, Some(id))
            } else {
                self.filler(shape, at + 1, Some(id))
            };
            let node = &mut self.nodes[id];
            node.can_expand = deeper && !expanded;
            node.can_collapse = deeper && expanded && !shape.fully_expanded;
            self.close(id, children);
            path.pop();
            ids.push(id);
            start = end;
        }
        if totalled && !above {
            ids.push(total(self));
        }
        ids
    }

    /// Below a collapsed node or a total: empty cells down to the pseudo
    /// level, then one node per measure; nothing without a pseudo level.
    fn filler(&mut self, shape: &Shape, at: usize, parent: Option<usize>) -> Vec<usize> {
        if !self.levels[at.min(self.levels.len())..].contains(&Level::Pseudo) {
            return Vec::new();
        }
        if self.levels[at] == Level::Pseudo {
            return (0..shape.measures.len())
                .map(|m| {
                    let id = self.open(Kind::Pseudo(m), at, parent);
                    self.close(id, Vec::new());
                    id
                })
                .collect();
        }
        let id = self.open(Kind::Empty, at, parent);
        let children = self.filler(shape, at + 1, Some(id));
        self.close(id, children);
        vec![id]
    }

    /// The node of leaf `leaf` at level `level`, if the leaf reaches it.
    pub fn node_at(&self, leaf: usize, level: usize) -> Option<usize> {
        let mut at = (*self.leaves.get(leaf)?)?;
        loop {
            let node = &self.nodes[at];
            if node.level == level {
                return Some(at);
            }
            at = node.parent?;
        }
    }

    /// The path naming node `id` in the expansion state (`None` through a
    /// total or a filler).
    pub fn path(&self, id: usize) -> Option<Vec<u32>> {
        let mut path = Vec::new();
        let mut at = Some(id);
        while let Some(i) = at {
            let node = &self.nodes[i];
            path.push(match node.kind {
                Kind::Value(s) => s,
                Kind::Pseudo(m) => m as u32,
                Kind::Total | Kind::Empty => return None,
            });
            at = node.parent;
        }
        path.reverse();
        Some(path)
    }

    /// What leaf `leaf` stands for.
    pub fn context(&self, leaf: usize) -> LeafContext {
        let mut context = LeafContext::default();
        let mut at = self.leaves.get(leaf).copied().flatten();
        while let Some(i) = at {
            let node = &self.nodes[i];
            match (node.kind, self.levels[node.level]) {
                (Kind::Value(s), Level::Dim(d)) => context.fixed.push((d, s)),
                (Kind::Pseudo(m), _) => context.measure = Some(m),
                (Kind::Total, _) => context.total = true,
                _ => {}
            }
            at = node.parent;
        }
        context.fixed.reverse();
        context
    }

    /// The nodes among `ids` (siblings, in leaf order) with leaves in
    /// `from..to`.
    pub fn within(&self, ids: &[usize], from: usize, to: usize) -> std::ops::Range<usize> {
        let start = ids.partition_point(|i| {
            let n = &self.nodes[*i];
            n.first + n.leaves <= from
        });
        let end = ids.partition_point(|i| self.nodes[*i].first < to);
        start..end.max(start)
    }
}

/// A dimension's first sort criteria (numeric, then text, by default).
fn sort_criteria(def: &Value) -> Value {
    let criteria = &def["qDef"]["qSortCriterias"][0];
    if criteria.is_null() {
        json!({"qSortByNumeric": 1, "qSortByAscii": 1})
    } else {
        criteria.clone()
    }
}
