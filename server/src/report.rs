//! Periodic reports for an area and a period, as the dashboard shows them and as files: XLSX
//! (`rust_xlsxwriter`, opens in Excel and LibreOffice with the Vietnamese intact) and CSV (UTF-8 with a
//! byte-order mark, so Excel reads the diacritics). The figures come from `hoso_model::domain::report`;
//! this module gathers the cases from the storage, names the units and lays the figures out. No
//! official template exists: every file says the layout is hoso's.

use crate::storage::{Storage, StorageError};
use hoso_model::admin_units::AdminUnits;
use hoso_model::area::{Area, AreaKind};
use hoso_model::domain::config::Config;
use hoso_model::domain::day_text;
use hoso_model::domain::report::lines::{columns, lines, notes};
use hoso_model::domain::report::{Audience, Catalog, Period, Report, ReportScope, report};
use hoso_model::forms::Registry;
use hoso_model::i18n::Localized;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use std::collections::HashMap;
use std::sync::OnceLock;

/// Codes and labels of the form definitions this build ships.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog::from_registry(&Registry::builtin()))
}

/// The administrative units the server names areas with.
pub fn units() -> &'static AdminUnits {
    static UNITS: OnceLock<AdminUnits> = OnceLock::new();
    UNITS.get_or_init(AdminUnits::builtin)
}

/// An area's name as people write it ("Xã Dầu Tiếng", "Thành phố Hồ Chí Minh"), or its code.
pub fn area_name(area: &Area) -> String {
    let named = match area.kind {
        AreaKind::Commune => units().commune(&area.code).map(|c| {
            let kind = match c.kind.as_str() {
                "phuong" => "Phường",
                "dac_khu" => "Đặc khu",
                _ => "Xã",
            };
            format!("{kind} {}", c.name)
        }),
        AreaKind::Province => units().province(&area.code).map(|p| {
            let kind = if p.kind == "thanh_pho" {
                "Thành phố"
            } else {
                "Tỉnh"
            };
            format!("{kind} {}", p.name)
        }),
        AreaKind::Facility => None,
    };
    named.unwrap_or_else(|| area.code.clone())
}

/// A report with the names its rows need.
pub struct NamedReport {
    pub report: Report,
    pub area: Area,
    pub area_name: String,
    /// Commune code → name.
    pub communes: HashMap<String, String>,
    /// Case manager (user id) → name.
    pub managers: HashMap<String, String>,
}

impl NamedReport {
    pub fn commune(&self, code: &str) -> String {
        self.communes
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.to_string())
    }

    pub fn manager(&self, id: Option<&str>) -> String {
        match id {
            Some(id) => self
                .managers
                .get(id)
                .cloned()
                .unwrap_or_else(|| id.to_string()),
            None => "(chưa giao / unassigned)".into(),
        }
    }
}

/// Computes the report of an area's cases over a period, made on `made_on`.
pub fn prepare(
    storage: &dyn Storage,
    area: &Area,
    period: Period,
    audience: Audience,
    made_on: chrono::NaiveDate,
) -> Result<NamedReport, StorageError> {
    let snapshots = storage.case_snapshots(area)?;
    let facts = storage.case_facts(area)?;
    let report = report(
        &snapshots,
        &facts,
        &ReportScope {
            period,
            made_on,
            audience,
            config: &Config::default(),
            catalog: catalog(),
        },
    );
    let communes = report
        .by_commune
        .iter()
        .map(|(code, _)| {
            let commune = Area {
                kind: AreaKind::Commune,
                code: code.clone(),
            };
            (code.clone(), area_name(&commune))
        })
        .collect();
    let manager_ids: Vec<String> = report
        .by_manager
        .iter()
        .filter_map(|(id, _)| id.clone())
        .collect();
    Ok(NamedReport {
        managers: storage.user_names(&manager_ids)?,
        communes,
        area_name: area_name(area),
        area: area.clone(),
        report,
    })
}

/// The heading lines every file starts with: what, where, when, for whom.
fn heading(named: &NamedReport) -> Vec<(Localized, String)> {
    let r = &named.report;
    let period = r.period.label();
    let span = format!(
        "{} – {}",
        day_text(r.period.first_day()),
        day_text(r.period.last_day())
    );
    let audience = match r.audience {
        Audience::Internal => Localized::new("Gửi cơ quan quản lý", "For the authorities"),
        Audience::Posting => Localized::new("Để niêm yết công khai", "For public posting"),
    };
    vec![
        (
            Localized::new("Địa bàn", "Area"),
            format!("{} ({})", named.area_name, named.area.code),
        ),
        (
            Localized::new("Kỳ báo cáo", "Period"),
            format!("{} / {} ({span})", period.vi, period.en),
        ),
        (Localized::new("Ngày lập", "Made on"), day_text(r.made_on)),
        (
            Localized::new("Đối tượng sử dụng", "Audience"),
            format!("{} / {}", audience.vi, audience.en),
        ),
    ]
}

pub const XLSX_CONTENT_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub const CSV_CONTENT_TYPE: &str = "text/csv; charset=utf-8";

/// The file name of a report: area code, period and audience, ASCII only.
pub fn file_name(named: &NamedReport, extension: &str) -> String {
    let posting = if named.report.audience == Audience::Posting {
        "-niem-yet"
    } else {
        ""
    };
    format!(
        "hoso-bao-cao-{}-{}{posting}.{extension}",
        named.area.code,
        named.report.period.code()
    )
}

/// The report as an XLSX workbook: the area's figures, per commune, per case manager.
pub fn xlsx(named: &NamedReport) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Tổng hợp")?;
    summary_sheet(sheet, named, &bold)?;
    let communes: Vec<(String, &hoso_model::domain::report::Figures)> = named
        .report
        .by_commune
        .iter()
        .map(|(code, f)| (format!("{} ({code})", named.commune(code)), f))
        .collect();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Theo xã")?;
    table_sheet(
        sheet,
        &Localized::new("Xã, phường", "Commune"),
        &communes,
        &bold,
    )?;
    if named.report.audience == Audience::Internal {
        let managers: Vec<(String, &hoso_model::domain::report::Figures)> = named
            .report
            .by_manager
            .iter()
            .map(|(id, f)| (named.manager(id.as_deref()), f))
            .collect();
        let sheet = workbook.add_worksheet();
        sheet.set_name("Theo người quản lý")?;
        table_sheet(
            sheet,
            &Localized::new("Người quản lý đối tượng", "Case manager"),
            &managers,
            &bold,
        )?;
    }
    workbook.save_to_buffer()
}

fn summary_sheet(
    sheet: &mut Worksheet,
    named: &NamedReport,
    bold: &Format,
) -> Result<(), XlsxError> {
    sheet.write_string_with_format(
        0,
        0,
        "Số liệu quản lý trường hợp (bố cục của hoso) / Case-management figures (hoso's layout)",
        bold,
    )?;
    let mut row = 2;
    for (label, value) in heading(named) {
        sheet.write_string_with_format(row, 0, format!("{} / {}", label.vi, label.en), bold)?;
        sheet.write_string(row, 1, value)?;
        row += 1;
    }
    for note in notes(&named.report) {
        sheet.write_string(row, 0, format!("{} / {}", note.vi, note.en))?;
        row += 1;
    }
    row += 1;
    for (col, title) in ["Mã / Code", "Chỉ tiêu", "Figure", "Số liệu / Value"]
        .iter()
        .enumerate()
    {
        sheet.write_string_with_format(row, col as u16, *title, bold)?;
    }
    let mut section = String::new();
    for line in lines(&named.report.total, catalog()) {
        if line.section.vi != section {
            row += 1;
            section = line.section.vi.clone();
            let title = format!("{} / {}", line.section.vi, line.section.en);
            sheet.write_string_with_format(row, 0, title, bold)?;
        }
        row += 1;
        sheet.write_string(row, 0, &line.code)?;
        sheet.write_string(row, 1, &line.label.vi)?;
        sheet.write_string(row, 2, &line.label.en)?;
        sheet.write_number(row, 3, line.value)?;
    }
    sheet.set_column_width(0, 30)?;
    sheet.set_column_width(1, 70)?;
    sheet.set_column_width(2, 60)?;
    sheet.set_column_width(3, 14)?;
    Ok(())
}

/// A table with one row per unit (commune or manager), the headline figures as columns, and a total.
fn table_sheet(
    sheet: &mut Worksheet,
    unit: &Localized,
    rows: &[(String, &hoso_model::domain::report::Figures)],
    bold: &Format,
) -> Result<(), XlsxError> {
    let columns = columns();
    sheet.write_string_with_format(0, 0, &unit.vi, bold)?;
    sheet.write_string_with_format(1, 0, &unit.en, bold)?;
    for (index, column) in columns.iter().enumerate() {
        let col = index as u16 + 1;
        sheet.write_string_with_format(0, col, &column.label.vi, bold)?;
        sheet.write_string_with_format(1, col, &column.label.en, bold)?;
        sheet.set_column_width(col, 16)?;
    }
    let mut row = 2;
    for (name, figures) in rows {
        sheet.write_string(row, 0, name)?;
        for (index, column) in columns.iter().enumerate() {
            sheet.write_number(row, index as u16 + 1, (column.value)(figures))?;
        }
        row += 1;
    }
    sheet.write_string_with_format(row, 0, "Tổng / Total", bold)?;
    for (index, column) in columns.iter().enumerate() {
        let total: u32 = rows.iter().map(|(_, f)| (column.value)(f)).sum();
        sheet.write_number_with_format(row, index as u16 + 1, total, bold)?;
    }
    sheet.set_column_width(0, 40)?;
    Ok(())
}

/// The report as CSV, one figure per line (`section, unit_code, unit_name, code, label_vi, label_en,
/// value`), preceded by `meta` and `note` lines; UTF-8 with a byte-order mark.
pub fn csv(named: &NamedReport) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    out.write_record([
        "section",
        "unit_code",
        "unit_name",
        "code",
        "label_vi",
        "label_en",
        "value",
    ])?;
    let area_code = named.area.code.as_str();
    for (label, value) in heading(named) {
        out.write_record([
            "meta",
            area_code,
            &named.area_name,
            "",
            &label.vi,
            &label.en,
            &value,
        ])?;
    }
    for note in notes(&named.report) {
        out.write_record([
            "note",
            area_code,
            &named.area_name,
            "",
            &note.vi,
            &note.en,
            "",
        ])?;
    }
    for line in lines(&named.report.total, catalog()) {
        let value = line.value.to_string();
        let label_vi = format!("{}: {}", line.section.vi, line.label.vi);
        let label_en = format!("{}: {}", line.section.en, line.label.en);
        out.write_record([
            "area",
            area_code,
            &named.area_name,
            &line.code,
            &label_vi,
            &label_en,
            &value,
        ])?;
    }
    for (code, figures) in &named.report.by_commune {
        let name = named.commune(code);
        for column in columns() {
            let value = (column.value)(figures).to_string();
            out.write_record([
                "commune",
                code,
                &name,
                column.code,
                &column.label.vi,
                &column.label.en,
                &value,
            ])?;
        }
    }
    for (id, figures) in &named.report.by_manager {
        let name = named.manager(id.as_deref());
        for column in columns() {
            let value = (column.value)(figures).to_string();
            let id = id.as_deref().unwrap_or_default();
            out.write_record([
                "manager",
                id,
                &name,
                column.code,
                &column.label.vi,
                &column.label.en,
                &value,
            ])?;
        }
    }
    out.into_inner().map_err(|e| e.into_error().into())
}
