//! The dashboard: its definition (from the server configuration), the view
//! models its components render, and (server side) how Qlik layouts become
//! those view models.

pub mod api;
pub mod config;
#[cfg(feature = "ssr")]
pub mod mapping;
pub mod view_model;
