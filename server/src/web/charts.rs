//! Charts drawn on the server as SVG: no script, no chart library, fast on a slow link. Each chart
//! states its figures as text too (value labels and an accessible title), so nothing is only a shape.

use maud::{Markup, html};

const ACCENT: &str = "#0b6e4f";
const SECOND: &str = "#e0a100";
const WARN: &str = "#b3261e";

fn scale(values: impl Iterator<Item = u32>) -> f64 {
    f64::from(values.max().unwrap_or(0).max(1))
}

/// Vertical bars, one per label, the value above each.
pub fn bars(title: &str, items: &[(String, u32)]) -> Markup {
    let (width, height, top, bottom) = (560.0, 240.0, 24.0, 48.0);
    let max = scale(items.iter().map(|(_, v)| *v));
    let slot = width / items.len().max(1) as f64;
    let bar = slot * 0.6;
    html! {
        svg viewBox=(format!("0 0 {width} {height}")) role="img" aria-label=(title) {
            title { (title) }
            line x1="0" x2=(width) y1=(height - bottom) y2=(height - bottom) stroke="#d7dee3" {}
            @for (index, (label, value)) in items.iter().enumerate() {
                @let h = (height - top - bottom) * f64::from(*value) / max;
                @let x = slot * index as f64 + (slot - bar) / 2.0;
                rect x=(x) y=(height - bottom - h) width=(bar) height=(h) fill=(ACCENT) {}
                text x=(x + bar / 2.0) y=(height - bottom - h - 6.0) text-anchor="middle" font-size="15" { (value) }
                text x=(x + bar / 2.0) y=(height - bottom + 18.0) text-anchor="middle" font-size="13" { (label) }
            }
        }
    }
}

/// Two series per label side by side (new and closed cases per month), with a legend.
pub fn paired(
    title: &str,
    labels: &[String],
    first: (&str, &[u32]),
    second: (&str, &[u32]),
) -> Markup {
    let (width, height, top, bottom) = (560.0, 250.0, 34.0, 40.0);
    let max = scale(first.1.iter().chain(second.1).copied());
    let slot = width / labels.len().max(1) as f64;
    let bar = slot * 0.36;
    html! {
        svg viewBox=(format!("0 0 {width} {height}")) role="img" aria-label=(title) {
            title { (title) }
            rect x="4" y="6" width="12" height="12" fill=(ACCENT) {}
            text x="22" y="17" font-size="13" { (first.0) }
            rect x="150" y="6" width="12" height="12" fill=(SECOND) {}
            text x="168" y="17" font-size="13" { (second.0) }
            line x1="0" x2=(width) y1=(height - bottom) y2=(height - bottom) stroke="#d7dee3" {}
            @for (index, label) in labels.iter().enumerate() {
                @let x = slot * index as f64 + slot * 0.12;
                @for (offset, (color, values)) in [(0.0, (ACCENT, first.1)), (bar, (SECOND, second.1))] {
                    @let value = values.get(index).copied().unwrap_or(0);
                    @let h = (height - top - bottom) * f64::from(value) / max;
                    rect x=(x + offset) y=(height - bottom - h) width=(bar) height=(h) fill=(color) {}
                    @if value > 0 {
                        text x=(x + offset + bar / 2.0) y=(height - bottom - h - 4.0) text-anchor="middle" font-size="11" { (value) }
                    }
                }
                text x=(x + bar) y=(height - bottom + 16.0) text-anchor="middle" font-size="11" { (label) }
            }
        }
    }
}

/// Horizontal bars, one row per name (overdue items per commune).
pub fn rows(title: &str, items: &[(String, u32)]) -> Markup {
    let row = 30.0;
    let (width, label_width) = (560.0, 200.0);
    let height = row * items.len().max(1) as f64 + 8.0;
    let max = scale(items.iter().map(|(_, v)| *v));
    html! {
        svg viewBox=(format!("0 0 {width} {height}")) role="img" aria-label=(title) {
            title { (title) }
            @for (index, (name, value)) in items.iter().enumerate() {
                @let y = row * index as f64 + 4.0;
                @let w = (width - label_width - 50.0) * f64::from(*value) / max;
                text x="0" y=(y + 19.0) font-size="13" { (name) }
                rect x=(label_width) y=(y + 4.0) width=(w) height=(row - 10.0) fill=(WARN) {}
                text x=(label_width + w + 6.0) y=(y + 19.0) font-size="13" { (value) }
            }
        }
    }
}
