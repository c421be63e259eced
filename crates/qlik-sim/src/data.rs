//! The associative in-memory data model: tables of symbol-coded columns linked
//! by shared field names, selections that propagate through the links, Qlik's
//! value states, hypercubes and list objects.

mod app;
mod cube;
mod expr;
mod load;
mod objects;
mod sample;
mod selection;
mod support;

pub use app::{App, Cell, Field, Table};
pub use expr::{Expr, ExprError};
pub use load::load_app;
pub use objects::{
    Context, Expand, ObjectError, evaluate, format_number, hypercube_page, layout,
    list_object_page, pivot_cells, pivot_expand, pivot_page, select_in_object,
};
pub use sample::{DEFAULT_ROWS, sample_app};
pub use selection::{Associations, Selections, State};
pub use support::{SUPPORT_TICKETS, support_app};
