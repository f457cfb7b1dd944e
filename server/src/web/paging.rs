//! Long lists a page at a time. A province's overdue list runs to a hundred thousand lines: nobody reads
//! it whole, and a provincial office's slow link cannot carry it. Lists come most urgent first, so the
//! first page is the one that matters; the counts on the overview stay whole.

use super::i18n::Lang;
use maud::{Markup, html};

/// Lines of a list shown on one page.
pub const PAGE_ROWS: usize = 100;

/// Which page of a list page a request shows, and where its links lead.
pub struct Paged<'a> {
    pub lang: Lang,
    /// From 1.
    page: usize,
    path: &'a str,
    commune: Option<&'a str>,
}

impl<'a> Paged<'a> {
    /// The page `?page=` asks for (the first when absent or not a number) of the list page at `path`.
    pub fn new(
        lang: Lang,
        requested: Option<&str>,
        path: &'a str,
        commune: Option<&'a str>,
    ) -> Self {
        let page = requested
            .and_then(|text| text.trim().parse::<usize>().ok())
            .unwrap_or(1)
            .max(1);
        Paged {
            lang,
            page,
            path,
            commune,
        }
    }

    /// The lines of `items` on this page (empty past the list's end).
    pub fn rows<'t, T>(&self, items: &'t [T]) -> &'t [T] {
        let start = self.page.saturating_sub(1).saturating_mul(PAGE_ROWS);
        let end = start.saturating_add(PAGE_ROWS).min(items.len());
        items.get(start..end).unwrap_or(&[])
    }

    /// "Lines 101–200 of 250" under a table (nothing when the whole list is on this page).
    pub fn range(&self, total: usize) -> Markup {
        let lang = self.lang;
        let start = self.page.saturating_sub(1).saturating_mul(PAGE_ROWS);
        let shown = total.saturating_sub(start).min(PAGE_ROWS);
        let first = start.saturating_add(1);
        html! {
            @if total > PAGE_ROWS || (shown == 0 && self.page > 1) {
                p.muted.range {
                    @if shown == 0 {
                        (lang.t("Không còn dòng nào ở trang này; tổng số ", "No lines on this page; in all "))
                        (total)
                    } @else {
                        (lang.t("Dòng ", "Lines ")) (first) "–" (first + shown - 1)
                        (lang.t(" trong tổng số ", " of ")) (total)
                    }
                }
            }
        }
    }

    /// Previous and next links that keep the commune filter, for as many pages as the longest of the
    /// page's lists needs (nothing on the only page).
    pub fn links(&self, lengths: &[usize]) -> Markup {
        let (lang, page) = (self.lang, self.page);
        let pages = page_count(lengths);
        let href = |to: usize| match self.commune {
            Some(code) => format!("{}?commune={code}&page={to}", self.path),
            None => format!("{}?page={to}", self.path),
        };
        html! {
            @if pages > 1 || page > 1 {
                nav.pager aria-label=(lang.t("Các trang của danh sách", "Pages of the list")) {
                    @if page > 1 {
                        a rel="prev" href=(href(page.min(pages + 1) - 1)) { (lang.t("← Trang trước", "← Previous")) }
                    }
                    span { (lang.t("Trang ", "Page ")) (page) " / " (pages) }
                    @if page < pages {
                        a rel="next" href=(href(page + 1)) { (lang.t("Trang sau →", "Next →")) }
                    }
                }
            }
        }
    }

    /// Under a page's only list: its range and the links.
    pub fn end_of_list(&self, total: usize) -> Markup {
        html! { (self.range(total)) (self.links(&[total])) }
    }
}

/// How many pages the longest of a page's lists needs (at least one).
fn page_count(lengths: &[usize]) -> usize {
    lengths
        .iter()
        .map(|len| len.div_ceil(PAGE_ROWS))
        .max()
        .unwrap_or(0)
        .max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(page: &str, commune: Option<&'static str>) -> Paged<'static> {
        Paged::new(Lang::Vi, Some(page), "/overdue", commune)
    }

    #[test]
    fn a_page_holds_its_hundred_lines_and_the_last_page_the_rest() {
        let items: Vec<usize> = (0..250).collect();
        assert_eq!(on("1", None).rows(&items), &items[0..100]);
        assert_eq!(on("3", None).rows(&items), &items[200..250]);
        assert!(on("4", None).rows(&items).is_empty());
        assert_eq!(page_count(&[250, 30]), 3);
        assert_eq!(page_count(&[0]), 1, "an empty list still has its page");
    }

    #[test]
    fn a_missing_or_malformed_page_number_opens_the_first_page() {
        let first =
            |requested: Option<&str>| Paged::new(Lang::Vi, requested, "/overdue", None).page;
        assert_eq!(first(None), 1);
        assert_eq!(first(Some("abc")), 1);
        assert_eq!(first(Some("0")), 1);
        assert_eq!(first(Some("-3")), 1);
        assert_eq!(first(Some(" 7 ")), 7);
        let far = on(&usize::MAX.to_string(), None);
        assert_eq!(far.rows(&[1, 2, 3]), &[] as &[i32], "no overflow");
    }

    #[test]
    fn the_links_keep_the_commune_and_stop_at_both_ends() {
        let first = on("1", Some("25920")).links(&[250]).into_string();
        assert!(
            first.contains("href=\"/overdue?commune=25920&amp;page=2\""),
            "{first}"
        );
        assert!(!first.contains("rel=\"prev\""), "{first}");
        let last = on("3", None).links(&[250]).into_string();
        assert!(last.contains("href=\"/overdue?page=2\""), "{last}");
        assert!(!last.contains("rel=\"next\""), "{last}");
        assert!(on("1", None).links(&[30]).into_string().is_empty());
        let past = on("9", None).links(&[30]).into_string();
        assert!(
            past.contains("href=\"/overdue?page=1\""),
            "a way back from past the end: {past}"
        );
        let empty = Paged::new(Lang::En, Some("2"), "/overdue", None)
            .range(45)
            .into_string();
        assert!(
            empty.contains("No lines on this page; in all 45"),
            "{empty}"
        );
        let range = on("3", None).range(250).into_string();
        assert!(range.contains("Dòng 201–250 trong tổng số 250"), "{range}");
    }
}
