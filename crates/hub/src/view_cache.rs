//! Values derived from a session's cached layouts — a page's whole view
//! model, say — kept until the layouts change, so a refresh reuses the view
//! instead of cloning and parsing every layout again.
//!
//! The owner bumps a generation whenever a cached layout is dropped (the
//! engine changed it, or the socket was replaced). A view built from the
//! layouts of generation `g` stays right while the generation is `g`:
//!
//! Views are kept by type and name (two pages on one app each have their
//! own view of the same type):
//!
//! ```
//! # use std::sync::Arc;
//! let views = hub::ViewCache::default();
//! let generation = 7; // read before building
//! let view = views.get::<String>("home", generation).unwrap_or_else(|| {
//!     let built = Arc::new(String::from("built from the layouts"));
//!     // Kept only if no change came while building (the generation read
//!     // again afterwards is still 7).
//!     views.put("home", generation, 7, built.clone());
//!     built
//! });
//! assert!(Arc::ptr_eq(&view, &views.get::<String>("home", 7).unwrap()));
//! assert!(views.get::<String>("home", 8).is_none(), "a newer generation misses");
//! assert!(views.get::<String>("other", 7).is_none(), "another name misses");
//! ```

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

type Shared = Arc<dyn Any + Send + Sync>;

/// One value per type and name, each tagged with the layout generation it
/// was built from. Cheap to read: a lock, a map lookup and an `Arc` clone.
#[derive(Default)]
pub struct ViewCache {
    views: Mutex<HashMap<(TypeId, String), (u64, Shared)>>,
}

impl std::fmt::Debug for ViewCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ViewCache").finish_non_exhaustive()
    }
}

impl ViewCache {
    /// The `T` named `name` built from the layouts of `generation`, if there
    /// is one.
    pub fn get<T: Any + Send + Sync>(&self, name: &str, generation: u64) -> Option<Arc<T>> {
        let views = self.views.lock().unwrap_or_else(|p| p.into_inner());
        let (built, view) = views.get(&(TypeId::of::<T>(), name.to_owned()))?;
        if *built != generation {
            return None;
        }
        view.clone().downcast::<T>().ok()
    }

    /// Keeps `view`, built from the layouts of `started` (the generation
    /// read before building), if the generation was still `started` when
    /// the building ended (`ended`): a change in between would leave a view
    /// mixing old and new layouts. An older view never replaces a newer one.
    pub fn put<T: Any + Send + Sync>(&self, name: &str, started: u64, ended: u64, view: Arc<T>) {
        if started != ended {
            return;
        }
        let key = (TypeId::of::<T>(), name.to_owned());
        let mut views = self.views.lock().unwrap_or_else(|p| p.into_inner());
        match views.get(&key) {
            Some((held, _)) if *held > started => {}
            _ => {
                views.insert(key, (started, view));
            }
        }
    }

    /// Forgets every view (logout, a replaced socket).
    pub fn clear(&self) {
        self.views.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_lives_for_its_generation() {
        let cache = ViewCache::default();
        assert!(cache.get::<u32>("a", 1).is_none());
        cache.put("a", 1, 1, Arc::new(10_u32));
        assert_eq!(cache.get::<u32>("a", 1).as_deref(), Some(&10));
        assert!(cache.get::<u32>("a", 2).is_none());
        assert!(cache.get::<String>("a", 1).is_none(), "one slot per type");
        assert!(cache.get::<u32>("b", 1).is_none(), "and per name");
        cache.put("a", 2, 2, Arc::new(20_u32));
        assert_eq!(cache.get::<u32>("a", 2).as_deref(), Some(&20));
        cache.clear();
        assert!(cache.get::<u32>("a", 2).is_none());
    }

    #[test]
    fn a_view_built_across_a_change_is_not_kept() {
        let cache = ViewCache::default();
        cache.put("a", 3, 4, Arc::new(1_u32));
        assert!(cache.get::<u32>("a", 3).is_none() && cache.get::<u32>("a", 4).is_none());
    }

    #[test]
    fn an_older_view_does_not_replace_a_newer_one() {
        let cache = ViewCache::default();
        cache.put("a", 5, 5, Arc::new(5_u32));
        cache.put("a", 4, 4, Arc::new(4_u32));
        assert_eq!(cache.get::<u32>("a", 5).as_deref(), Some(&5));
    }
}
