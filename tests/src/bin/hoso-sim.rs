//! `hoso-sim`: many real hoso-core devices (each its own encrypted database) against a real
//! `hoso-server`. Every command ends with one JSON line on stdout.

use clap::{Parser, Subcommand};
use hoso_tests::load::{LoadOptions, load};
use hoso_tests::photo_sim::{CAMERA, upload_bench};
use hoso_tests::sim::{ScenarioOptions, initial_sync, scenario};
use hoso_tests::{Database, Server, ServerOptions};
use std::sync::{Arc, Mutex};

#[derive(Parser)]
#[command(
    name = "hoso-sim",
    about = "Simulates offline collaborators syncing with hoso-server"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args)]
struct Target {
    /// A running server; without it, hoso-sim starts its own on a free loopback port.
    #[arg(long, requires = "admin_token")]
    server: Option<String>,
    /// An admin token of that server (`hoso-server admin issue-admin-token`).
    #[arg(long)]
    admin_token: Option<String>,
    /// A PostgreSQL server (`postgres://user@host/db`): the servers hoso-sim starts run on a scratch
    /// database created on it for this run (and dropped after). Without it, the embedded SQLite.
    #[arg(long, conflicts_with = "server")]
    database: Option<String>,
    /// How many server processes hoso-sim starts on that database; devices are spread across them.
    #[arg(long, default_value_t = 1, requires = "database")]
    servers: usize,
}

impl Target {
    fn server(&self) -> (Server, bool) {
        match (&self.server, &self.admin_token) {
            (Some(url), Some(token)) => (Server::connect(url, token), false),
            _ => (
                Server::start_with(&ServerOptions {
                    database: match &self.database {
                        Some(url) => Database::Postgres(url.clone()),
                        None => Database::Embedded,
                    },
                    processes: self.servers,
                    ..ServerOptions::default()
                }),
                true,
            ),
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Devices record cases offline, edit shared cases concurrently and sync in random order.
    Scenario {
        #[command(flatten)]
        target: Target,
        #[arg(long, default_value_t = 10)]
        devices: usize,
        #[arg(long, default_value_t = 50)]
        cases: usize,
        #[arg(long, default_value_t = 200)]
        edits: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Drop, duplicate and cut requests (uploads too), and restart the server mid-push and
        /// mid-upload (when hoso-sim started it).
        #[arg(long)]
        faults: bool,
        /// Photos each device attaches and uploads: 3 MP camera JPEGs made at start.
        #[arg(long, default_value_t = 0)]
        photos: usize,
    },
    /// Photos sent through a bandwidth-limited link (2G-like by default), in chunks of several sizes
    /// and with cuts, side by side in one run; and what a photo record with its thumbnail costs a
    /// colleague's pull.
    PhotoUpload {
        /// Photos per variant.
        #[arg(long, default_value_t = 3)]
        photos: usize,
        /// The link's speed, both ways.
        #[arg(long, default_value_t = 250)]
        kbit: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Many devices at once, each pushing a day of work and pulling its commune: push and pull
    /// latencies (p50, p99) and errors.
    Load {
        #[command(flatten)]
        target: Target,
        #[arg(long, default_value_t = 1_000)]
        devices: usize,
        /// Communes the devices are spread over.
        #[arg(long, default_value_t = 20)]
        communes: usize,
        /// Cases each device records in its day (a subject and three visits each).
        #[arg(long, default_value_t = 2)]
        cases: usize,
        /// The devices start within this many seconds.
        #[arg(long, default_value_t = 10)]
        window_s: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// A commune's caseload is pushed, then a fresh device pulls its whole scope.
    InitialSync {
        #[command(flatten)]
        target: Target,
        #[arg(long, default_value_t = 2_000)]
        cases: usize,
        #[arg(long, default_value_t = 20_000)]
        visits: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

fn main() {
    let line = match Cli::parse().command {
        Command::Scenario {
            target,
            devices,
            cases,
            edits,
            seed,
            faults,
            photos,
        } => {
            if devices == 0 {
                eprintln!("hoso-sim: --devices must be at least 1");
                std::process::exit(2);
            }
            let (server, owned) = target.server();
            let report = scenario(
                Arc::new(Mutex::new(server)),
                owned,
                &ScenarioOptions {
                    devices,
                    cases,
                    edits,
                    seed,
                    faults,
                    photos,
                    photo_size: CAMERA,
                },
            );
            serde_json::to_string(&report)
        }
        Command::Load {
            target,
            devices,
            communes,
            cases,
            window_s,
            seed,
        } => {
            let (server, _) = target.server();
            serde_json::to_string(&load(
                &server,
                &LoadOptions {
                    devices,
                    communes,
                    cases_per_device: cases,
                    window_s,
                    seed,
                },
            ))
        }
        Command::InitialSync {
            target,
            cases,
            visits,
            seed,
        } => {
            let (server, _) = target.server();
            serde_json::to_string(&initial_sync(&server, cases, visits, seed))
        }
        Command::PhotoUpload { photos, kbit, seed } => {
            serde_json::to_string(&upload_bench(photos.max(1), kbit.max(1), seed))
        }
    };
    println!("{}", line.expect("reports serialise"));
}
