//! The last view each user was shown of each page, for when Qlik cannot be
//! reached: the page's view model (serialized by the caller; packed with LZ4
//! and sealed here), when it was computed, and the selections it shows as
//! text. Bounded: at most [`LastViewLimits::per_user_bytes`] per user and
//! [`LastViewLimits::total_bytes`] in all (packed sizes), the oldest views
//! going first; either limit `0` turns keeping off.

use sqlx::Row;

use crate::error::{Error, Result};
use crate::store::{Store, UserKey};

/// A kept view, as given to [`Store::save_last_view`] and read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastView {
    /// The view, serialized by the caller (plain; packed in the store).
    pub view: Vec<u8>,
    /// When the view was computed from Qlik's answers (Unix seconds).
    pub computed_at: i64,
    /// The selections the view shows, as the banner says them
    /// (`Region = EMEA`), empty when none.
    pub selections: String,
}

/// How much the store keeps of last views.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LastViewLimits {
    /// Most bytes (packed) of one user's views together; 0: keep none.
    pub per_user_bytes: u64,
    /// Most bytes (packed) of every user's views; 0: keep none.
    pub total_bytes: u64,
}

impl LastViewLimits {
    /// Keeping is off (a limit is 0).
    pub fn is_off(&self) -> bool {
        self.per_user_bytes == 0 || self.total_bytes == 0
    }
}

/// The sealing context of a user's view of a page.
fn context(user: &UserKey, page: &str) -> Vec<u8> {
    format!(
        "last-view\u{0}{}\u{0}{}\u{0}{page}",
        user.directory, user.user_id
    )
    .into_bytes()
}

fn as_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl Store {
    /// Keeps `view` as the user's last view of `page` (replacing the one
    /// kept), then removes the oldest views past the limits: the user's own
    /// first, then anybody's. A view larger than a limit on its own is not
    /// kept (and the older one of that page goes: it is no longer the last).
    /// Returns the packed size kept (0: none).
    pub async fn save_last_view(
        &self,
        user: &UserKey,
        page: &str,
        view: &LastView,
        limits: LastViewLimits,
    ) -> Result<u64> {
        if limits.is_off() {
            return Ok(0);
        }
        let packed = lz4_flex::compress_prepend_size(&view.view);
        let sealed = self.sealing_key().seal(&packed, &context(user, page));
        let bytes = sealed.len() as u64;
        if bytes > limits.per_user_bytes || bytes > limits.total_bytes {
            self.forget_last_view(user, page).await?;
            return Ok(0);
        }
        sqlx::query(
            "INSERT INTO last_views (user_directory, user_id, page, view_sealed, bytes,
                computed_at, selections) VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (user_directory, user_id, page) DO UPDATE SET
                view_sealed = excluded.view_sealed, bytes = excluded.bytes,
                computed_at = excluded.computed_at, selections = excluded.selections",
        )
        .bind(&user.directory)
        .bind(&user.user_id)
        .bind(page)
        .bind(sealed)
        .bind(as_i64(bytes))
        .bind(view.computed_at)
        .bind(&view.selections)
        .execute(self.pool())
        .await?;
        self.trim_user(user, page, limits.per_user_bytes).await?;
        self.trim_total(user, page, limits.total_bytes).await?;
        Ok(bytes)
    }

    /// The user's last view of `page`, if one is kept and still opens with
    /// the sealing key (a view sealed with a lost key counts as none).
    pub async fn last_view(&self, user: &UserKey, page: &str) -> Result<Option<LastView>> {
        let row = sqlx::query(
            "SELECT view_sealed, computed_at, selections FROM last_views
             WHERE user_directory = $1 AND user_id = $2 AND page = $3",
        )
        .bind(&user.directory)
        .bind(&user.user_id)
        .bind(page)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let sealed: Vec<u8> = row.get("view_sealed");
        let packed = match self.sealing_key().open(&sealed, &context(user, page)) {
            Ok(packed) => packed,
            Err(Error::Unseal) => return Ok(None),
            Err(other) => return Err(other),
        };
        let view = lz4_flex::decompress_size_prepended(&packed)
            .map_err(|e| Error::Corrupt(e.to_string()))?;
        Ok(Some(LastView {
            view,
            computed_at: row.get("computed_at"),
            selections: row.get("selections"),
        }))
    }

    /// Forgets the user's last view of `page`.
    pub async fn forget_last_view(&self, user: &UserKey, page: &str) -> Result<()> {
        sqlx::query(
            "DELETE FROM last_views WHERE user_directory = $1 AND user_id = $2 AND page = $3",
        )
        .bind(&user.directory)
        .bind(&user.user_id)
        .bind(page)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The packed bytes of every kept view together.
    pub async fn last_views_bytes(&self) -> Result<u64> {
        // PostgreSQL sums BIGINT as NUMERIC, which the Any driver cannot read.
        let row =
            sqlx::query("SELECT CAST(COALESCE(SUM(bytes), 0) AS BIGINT) AS total FROM last_views")
                .fetch_one(self.pool())
                .await?;
        Ok(row.get::<i64, _>("total").max(0) as u64)
    }

    /// Removes the user's oldest views (never `kept`, just written) until
    /// theirs fit in `limit`.
    async fn trim_user(&self, user: &UserKey, kept: &str, limit: u64) -> Result<()> {
        let rows = sqlx::query(
            "SELECT page, bytes FROM last_views WHERE user_directory = $1 AND user_id = $2
             ORDER BY computed_at DESC, page",
        )
        .bind(&user.directory)
        .bind(&user.user_id)
        .fetch_all(self.pool())
        .await?;
        let mut total: u64 = rows
            .iter()
            .map(|r| r.get::<i64, _>("bytes").max(0) as u64)
            .sum();
        for row in rows.iter().rev() {
            if total <= limit {
                break;
            }
            let page: String = row.get("page");
            if page == kept {
                continue;
            }
            self.forget_last_view(user, &page).await?;
            total = total.saturating_sub(row.get::<i64, _>("bytes").max(0) as u64);
        }
        Ok(())
    }

    /// Removes the oldest views of anybody (never the user's `kept`, just
    /// written) until all fit in `limit`.
    async fn trim_total(&self, user: &UserKey, kept: &str, limit: u64) -> Result<()> {
        let mut total = self.last_views_bytes().await?;
        if total <= limit {
            return Ok(());
        }
        let rows = sqlx::query(
            "SELECT user_directory, user_id, page, bytes FROM last_views
             ORDER BY computed_at, user_directory, user_id, page",
        )
        .fetch_all(self.pool())
        .await?;
        for row in &rows {
            if total <= limit {
                break;
            }
            let (directory, user_id): (String, String) =
                (row.get("user_directory"), row.get("user_id"));
            let owner = UserKey::new(&directory, &user_id);
            let page: String = row.get("page");
            if owner == *user && page == kept {
                continue;
            }
            self.forget_last_view(&owner, &page).await?;
            total = total.saturating_sub(row.get::<i64, _>("bytes").max(0) as u64);
        }
        Ok(())
    }
}
