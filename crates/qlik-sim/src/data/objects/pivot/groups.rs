//! The measures of a pivot, aggregated per group: every cell of a pivot is
//! its measure's aggregation over the rows of one combination of some of the
//! dimensions (the ones its row and column fix), so totals and collapsed rows
//! are the aggregation over their group, not a sum of the rows shown.

use std::collections::HashMap;

use super::super::Context;
use crate::data::cube;
use crate::data::expr::Expr;

/// A measure's value in a group.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Value {
    /// No associated row has this combination of values.
    Missing,
    /// The aggregation (`None`: null).
    Of(Option<f64>),
}

/// Combination of symbols → the measures' values there.
pub(super) type Grouped = HashMap<Vec<u32>, Vec<Option<f64>>>;

/// Groups by dimension set, computed when first asked for.
pub(super) struct Groups<'a> {
    ctx: &'a Context<'a>,
    /// The field of each dimension.
    fields: &'a [usize],
    /// The measures that can be computed.
    valid: Vec<Expr>,
    /// Per measure: its index in `valid`.
    index: Vec<Option<usize>>,
    /// Dimension set → combination of symbols → values of `valid`.
    cache: HashMap<Vec<usize>, Grouped>,
    /// A group's join passed the limit: it was not computed.
    pub too_large: bool,
}

impl<'a> Groups<'a> {
    /// Groups for these dimensions (fields) and measures.
    pub fn new(
        ctx: &'a Context<'a>,
        fields: &'a [usize],
        measures: &[Result<Expr, String>],
    ) -> Self {
        let mut valid = Vec::new();
        let index = measures
            .iter()
            .map(|m| {
                m.as_ref().ok().map(|e| {
                    valid.push(e.clone());
                    valid.len() - 1
                })
            })
            .collect();
        Self {
            ctx,
            fields,
            valid,
            index,
            cache: HashMap::new(),
            too_large: false,
        }
    }

    /// Every combination of `dims` (dimension indices, ascending) with data,
    /// and the measures' values there.
    pub fn of(&mut self, dims: &[usize]) -> &Grouped {
        if !self.cache.contains_key(dims) {
            let fields: Vec<usize> = dims.iter().map(|d| self.fields[*d]).collect();
            let computed = cube::compute(self.ctx.app, self.ctx.associations, &fields, &self.valid);
            self.too_large |= computed.too_large;
            let grouped = if dims.is_empty() {
                HashMap::from([(Vec::new(), computed.totals)])
            } else {
                computed
                    .rows
                    .into_iter()
                    .map(|r| (r.dims, r.values))
                    .collect()
            };
            self.cache.insert(dims.to_vec(), grouped);
        }
        &self.cache[dims]
    }

    /// Measure `m` over the group `fixed` (`(dimension, symbol)`, ascending).
    pub fn value(&mut self, fixed: &[(usize, u32)], m: usize) -> Value {
        let dims: Vec<usize> = fixed.iter().map(|(d, _)| *d).collect();
        let key: Vec<u32> = fixed.iter().map(|(_, s)| *s).collect();
        let index = self.index.get(m).copied().flatten();
        match self.of(&dims).get(&key) {
            None => Value::Missing,
            Some(values) => Value::Of(index.and_then(|i| values[i])),
        }
    }

    /// Every measure's value over `fixed` (`None`: null or not computable).
    pub fn values(&mut self, fixed: &[(usize, u32)]) -> Vec<Option<f64>> {
        (0..self.index.len())
            .map(|m| match self.value(fixed, m) {
                Value::Of(v) => v,
                Value::Missing => None,
            })
            .collect()
    }
}
