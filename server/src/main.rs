//! `hoso-server`: the sync server. `serve` runs it; `admin` sets up areas, users and devices.

use clap::{Parser, Subcommand};
use hoso_model::admin_units::AdminUnits;
use hoso_model::area::{Area, AreaKind};
use hoso_model::domain::config::Config;
use hoso_model::hlc::system_now_millis;
use hoso_model::protocol::AdminUnitsUpdate;
use hoso_model::role::Role;
use hoso_server::storage::{self, SqliteStorage, Storage};
use hoso_server::{api, demo};
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
        /// Folder for the database and server data.
        #[arg(long, default_value = "hoso-data")]
        data: PathBuf,
        #[arg(long, default_value = "127.0.0.1:8787")]
        listen: SocketAddr,
        /// Load a demo commune with realistic cases and print enrollment codes for its users.
        #[arg(long)]
        demo: bool,
    },
    /// Set up areas, users and devices (works on the data folder directly).
    Admin {
        #[arg(long, default_value = "hoso-data")]
        data: PathBuf,
        #[command(subcommand)]
        action: AdminAction,
    },
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

fn open_storage(data: &Path) -> Result<SqliteStorage, String> {
    std::fs::create_dir_all(data)
        .map_err(|e| format!("cannot create the data folder {}: {e}", data.display()))?;
    let key = hoso_server::keyfile::load_or_create(data)?;
    SqliteStorage::open(&data.join("hoso-server.db"), &key)
        .map_err(|e| format!("cannot open the database: {e}"))
}

fn area(kind: &str, code: &str) -> Area {
    Area {
        kind: AreaKind::parse(kind).unwrap_or(AreaKind::Commune),
        code: code.to_string(),
    }
}

fn admin(storage: &SqliteStorage, action: AdminAction) -> Result<(), String> {
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

fn serve(data: PathBuf, listen: SocketAddr, demo: bool) -> Result<(), String> {
    let storage = Arc::new(open_storage(&data)?);
    println!("hoso-server {}", env!("CARGO_PKG_VERSION"));
    println!(
        "  data folder : {}",
        std::fs::canonicalize(&data)
            .unwrap_or(data.clone())
            .display()
    );
    println!(
        "  database    : embedded SQLite, encrypted (hoso-server.db, key in server.key or HOSO_SERVER_KEY)"
    );
    println!("  listening on: http://{listen}");
    if demo {
        demo::load(storage.as_ref()).map_err(|e| format!("cannot load the demo data: {e}"))?;
    }
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
        println!("ready");
        axum::serve(listener, api::router(storage))
            .with_graceful_shutdown(shutdown_signal())
            .await
            .map_err(|e| e.to_string())
    })
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
        Command::Serve { data, listen, demo } => serve(data, listen, demo),
        Command::Admin { data, action } => {
            open_storage(&data).and_then(|storage| admin(&storage, action))
        }
    };
    if let Err(message) = outcome {
        eprintln!("hoso-server: {message}");
        std::process::exit(1);
    }
}
