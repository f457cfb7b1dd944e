//! `hoso-server`: the sync server and the dashboard. `serve` runs them; `admin` sets up areas, users,
//! devices and dashboard codes; `report` writes a periodic report to a file. All work on the embedded
//! SQLite file of a data folder (the default) or on PostgreSQL (`--database URL` or
//! `HOSO_DATABASE_URL`).

use clap::{Parser, Subcommand};
use hoso_model::admin_units::AdminUnits;
use hoso_model::area::{Area, AreaKind};
use hoso_model::domain::config::Config;
use hoso_model::hlc::system_now_millis;
use hoso_model::protocol::AdminUnitsUpdate;
use hoso_model::role::Role;
use hoso_server::blobs::location::BlobLocation;
use hoso_server::blobs::{self, PhotoLimits, Photos};
use hoso_server::storage::{self, PgStorage, SqliteStorage, Storage};
use hoso_server::{api, demo, report, web};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "hoso-server",
    version,
    about = "hoso sync server / máy chủ đồng bộ hoso"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server.
    Serve {
        #[command(flatten)]
        database: DatabaseArgs,
        #[arg(long, default_value = "127.0.0.1:8787")]
        listen: SocketAddr,
        /// Load a demo commune with realistic cases and print enrollment codes for its users.
        #[arg(long)]
        demo: bool,
        /// Behind a reverse proxy you trust: rate limits count the client address it puts last in
        /// `X-Forwarded-For` instead of the proxy's own.
        #[arg(long, env = "HOSO_BEHIND_PROXY")]
        behind_proxy: bool,
        #[command(flatten)]
        photos: PhotoArgs,
    },
    /// Copy an embedded deployment (a data folder) to PostgreSQL, verify it, and say so. Safe to
    /// run again after an interruption.
    Migrate {
        /// The data folder of the embedded deployment (stop its server first).
        #[arg(long)]
        from: PathBuf,
        /// The PostgreSQL database to copy it to.
        #[arg(long)]
        to: String,
        /// Where the PostgreSQL deployment keeps photos (as `serve --blob-store`): the images of the
        /// data folder's `blobs/` are copied there. Without it they stay in the data folder.
        #[arg(long, env = blobs::location::ENV)]
        blob_store: Option<String>,
    },
    /// Set up areas, users and devices (works on the data folder directly).
    Admin {
        #[command(flatten)]
        database: DatabaseArgs,
        #[command(subcommand)]
        action: AdminAction,
    },
    /// Write the periodic report of an area for a period (works on the database directly).
    Report {
        #[command(flatten)]
        database: DatabaseArgs,
        /// A province (2 digits), a commune (5 digits) or a facility id.
        #[arg(long)]
        area: String,
        /// 2026 (a year), 2026-H1, 2026-Q2 or 2026-05.
        #[arg(long)]
        period: String,
        #[arg(long, value_parser = ["xlsx", "csv"], default_value = "xlsx")]
        format: String,
        #[arg(long)]
        out: PathBuf,
        /// The version for public posting: no HIV/AIDS category, no figures per worker.
        #[arg(long)]
        for_posting: bool,
    },
}

/// Where the server keeps its data: the embedded SQLite file in a folder (the default), or a
/// PostgreSQL database that several server processes share.
#[derive(clap::Args)]
struct DatabaseArgs {
    /// Folder for the embedded database and server data.
    #[arg(long, default_value = "hoso-data")]
    data: PathBuf,
    /// A PostgreSQL database (`postgres://user@host/db`) instead of the embedded SQLite file.
    #[arg(long, env = "HOSO_DATABASE_URL")]
    database: Option<String>,
    /// Connections this process keeps to PostgreSQL.
    #[arg(long, default_value_t = storage::postgres::DEFAULT_POOL_SIZE)]
    pool_size: u32,
}

/// Where photo images go and how much a device may send.
#[derive(clap::Args)]
struct PhotoArgs {
    /// Where photo images are kept: the data folder's `blobs/` by default, `file:///FOLDER`, or
    /// `s3://BUCKET?endpoint=URL&region=R` (credentials from AWS_ACCESS_KEY_ID and
    /// AWS_SECRET_ACCESS_KEY). Also HOSO_BLOB_STORE.
    #[arg(long, env = blobs::location::ENV)]
    blob_store: Option<String>,
    /// The largest photo image accepted, in bytes.
    #[arg(long, default_value_t = PhotoLimits::default().max_photo_bytes)]
    max_photo_bytes: u64,
    /// Photo bytes one device may upload per day (0: no limit).
    #[arg(long, default_value_t = PhotoLimits::default().daily_quota_bytes)]
    photo_quota_bytes: u64,
}

#[derive(Subcommand)]
enum AdminAction {
    CreateArea {
        #[arg(long, value_parser = ["commune", "province", "facility"])]
        kind: String,
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
    },
    CreateUser {
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = ["collaborator", "case_manager", "approver", "provincial_officer", "admin"])]
        role: String,
        #[arg(long, value_parser = ["commune", "province", "facility"])]
        area_kind: String,
        #[arg(long)]
        area_code: String,
    },
    IssueCode {
        #[arg(long)]
        user: String,
    },
    RevokeDevice {
        #[arg(long)]
        device: String,
    },
    /// A one-time code with which the user sets their dashboard sign-in and password at /setup.
    IssueWebCode {
        #[arg(long)]
        user: String,
    },
    IssueAdminToken,
    /// Set what the law leaves open for a province or facility, from a JSON file (see `Config`).
    SetConfig {
        #[arg(long, value_parser = ["province", "facility"])]
        area_kind: String,
        #[arg(long)]
        area_code: String,
        #[arg(long)]
        config: PathBuf,
    },
    /// Import a newer list of administrative units (the CSV files of model/data/admin_units), which
    /// devices receive from its effective day.
    ImportAdminUnits {
        #[arg(long)]
        version: String,
        /// YYYY-MM-DD
        #[arg(long)]
        effective: String,
        #[arg(long)]
        provinces: PathBuf,
        #[arg(long)]
        communes: PathBuf,
    },
}

impl DatabaseArgs {
    fn open(&self) -> Result<Arc<dyn Storage>, String> {
        match &self.database {
            Some(url) if storage::postgres::is_postgres_url(url) => PgStorage::connect(url, self.pool_size)
                .map(|s| Arc::new(s) as Arc<dyn Storage>)
                .map_err(|e| format!("cannot open the PostgreSQL database: {e}")),
            Some(_) => Err("--database takes a postgres:// URL; without it the data folder's SQLite file is used".into()),
            None => open_sqlite(&self.data).map(|s| Arc::new(s) as Arc<dyn Storage>),
        }
    }

    /// What the startup banner says about the database (never a password).
    fn describe(&self) -> String {
        match &self.database {
            Some(url) => format!("PostgreSQL ({})", without_password(url)),
            None => {
                "embedded SQLite, encrypted (hoso-server.db, key in server.key or HOSO_SERVER_KEY)"
                    .into()
            }
        }
    }
}

/// A database URL with its password, if any, left out.
fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.split_once('@') {
        Some((credentials, host)) => {
            let user = credentials.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}@{host}")
        }
        None => url.to_string(),
    }
}

fn open_sqlite(data: &Path) -> Result<SqliteStorage, String> {
    std::fs::create_dir_all(data)
        .map_err(|e| format!("cannot create the data folder {}: {e}", data.display()))?;
    let key = hoso_server::keyfile::load_or_create(data)?;
    SqliteStorage::open(&data.join("hoso-server.db"), &key)
        .map_err(|e| format!("cannot open the database: {e}"))
}

/// The photo service: the configured blob store, sealed with the data folder's key, and the limits.
fn open_photos(data: &Path, args: &PhotoArgs) -> Result<Photos, String> {
    // Beside PostgreSQL the data folder holds only the server's key and, by default, the photos.
    std::fs::create_dir_all(data)
        .map_err(|e| format!("cannot create the data folder {}: {e}", data.display()))?;
    let key = hoso_server::keyfile::load_or_create(data)?;
    let location = BlobLocation::parse(args.blob_store.as_deref(), data)?;
    let max = hoso_model::protocol::MAX_PHOTO_BYTES;
    if args.max_photo_bytes == 0 || args.max_photo_bytes > max {
        return Err(format!("--max-photo-bytes must be between 1 and {max}"));
    }
    Ok(Photos {
        store: location.open(&key)?,
        limits: PhotoLimits {
            max_photo_bytes: args.max_photo_bytes,
            daily_quota_bytes: args.photo_quota_bytes,
        },
    })
}

/// Asks the blob store once at start, so a wrong bucket or credentials stop the server with a clear
/// message instead of failing the first upload.
async fn check_blob_store(photos: &Photos) -> Result<(), String> {
    let probe = blobs::BlobName::of(b"hoso-server start-up probe");
    photos
        .store
        .contains(&probe)
        .await
        .map(|_| ())
        .map_err(|e| {
            format!(
                "cannot reach the photo store ({}): {e}",
                photos.store.describe()
            )
        })
}

fn area(kind: &str, code: &str) -> Area {
    Area {
        kind: AreaKind::parse(kind).unwrap_or(AreaKind::Commune),
        code: code.to_string(),
    }
}

fn admin(storage: &dyn Storage, action: AdminAction) -> Result<(), String> {
    let now = system_now_millis();
    let shown = |e: storage::StorageError| match e {
        storage::StorageError::Refused(refusal) => {
            let message = refusal.message();
            format!("{} / {}", message.vi, message.en)
        }
        other => other.to_string(),
    };
    match action {
        AdminAction::CreateArea { kind, code, name } => {
            storage
                .create_area(&area(&kind, &code), &name)
                .map_err(shown)?;
            println!("created {kind} {code}");
        }
        AdminAction::CreateUser {
            name,
            role,
            area_kind,
            area_code,
        } => {
            let role = Role::parse(&role).unwrap_or(Role::Collaborator);
            println!(
                "{}",
                storage
                    .create_user(&name, role, &area(&area_kind, &area_code))
                    .map_err(shown)?
            );
        }
        AdminAction::IssueCode { user } => {
            println!("{}", storage.issue_code(&user, now).map_err(shown)?.0)
        }
        AdminAction::IssueWebCode { user } => {
            let (code, _) = storage.issue_web_code(&user, now).map_err(shown)?;
            println!("{code}");
            println!("set the password at /setup?code={code} (valid 7 days)");
        }
        AdminAction::RevokeDevice { device } => {
            storage.revoke_device(&device).map_err(shown)?;
            println!("revoked {device}");
        }
        AdminAction::IssueAdminToken => {
            println!("{}", storage.issue_admin_token(now).map_err(shown)?)
        }
        AdminAction::SetConfig {
            area_kind,
            area_code,
            config,
        } => {
            let config = read_config(&config)?;
            let version = storage
                .set_config(&area(&area_kind, &area_code), &config)
                .map_err(shown)?;
            println!("configuration version {version} for {area_kind} {area_code}");
        }
        AdminAction::ImportAdminUnits {
            version,
            effective,
            provinces,
            communes,
        } => {
            let update = read_units(&version, &effective, &provinces, &communes)?;
            storage.import_admin_units(&update, now).map_err(shown)?;
            println!(
                "imported {version}: {} provinces, {} communes, in force from {effective}",
                update.units.provinces.len(),
                update.units.communes.len()
            );
        }
    }
    Ok(())
}

/// The area a report names: 2 digits a province, 5 a commune, anything else a facility.
fn report_area(code: &str) -> Area {
    let digits = code.bytes().all(|b| b.is_ascii_digit());
    let kind = match code.len() {
        2 if digits => AreaKind::Province,
        5 if digits => AreaKind::Commune,
        _ => AreaKind::Facility,
    };
    Area {
        kind,
        code: code.to_string(),
    }
}

fn write_report(
    storage: &dyn Storage,
    area: &str,
    period: &str,
    format: &str,
    out: &Path,
    for_posting: bool,
) -> Result<(), String> {
    use hoso_model::domain::report::{Audience, Period};
    let period = Period::parse(period).map_err(|m| format!("{} / {}", m.vi, m.en))?;
    let audience = if for_posting {
        Audience::Posting
    } else {
        Audience::Internal
    };
    let today = hoso_model::domain::local_date(system_now_millis());
    let named = report::prepare(storage, &report_area(area), period, audience, today)
        .map_err(|e| format!("cannot read the cases: {e}"))?;
    let bytes = if format == "csv" {
        report::csv(&named).map_err(|e| format!("cannot write CSV: {e}"))?
    } else {
        report::xlsx(&named).map_err(|e| format!("cannot write XLSX: {e}"))?
    };
    std::fs::write(out, bytes).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    println!(
        "{}: {} — {} ({} cases open at the end)",
        out.display(),
        named.area_name,
        named.report.period.label().vi,
        named.report.total.open_at_end
    );
    Ok(())
}

fn read_config(path: &Path) -> Result<Config, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let config: Config = serde_json::from_str(&text)
        .map_err(|e| format!("{} is not a configuration: {e}", path.display()))?;
    config.check().map_err(|m| format!("{} / {}", m.vi, m.en))?;
    Ok(config)
}

fn read_units(
    version: &str,
    effective: &str,
    provinces: &Path,
    communes: &Path,
) -> Result<AdminUnitsUpdate, String> {
    let read = |path: &Path| {
        std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    };
    let units = AdminUnits::from_csv(version, &read(provinces)?, &read(communes)?)
        .map_err(|m| format!("{} / {}", m.vi, m.en))?;
    let effective = chrono::NaiveDate::parse_from_str(effective, "%Y-%m-%d")
        .map_err(|_| "the effective day must be YYYY-MM-DD".to_string())?;
    Ok(AdminUnitsUpdate { effective, units })
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

fn serve(
    database: DatabaseArgs,
    listen: SocketAddr,
    demo: bool,
    options: api::RouterOptions,
    photos: &PhotoArgs,
) -> Result<(), String> {
    let storage = database.open()?;
    let photos = open_photos(&database.data, photos)?;
    println!("hoso-server {}", env!("CARGO_PKG_VERSION"));
    if database.database.is_none() {
        let data = &database.data;
        println!(
            "  data folder : {}",
            std::fs::canonicalize(data)
                .unwrap_or(data.clone())
                .display()
        );
    }
    println!("  database    : {}", database.describe());
    println!("  photos      : {}", photos.store.describe());
    println!("  listening on: http://{listen}");
    println!("  dashboard   : http://{listen}/ (sign in; Vietnamese, English on request)");
    if demo {
        demo::load(storage.as_ref()).map_err(|e| format!("cannot load the demo data: {e}"))?;
    }
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        check_blob_store(&photos).await?;
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
        println!("ready");
        let app =
            api::router_with(storage.clone(), options, Some(photos)).merge(web::router(storage));
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| e.to_string())
    })
}

fn migrate(from: &Path, to: &str) -> Result<(), String> {
    if !storage::postgres::is_postgres_url(to) {
        return Err("--to takes a postgres:// URL".into());
    }
    let reports = hoso_server::migrate::migrate(from, to).map_err(|e| format!("migration: {e}"))?;
    let mut verified = true;
    for report in &reports {
        println!(
            "{:>16}: {:>9} rows, {}",
            report.table,
            report.rows,
            if report.hash_matches {
                "same SHA-256"
            } else {
                "DIFFERENT SHA-256"
            }
        );
        verified &= report.hash_matches;
    }
    if !verified {
        return Err("the copy differs from the source: run migrate again".into());
    }
    println!("migrated and verified: {}", without_password(to));
    Ok(())
}

/// Copies the data folder's photo images to the store the PostgreSQL deployment will use, if another.
fn migrate_photos(from: &Path, blob_store: Option<&str>) -> Result<(), String> {
    let source = BlobLocation::parse(None, from)?;
    let target = BlobLocation::parse(blob_store, from)?;
    if source == target {
        println!(
            "photos stay in {}",
            from.join(blobs::location::DEFAULT_FOLDER).display()
        );
        return Ok(());
    }
    let key = hoso_server::keyfile::load_or_create(from)?;
    let (source, target) = (source.open(&key)?, target.open(&key)?);
    let bar = indicatif::ProgressBar::new(0);
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    let report = runtime
        .block_on(blobs::copy::copy_all(
            source.as_ref(),
            target.as_ref(),
            &|done, total| {
                bar.set_length(total);
                bar.set_position(done);
            },
        ))
        .map_err(|e| format!("copying the photos to {}: {e}", target.describe()))?;
    bar.finish_and_clear();
    println!(
        "{:>16}: {:>9} images, {} copied now, all present in {}",
        "photos",
        report.images,
        report.copied,
        target.describe()
    );
    Ok(())
}

fn main() {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let outcome = match Cli::parse().command {
        Command::Serve {
            database,
            listen,
            demo,
            behind_proxy,
            photos,
        } => serve(
            database,
            listen,
            demo,
            api::RouterOptions { behind_proxy },
            &photos,
        ),
        Command::Migrate {
            from,
            to,
            blob_store,
        } => migrate(&from, &to).and_then(|()| migrate_photos(&from, blob_store.as_deref())),
        Command::Admin { database, action } => database
            .open()
            .and_then(|storage| admin(storage.as_ref(), action)),
        Command::Report {
            database,
            area,
            period,
            format,
            out,
            for_posting,
        } => database.open().and_then(|storage| {
            write_report(storage.as_ref(), &area, &period, &format, &out, for_posting)
        }),
    };
    if let Err(message) = outcome {
        eprintln!("hoso-server: {message}");
        std::process::exit(1);
    }
}
