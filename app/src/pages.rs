//! One module per page of the site.

pub mod dashboard;
pub mod login;
pub mod not_found;
