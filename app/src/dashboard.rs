//! The dashboard: its definition (from the server configuration), the view
//! models its components render, and (server side) how Qlik layouts become
//! those view models.

pub mod api;
pub mod components;
pub mod config;
pub mod geometry;
#[cfg(feature = "ssr")]
pub mod mapping;
pub mod object_id;
pub mod view_model;
