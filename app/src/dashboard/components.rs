//! The dashboard's components. Each reads its slice of the shared
//! [`state::Dash`] and acts through the dashboard's server functions.

pub mod bookmarks;
pub mod downloads;
pub mod drawn;
pub mod kpi;
pub mod list_box;
pub mod live;
pub mod marks;
pub mod pivot;
pub mod selections;
pub mod state;
pub mod table;
