//! The associative in-memory data model: tables of symbol-coded columns linked
//! by shared field names, selections that propagate through the links, Qlik's
//! value states, hypercubes and list objects.

mod app;
mod app_objects;
mod cube;
mod expr;
mod library;
mod load;
mod locale;
mod objects;
mod sample;
mod selection;
mod support;

pub use app::{App, Cell, Field, Table};
pub use app_objects::{AppObject, AppObjects};
pub use expr::{Expr, ExprError};
pub use library::{ItemKind, Library};
pub use load::{is_app_folder, load_app};
pub use locale::Locale;
pub use objects::{
    Context, ObjectError, evaluate, format_number, hypercube_page, layout, list_object_page,
    select_in_object,
};
pub(crate) use objects::{effective, meta};
pub use sample::{DEFAULT_ROWS, sample_app};
pub use selection::{Associations, Selections, State};
pub use support::{SUPPORT_TICKETS, support_app};
