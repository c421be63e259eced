//! "Download CSV" and "Download Excel" links of a table or chart: links to
//! `/export/{id}.csv|xlsx` (the server streams the file with every row under
//! the user's selections). Without JavaScript they are plain links; once
//! hydrated, a click first asks the server whether the download is allowed,
//! so a refusal (too many rows) is shown on the page rather than as a
//! cancelled download.

use leptos::prelude::*;

use super::state::Dash;
use crate::dashboard::api::downloads::check_download;

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
    let dash = expect_context::<Dash>();
    let page = dash.page();
    let link = |extension: &str, label: &str| {
        let href = export_href(&id, extension, page.as_deref());
        let (target, id) = (href.clone(), id.clone());
        let click = move |event: leptos::ev::MouseEvent| {
            // A click with a modifier (new tab, save as) is the browser's.
            if event.button() != 0 || event.ctrl_key() || event.meta_key() || event.shift_key() {
                return;
            }
            event.prevent_default();
            let (target, id) = (target.clone(), id.clone());
            leptos::task::spawn_local(async move {
                match check_download(dash.page(), id).await {
                    // An attachment: the browser downloads and stays here.
                    Ok(None) => {
                        let _ = window().location().set_href(&target);
                    }
                    Ok(Some(refusal)) => dash.show(refusal),
                    Err(error) => dash.fail(&error),
                }
            });
        };
        view! {
            <a
                class="download"
                href=href
                download=""
                aria-label=format!("{label}: {title}")
                on:click=click
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
