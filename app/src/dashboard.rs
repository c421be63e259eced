//! The dashboard: its pages and their definitions (from the server
//! configuration), the view models its components render, and (server side)
//! how Qlik layouts become those view models and downloads.

pub mod api;
pub mod components;
pub mod config;
#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod mapping;
pub mod object_id;
pub mod pages;
pub mod pivot_def;
pub mod pivot_view;
pub mod sheet;
pub mod stale;
pub mod view_model;
