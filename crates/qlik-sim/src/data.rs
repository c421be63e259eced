//! The associative in-memory data model: tables of symbol-coded columns linked
//! by shared field names, selections that propagate through the links, Qlik's
//! value states, hypercubes and list objects.

mod app;
mod app_objects;
mod cube;
mod expr;
mod library;
mod load;
pub mod locale;
pub mod numfmt;
mod objects;
mod sample;
mod selection;
mod support;
mod synthetic;

pub use app::{App, Cell, Field, Table};
pub use app_objects::{AppObject, AppObjects};
pub use expr::{Expr, ExprError};
pub use library::{ItemKind, Library};
pub use load::{is_app_folder, load_app};
pub use locale::Locale;
pub use numfmt::NumFormat;
pub use objects::{
    Context, Expand, ObjectError, evaluate, hypercube_page, layout, list_object_page,
    measure_format, pivot_cells, pivot_expand, pivot_page, select_in_object,
};
pub(crate) use objects::{effective, meta};
pub use sample::{DEFAULT_ROWS, sample_app};
pub use selection::{Associations, Selections, State};
pub use support::{SUPPORT_TICKETS, support_app};
