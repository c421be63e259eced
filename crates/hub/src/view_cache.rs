//! Values derived from a session's cached layouts — a page's whole view
//! model, say — kept until the layouts change, so a refresh reuses the view
//! instead of cloning and parsing every layout again.
//!
//! The owner bumps a generation whenever a cached layout is dropped (the
//! engine changed it, or the socket was replaced). A view built from the
//! layouts of generation `g` stays right while the generation is `g`:
//!
//! ```
//! # use std::sync::Arc;
//! let views = hub::ViewCache::default();
//! let generation = 7; // read before building
//! let view = views.get::<String>(generation).unwrap_or_else(|| {
//!     let built = Arc::new(String::from("built from the layouts"));
//!     // Kept only if no change came while building (the generation read
//!     // again afterwards is still 7).
//!     views.put(generation, 7, built.clone());
//!     built
//! });
//! assert!(Arc::ptr_eq(&view, &views.get::<String>(7).unwrap()));
//! assert!(views.get::<String>(8).is_none(), "a newer generation misses");
//! ```

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

type Shared = Arc<dyn Any + Send + Sync>;

/// One value per type, each tagged with the layout generation it was built
/// from. Cheap to read: a lock, a map lookup and an `Arc` clone.
#[derive(Default)]
pub struct ViewCache {
    views: Mutex<HashMap<TypeId, (u64, Shared)>>,
}

impl std::fmt::Debug for ViewCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ViewCache").finish_non_exhaustive()
    }
}

impl ViewCache {
    /// The `T` built from the layouts of `generation`, if there is one.
    pub fn get<T: Any + Send + Sync>(&self, generation: u64) -> Option<Arc<T>> {
        let views = self.views.lock().unwrap_or_else(|p| p.into_inner());
        let (built, view) = views.get(&TypeId::of::<T>())?;
        if *built != generation {
            return None;
        }
        view.clone().downcast::<T>().ok()
    }

    /// Keeps `view`, built from the layouts of `started` (the generation
    /// read before building), if the generation was still `started` when
    /// the building ended (`ended`): a change in between would leave a view
    /// mixing old and new layouts. An older view never replaces a newer one.
    pub fn put<T: Any + Send + Sync>(&self, started: u64, ended: u64, view: Arc<T>) {
        if started != ended {
            return;
        }
        let mut views = self.views.lock().unwrap_or_else(|p| p.into_inner());
        match views.get(&TypeId::of::<T>()) {
            Some((held, _)) if *held > started => {}
            _ => {
                views.insert(TypeId::of::<T>(), (started, view));
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
        assert!(cache.get::<u32>(1).is_none());
        cache.put(1, 1, Arc::new(10_u32));
        assert_eq!(cache.get::<u32>(1).as_deref(), Some(&10));
        assert!(cache.get::<u32>(2).is_none());
        assert!(cache.get::<String>(1).is_none(), "one slot per type");
        cache.put(2, 2, Arc::new(20_u32));
        assert_eq!(cache.get::<u32>(2).as_deref(), Some(&20));
        cache.clear();
        assert!(cache.get::<u32>(2).is_none());
    }

    #[test]
    fn a_view_built_across_a_change_is_not_kept() {
        let cache = ViewCache::default();
        cache.put(3, 4, Arc::new(1_u32));
        assert!(cache.get::<u32>(3).is_none() && cache.get::<u32>(4).is_none());
    }

    #[test]
    fn an_older_view_does_not_replace_a_newer_one() {
        let cache = ViewCache::default();
        cache.put(5, 5, Arc::new(5_u32));
        cache.put(4, 4, Arc::new(4_u32));
        assert_eq!(cache.get::<u32>(5).as_deref(), Some(&5));
    }
}
