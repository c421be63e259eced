//! Values derived from a session's cached layouts — a page's whole view
//! model, say — kept until the layouts change, so the tabs reloading after a
//! change share one view instead of each cloning and parsing every layout.
//!
//! The owner bumps a generation whenever a cached layout is dropped (the
//! engine changed it, or the socket was replaced). A view built from the
//! layouts of generation `g` stays right while the generation is `g`.
//!
//! The views of every session live in one hub-wide cache of at most
//! [`VIEWS_KEPT`] views, least recently used first out: a view is wanted
//! right after a change (every tab of the user reloads it) and rarely after,
//! so idle users hold none (a refresh of a page with nothing changed is
//! served by the server's page cache; one that misses both rebuilds its view
//! from the cached layouts). Each session sees only its own views (they are
//! keyed by the session), by type and name (two pages on one app each have
//! their own view of the same type):
//!
//! ```
//! # use std::sync::Arc;
//! let cache = hub::ViewCache::new(16);
//! let views = cache.owner(1); // one engine session's views
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
//! assert!(cache.owner(2).get::<String>("home", 7).is_none(), "another session misses");
//! ```

use std::any::{Any, TypeId};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

type Shared = Arc<dyn Any + Send + Sync>;

/// Views kept for all sessions together, by default.
pub const VIEWS_KEPT: usize = 256;

/// Whose view (a session's number), of which type, named what.
type Key = (u64, TypeId, Box<str>);

/// Views of every session, each tagged with the layout generation it was
/// built from. Cheap to read: a lookup and an `Arc` clone.
#[derive(Clone)]
pub struct ViewCache {
    views: Arc<quick_cache::sync::Cache<Key, (u64, Shared)>>,
    owners: Arc<AtomicU64>,
}

impl std::fmt::Debug for ViewCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ViewCache").finish_non_exhaustive()
    }
}

impl Default for ViewCache {
    fn default() -> Self {
        Self::new(VIEWS_KEPT)
    }
}

impl ViewCache {
    /// A cache of at most `capacity` views (at least one).
    pub fn new(capacity: usize) -> Self {
        Self {
            views: Arc::new(quick_cache::sync::Cache::new(capacity.max(1))),
            owners: Arc::new(AtomicU64::new(0)),
        }
    }

    /// A number for a new owner (an engine session), never given before.
    pub(crate) fn new_owner(&self) -> u64 {
        self.owners.fetch_add(1, Ordering::Relaxed)
    }

    /// The views of owner `owner`.
    pub fn owner(&self, owner: u64) -> SessionViews<'_> {
        SessionViews { cache: self, owner }
    }
}

/// One session's views in the [`ViewCache`].
#[derive(Debug, Clone, Copy)]
pub struct SessionViews<'a> {
    cache: &'a ViewCache,
    owner: u64,
}

impl SessionViews<'_> {
    fn key<T: Any>(&self, name: &str) -> Key {
        (self.owner, TypeId::of::<T>(), name.into())
    }

    /// The `T` named `name` built from the layouts of `generation`, if there
    /// is one.
    pub fn get<T: Any + Send + Sync>(&self, name: &str, generation: u64) -> Option<Arc<T>> {
        let (built, view) = self.cache.views.get(&self.key::<T>(name))?;
        if built != generation {
            return None;
        }
        view.downcast::<T>().ok()
    }

    /// Keeps `view`, built from the layouts of `started` (the generation
    /// read before building), if the generation was still `started` when
    /// the building ended (`ended`): a change in between would leave a view
    /// mixing old and new layouts. An older view never replaces a newer one.
    pub fn put<T: Any + Send + Sync>(&self, name: &str, started: u64, ended: u64, view: Arc<T>) {
        if started != ended {
            return;
        }
        let key = self.key::<T>(name);
        match self.cache.views.get(&key) {
            Some((held, _)) if held > started => {}
            _ => self.cache.views.insert(key, (started, view)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_lives_for_its_generation() {
        let cache = ViewCache::default();
        let views = cache.owner(cache.new_owner());
        assert!(views.get::<u32>("a", 1).is_none());
        views.put("a", 1, 1, Arc::new(10_u32));
        assert_eq!(views.get::<u32>("a", 1).as_deref(), Some(&10));
        assert!(views.get::<u32>("a", 2).is_none());
        assert!(views.get::<String>("a", 1).is_none(), "one slot per type");
        assert!(views.get::<u32>("b", 1).is_none(), "and per name");
        views.put("a", 2, 2, Arc::new(20_u32));
        assert_eq!(views.get::<u32>("a", 2).as_deref(), Some(&20));
    }

    #[test]
    fn sessions_see_only_their_own_views() {
        let cache = ViewCache::default();
        let (a, b) = (cache.new_owner(), cache.new_owner());
        assert_ne!(a, b);
        cache.owner(a).put("home", 1, 1, Arc::new(1_u32));
        assert!(cache.owner(b).get::<u32>("home", 1).is_none());
    }

    #[test]
    fn a_view_built_across_a_change_is_not_kept() {
        let cache = ViewCache::default();
        let views = cache.owner(0);
        views.put("a", 3, 4, Arc::new(1_u32));
        assert!(views.get::<u32>("a", 3).is_none() && views.get::<u32>("a", 4).is_none());
    }

    #[test]
    fn an_older_view_does_not_replace_a_newer_one() {
        let cache = ViewCache::default();
        let views = cache.owner(0);
        views.put("a", 5, 5, Arc::new(5_u32));
        views.put("a", 4, 4, Arc::new(4_u32));
        assert_eq!(views.get::<u32>("a", 5).as_deref(), Some(&5));
    }

    #[test]
    fn the_least_recently_used_views_go_past_the_bound() {
        let cache = ViewCache::new(8);
        for owner in 0..100 {
            cache.owner(owner).put("home", 1, 1, Arc::new(owner));
        }
        let kept = (0..100)
            .filter(|&owner| cache.owner(owner).get::<u64>("home", 1).is_some())
            .count();
        assert!((1..=8).contains(&kept), "{kept} views kept");
        assert!(
            cache.owner(99).get::<u64>("home", 1).is_some(),
            "the newest stays"
        );
    }
}
