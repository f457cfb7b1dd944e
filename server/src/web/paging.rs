//! Long lists a page at a time. A province's overdue list runs to a hundred thousand lines: nobody reads
//! it whole, and a provincial office's slow link cannot carry it. Lists come most urgent first, so the
//! first page is the one that matters; the counts on the overview stay whole.

use super::i18n::Lang;
use maud::{Markup, html};

/// Lines of a list shown on one page.
pub const PAGE_ROWS: usize = 100;

/// The page a request asks for, from `?page=` (1 when absent or not a number).
pub fn requested(raw: Option<&str>) -> usize {
    raw.and_then(|text| text.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .max(1)
}

/// How many pages the longest of a page's lists needs (at least one).
pub fn page_count(lengths: &[usize]) -> usize {
    lengths
        .iter()
        .map(|len| len.div_ceil(PAGE_ROWS))
        .max()
        .unwrap_or(0)
        .max(1)
}

/// The lines of `items` on page `page` (1-based; empty past the list's end).
pub fn rows<T>(items: &[T], page: usize) -> &[T] {
    let start = page.saturating_sub(1).saturating_mul(PAGE_ROWS);
    let end = start.saturating_add(PAGE_ROWS).min(items.len());
    items.get(start..end).unwrap_or(&[])
}

/// "Lines 101–200 of 250" under a table (nothing when the whole list is on this page).
pub fn range(lang: Lang, total: usize, page: usize) -> Markup {
    let start = page.saturating_sub(1).saturating_mul(PAGE_ROWS);
    let shown = total.saturating_sub(start).min(PAGE_ROWS);
    let first = start.saturating_add(1);
    html! {
        @if total > PAGE_ROWS || (shown == 0 && page > 1) {
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

/// Previous and next links that keep the commune filter (nothing on the only page).
pub fn links(lang: Lang, path: &str, commune: Option<&str>, page: usize, pages: usize) -> Markup {
    let href = |to: usize| match commune {
        Some(code) => format!("{path}?commune={code}&page={to}"),
        None => format!("{path}?page={to}"),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_holds_its_hundred_lines_and_the_last_page_the_rest() {
        let items: Vec<usize> = (0..250).collect();
        assert_eq!(rows(&items, 1), &items[0..100]);
        assert_eq!(rows(&items, 3), &items[200..250]);
        assert!(rows(&items, 4).is_empty());
        assert_eq!(page_count(&[250, 30]), 3);
        assert_eq!(page_count(&[0]), 1, "an empty list still has its page");
    }

    #[test]
    fn a_missing_or_malformed_page_number_opens_the_first_page() {
        assert_eq!(requested(None), 1);
        assert_eq!(requested(Some("abc")), 1);
        assert_eq!(requested(Some("0")), 1);
        assert_eq!(requested(Some("-3")), 1);
        assert_eq!(requested(Some(" 7 ")), 7);
        assert_eq!(rows(&[1, 2, 3], usize::MAX), &[] as &[i32], "no overflow");
    }

    #[test]
    fn the_links_keep_the_commune_and_stop_at_both_ends() {
        let first = links(Lang::Vi, "/overdue", Some("25920"), 1, 3).into_string();
        assert!(
            first.contains("href=\"/overdue?commune=25920&amp;page=2\""),
            "{first}"
        );
        assert!(!first.contains("rel=\"prev\""), "{first}");
        let last = links(Lang::Vi, "/overdue", None, 3, 3).into_string();
        assert!(last.contains("href=\"/overdue?page=2\""), "{last}");
        assert!(!last.contains("rel=\"next\""), "{last}");
        assert!(
            links(Lang::Vi, "/overdue", None, 1, 1)
                .into_string()
                .is_empty()
        );
        let past = links(Lang::Vi, "/overdue", None, 9, 1).into_string();
        assert!(
            past.contains("href=\"/overdue?page=1\""),
            "a way back from past the end: {past}"
        );
        let empty = range(Lang::En, 45, 2).into_string();
        assert!(
            empty.contains("No lines on this page; in all 45"),
            "{empty}"
        );
        let range = range(Lang::Vi, 250, 3).into_string();
        assert!(range.contains("Dòng 201–250 trong tổng số 250"), "{range}");
    }
}
