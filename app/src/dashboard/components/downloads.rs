//! "Download CSV" and "Download Excel" links of a table or chart: plain
//! links to `/export/{id}.csv|xlsx` (the server streams the file with every
//! row under the user's selections).

use leptos::prelude::*;

use super::state::Dash;

/// The export URL of object `id` in `extension`, on the page named `page`.
pub fn export_href(id: &str, extension: &str, page: Option<&str>) -> String {
    match page {
        Some(page) => format!("/export/{id}.{extension}?page={page}"),
        None => format!("/export/{id}.{extension}"),
    }
}

/// The two download links of the object `id` titled `title`.
#[component]
pub fn Downloads(id: String, title: String) -> impl IntoView {
    let page = expect_context::<Dash>().page();
    let link = |extension: &str, label: &str| {
        view! {
            <a
                class="download"
                href=export_href(&id, extension, page.as_deref())
                download=""
                aria-label=format!("{label}: {title}")
            >
                {label.to_owned()}
            </a>
        }
    };
    view! {
        <span class="downloads">
            {link("csv", "Download CSV")}
            {link("xlsx", "Download Excel")}
        </span>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_name_the_page_when_it_is_not_the_home_page() {
        assert_eq!(export_href("table-0", "csv", None), "/export/table-0.csv");
        assert_eq!(
            export_href("chart-1", "xlsx", Some("support")),
            "/export/chart-1.xlsx?page=support"
        );
    }
}
