//! One module per page of the site.

pub mod home;
pub mod login;
pub mod not_found;
