//! The site's dashboard pages: `[[pages]]` in the configuration, or the one
//! `[dashboard]`. Each page has a path (`/` for the home page, `/support` for
//! a page named `support`), a title, an app and its own objects.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::config::{DashboardConfig, MasterDef};
use super::object_id::ObjectId;
use super::sheet::{SheetGrid, SheetLayout};

/// Paths of the site that a page may not take.
const RESERVED: [&str; 10] = [
    "login",
    "api",
    "pkg",
    "export",
    "theme",
    "healthz",
    "readyz",
    "metrics",
    "favicon.svg",
    "robots.txt",
];

/// One page: its name (the path without its `/`; empty for the home page)
/// and what it shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The path without its leading `/` (empty for the home page).
    pub name: String,
    /// What the page shows.
    pub config: DashboardConfig,
    /// Its sheet's grid, when it names a sheet: `None` until read from Qlik
    /// (at start-up; Qlik down then: the page says so).
    pub sheet: Option<SheetGrid>,
}

impl Page {
    /// Its title: the configured one, else its sheet's (its id until read).
    pub fn title(&self) -> &str {
        match &self.config.sheet {
            _ if !self.config.title.is_empty() => &self.config.title,
            Some(sheet) => sheet,
            None => &self.config.app_id,
        }
    }

    /// The page's URL path.
    pub fn href(&self) -> String {
        format!("/{}", self.name)
    }

    /// The id the engine hub holds `id` under. Configured objects are the
    /// page's own (two pages on one app both have a `filter-0`); a master
    /// object is the app's, shared by the pages that show it.
    pub fn hub_id(&self, id: &ObjectId) -> String {
        match id {
            ObjectId::Configured { .. } if !self.name.is_empty() => format!("{}:{id}", self.name),
            _ => id.to_string(),
        }
    }
}

/// A link to a page, for the navigation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageLink {
    /// The page's URL path.
    pub href: String,
    /// Its title.
    pub title: String,
    /// The page shown now.
    pub current: bool,
}

/// Every page, the home page first.
#[derive(Debug, Clone, PartialEq)]
pub struct Pages(Vec<Arc<Page>>);

impl Pages {
    /// The pages of `[[pages]]`, checked: paths are `/` or `/name` (letters,
    /// digits, `-`), unique, not one of the site's own, and one of them is `/`.
    /// The error names the offending key.
    pub fn new(configs: Vec<DashboardConfig>) -> Result<Self, String> {
        let mut pages: Vec<Page> = Vec::with_capacity(configs.len());
        for (i, config) in configs.into_iter().enumerate() {
            let key = format!("pages[{i}].path");
            let name = config
                .path
                .strip_prefix('/')
                .ok_or_else(|| format!("{key}: {:?} must start with '/'", config.path))?
                .to_owned();
            let valid = name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !valid || name.starts_with('-') {
                return Err(format!(
                    "{key}: {:?} must be '/' or '/' and a name of lowercase letters, digits and '-'",
                    config.path
                ));
            }
            if RESERVED.contains(&name.as_str()) {
                return Err(format!(
                    "{key}: {:?} is a path of the site itself",
                    config.path
                ));
            }
            if pages.iter().any(|p| p.name == name) {
                return Err(format!(
                    "{key}: {:?} is the path of another page",
                    config.path
                ));
            }
            super::pivot_def::check_pivots(&config.pivots, &format!("pages[{i}]"))?;
            if config.app_id.trim().is_empty() {
                return Err(format!("pages[{i}].app_id: a page needs the id of its app"));
            }
            if config.sheet.as_ref().is_some_and(|s| s.trim().is_empty()) {
                return Err(format!(
                    "pages[{i}].sheet: give the id of a sheet of the app"
                ));
            }
            if config.sheet.is_some() && config.sheets.is_some() {
                return Err(format!(
                    "pages[{i}].sheets: a page names one sheet (sheet) or all (sheets), not both"
                ));
            }
            if config.title.trim().is_empty() && config.sheet.is_none() && config.sheets.is_none() {
                return Err(format!(
                    "pages[{i}].title: a page needs a title (or a sheet, whose title it takes)"
                ));
            }
            pages.push(Page {
                name,
                config,
                sheet: None,
            });
        }
        let Some(home) = pages.iter().position(|p| p.name.is_empty()) else {
            return Err("pages: one page must have path = \"/\" (the home page)".into());
        };
        let home = pages.remove(home);
        pages.insert(0, home);
        Ok(Self(pages.into_iter().map(Arc::new).collect()))
    }

    /// The one page of `[dashboard]`, at `/`.
    pub fn single(config: DashboardConfig) -> Self {
        Self(vec![Arc::new(Page {
            name: String::new(),
            config,
            sheet: None,
        })])
    }

    /// The pages that name a sheet: (page path, app id, sheet id).
    pub fn sheets(&self) -> Vec<(String, String, String)> {
        self.iter()
            .filter_map(|p| {
                let sheet = p.config.sheet.clone()?;
                Some((p.href(), p.config.app_id.clone(), sheet))
            })
            .collect()
    }

    /// The pages with `sheets = "all"`: (page path, app id).
    pub fn all_sheets(&self) -> Vec<(String, String)> {
        self.iter()
            .filter(|p| p.config.sheets.is_some() && p.config.sheet.is_none())
            .map(|p| (p.href(), p.config.app_id.clone()))
            .collect()
    }

    /// The pages with the page at `href` standing for the sheets `ids` (in
    /// the app's order): it shows the first; each other one gets a page
    /// after it, `<path>-<id>` (`/<id>` for the home page), the id lowercased
    /// and anything but letters, digits and `-` made a `-`. The error names
    /// a clash of paths.
    pub fn with_sheet_pages(self, href: &str, ids: &[String]) -> Result<Self, String> {
        let mut configs = Vec::with_capacity(self.0.len() + ids.len());
        for page in self.0 {
            let page = Arc::unwrap_or_clone(page);
            if page.href() != href || ids.is_empty() {
                configs.push(page.config);
                continue;
            }
            let mut first = page.config.clone();
            first.sheet = Some(ids[0].clone());
            first.sheets = None;
            configs.push(first);
            for id in &ids[1..] {
                let slug: String = id
                    .chars()
                    .map(|c| match c.to_ascii_lowercase() {
                        c @ ('a'..='z' | '0'..='9') => c,
                        _ => '-',
                    })
                    .collect();
                let path = match page.name.as_str() {
                    "" => format!("/{}", slug.trim_start_matches('-')),
                    name => format!("/{name}-{slug}"),
                };
                configs.push(DashboardConfig {
                    path,
                    app_id: page.config.app_id.clone(),
                    title: String::new(),
                    filters: Vec::new(),
                    kpis: Vec::new(),
                    charts: Vec::new(),
                    tables: Vec::new(),
                    pivots: Vec::new(),
                    masters: Vec::new(),
                    sheet: Some(id.clone()),
                    sheets: None,
                });
            }
        }
        Self::new(configs).map_err(|reason| format!("the sheets of {href:?}: {reason}"))
    }

    /// Gives the page at `href` its sheet as read from Qlik: its grid, its
    /// title (unless the page sets one) and the cells' objects (shown as
    /// master objects are, after the page's own).
    pub fn set_sheet(&mut self, href: &str, layout: SheetLayout) {
        let Some(page) = self.0.iter_mut().find(|p| p.href() == href) else {
            return;
        };
        let page = Arc::make_mut(page);
        if page.config.title.is_empty() {
            page.config.title = layout.title;
        }
        for id in layout.grid.cells.iter().flat_map(|c| &c.parts) {
            if !page.config.masters.iter().any(|m| &m.id == id) {
                page.config.masters.push(MasterDef {
                    id: id.clone(),
                    title: None,
                });
            }
        }
        page.sheet = Some(layout.grid);
    }

    /// The page named `name` (`None` or empty: the home page).
    pub fn get(&self, name: Option<&str>) -> Option<Arc<Page>> {
        let name = name.unwrap_or_default();
        self.0.iter().find(|p| p.name == name).cloned()
    }

    /// Every page, the home page first.
    pub fn iter(&self) -> impl Iterator<Item = &Page> {
        self.0.iter().map(|p| p.as_ref())
    }

    /// Links to every page, `current` marking the one named `name`.
    pub fn links(&self, name: &str) -> Vec<PageLink> {
        self.0
            .iter()
            .map(|p| PageLink {
                href: p.href(),
                title: p.title().to_owned(),
                current: p.name == name,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(path: &str, app: &str) -> DashboardConfig {
        DashboardConfig {
            path: path.into(),
            app_id: app.into(),
            ..DashboardConfig::default()
        }
    }

    #[test]
    fn the_home_page_comes_first_and_pages_are_found_by_name() {
        let pages = Pages::new(vec![page("/support", "b"), page("/", "a")]).unwrap();
        assert_eq!(pages.iter().next().unwrap().name, "");
        assert_eq!(pages.get(None).unwrap().config.app_id, "a");
        assert_eq!(pages.get(Some("")).unwrap().config.app_id, "a");
        assert_eq!(pages.get(Some("support")).unwrap().config.app_id, "b");
        assert!(pages.get(Some("nope")).is_none());
        let links = pages.links("support");
        assert_eq!(links[1].href, "/support");
        assert!(links[1].current && !links[0].current);
    }

    #[test]
    fn bad_paths_are_refused_naming_the_key() {
        let error = |pages: Vec<DashboardConfig>| Pages::new(pages).unwrap_err();
        assert!(error(vec![page("support", "a")]).starts_with("pages[0].path"));
        assert!(error(vec![page("/", "a"), page("/a/b", "a")]).starts_with("pages[1].path"));
        assert!(error(vec![page("/", "a"), page("/Big", "a")]).starts_with("pages[1].path"));
        assert!(error(vec![page("/", "a"), page("/login", "a")]).contains("site itself"));
        assert!(error(vec![page("/", "a"), page("/", "b")]).contains("another page"));
        assert!(error(vec![page("/x", "a")]).contains("home page"));
        assert!(error(vec![page("/", " ")]).starts_with("pages[0].app_id"));
    }

    #[test]
    fn a_page_of_all_sheets_shows_the_first_and_gets_a_page_per_other_one() {
        let mut all = page("/sales", "a");
        all.sheets = Some(super::super::config::SheetsChoice::All);
        all.title = String::new();
        let pages = Pages::new(vec![page("/", "a"), all]).unwrap();
        assert_eq!(pages.all_sheets(), [("/sales".to_owned(), "a".to_owned())]);
        let ids = ["s1".to_owned(), "Second Sheet".to_owned()];
        let pages = pages.with_sheet_pages("/sales", &ids).unwrap();
        let hrefs: Vec<String> = pages.iter().map(Page::href).collect();
        assert_eq!(hrefs, ["/", "/sales", "/sales-second-sheet"]);
        let second = pages.get(Some("sales-second-sheet")).unwrap();
        assert_eq!(second.config.sheet.as_deref(), Some("Second Sheet"));
        assert_eq!(second.title(), "Second Sheet", "its id until read");
        assert!(pages.all_sheets().is_empty(), "resolved");
        let clash = Pages::new(vec![page("/", "a"), page("/sales-s1", "a")])
            .unwrap()
            .with_sheet_pages("/", &["x".to_owned(), "sales-s1".to_owned()]);
        assert!(clash.unwrap_err().contains("another page"));
    }

    #[test]
    fn a_page_needs_a_title_unless_it_shows_a_sheet() {
        let mut untitled = page("/x", "a");
        untitled.title = String::new();
        let error = Pages::new(vec![page("/", "a"), untitled.clone()]).unwrap_err();
        assert!(error.starts_with("pages[1].title"), "{error}");
        untitled.sheet = Some("s".into());
        let pages = Pages::new(vec![page("/", "a"), untitled.clone()]).unwrap();
        assert_eq!(pages.get(Some("x")).unwrap().title(), "s");
        untitled.sheets = Some(super::super::config::SheetsChoice::All);
        let error = Pages::new(vec![page("/", "a"), untitled]).unwrap_err();
        assert!(error.starts_with("pages[1].sheets"), "{error}");
    }

    #[test]
    fn configured_objects_of_named_pages_have_their_own_hub_ids() {
        let pages = Pages::new(vec![page("/", "a"), page("/more", "a")]).unwrap();
        let filter: ObjectId = "filter-0".parse().unwrap();
        let master: ObjectId = "bar-region".parse().unwrap();
        assert_eq!(pages.get(None).unwrap().hub_id(&filter), "filter-0");
        assert_eq!(
            pages.get(Some("more")).unwrap().hub_id(&filter),
            "more:filter-0"
        );
        assert_eq!(
            pages.get(Some("more")).unwrap().hub_id(&master),
            "bar-region"
        );
    }
}
