//! Every workload of the benchmark tool at a tiny size, through the real `tether-bench` binary
//! (the one `tether bench` runs), so the tool never rots: each run must finish, write its JSON and report sane numbers (something measured,
//! no errors, percentiles in order). Sizes are chosen to take a few seconds each in a debug
//! build.

use crate::support::{TempDir, nats_url, postgres_admin_url, tether_bench};
use serde_json::Value;

/// The small PostgreSQL chat load of the fixed-rate runs: 2 chats of 5, 50 msgs/s for 2 s.
const SMALL_CHAT_AT_50: &[&str] = &[
    "--clients",
    "10",
    "--chats",
    "2",
    "--members",
    "5",
    "--seconds",
    "2",
    "--warmup",
    "0.5",
    "--rate",
    "50",
    "--settle",
    "0.2",
];

/// Runs `tether-bench <args> --json <file>` and returns the JSON it wrote.
fn bench(args: &[&str]) -> Value {
    let dir = TempDir::new("bench-smoke");
    let json = dir.0.join("result.json");
    let out = tether_bench()
        .args(args)
        .arg("--json")
        .arg(&json)
        .env("TETHER_LOG", "warn")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "tether-bench {args:?} failed\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(
        stdout.contains("tether bench"),
        "the table is printed: {stdout}"
    );
    let text = std::fs::read_to_string(&json).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// What every result has, with sane values.
#[track_caller]
fn check_common(r: &Value, workload: &str) {
    assert_eq!(r["workload"], workload, "{r:#}");
    for key in [
        "backend",
        "params",
        "throughput_per_s",
        "latency_ms",
        "errors",
        "server_peak_rss_bytes",
        "duration_s",
    ] {
        assert!(r.get(key).is_some(), "{key} missing in {r:#}");
    }
    assert!(r["throughput_per_s"].as_f64().unwrap() > 0.0, "{r:#}");
    assert_eq!(r["errors"], 0, "{r:#}");
    let l = &r["latency_ms"];
    let (p50, p90, p99, max) = (
        l["p50"].as_f64().unwrap(),
        l["p90"].as_f64().unwrap(),
        l["p99"].as_f64().unwrap(),
        l["max"].as_f64().unwrap(),
    );
    assert!(p50 > 0.0 && p50 <= p90 && p90 <= p99 && p99 <= max, "{l:#}");
}

#[test]
fn chat_on_sqlite_delivers_every_message() {
    let r = bench(&[
        "chat",
        "--clients",
        "20",
        "--chats",
        "4",
        "--members",
        "5",
        "--seconds",
        "2",
        "--warmup",
        "0.5",
        "--settle",
        "0.2",
    ]);
    check_common(&r, "chat");
    assert_eq!(r["backend"], "sqlite");
    // Users signed in through POST /auth/login; the server's memory before and after.
    for key in ["server_rss_start_bytes", "server_rss_after_bytes"] {
        assert!(r[key].as_u64().unwrap() > 0, "{key}: {r:#}");
    }
    assert!(r["delivered_per_s"].as_f64().unwrap() > 0.0);
    assert_eq!(r["delivered"], r["expected_deliveries"], "{r:#}");
    // Every accepted message reaches its 5 members.
    assert_eq!(
        r["expected_deliveries"].as_u64().unwrap(),
        5 * r["accepted"].as_u64().unwrap()
    );
    assert!(r["server_peak_rss_bytes"].as_u64().unwrap() > 0);
    // Every send was written by group commit: at least one per commit.
    assert!(r["sends_per_commit"].as_f64().unwrap() >= 1.0, "{r:#}");
}

#[test]
fn chat_on_postgres_at_a_fixed_rate() {
    let url = postgres_admin_url();
    let r = bench(
        &[
            &["chat", "--database", &url, "--pattern", "burst"],
            SMALL_CHAT_AT_50,
        ]
        .concat(),
    );
    check_common(&r, "chat");
    assert_eq!(r["params"]["pattern"], "burst", "{r:#}");
    assert_eq!(r["backend"], "postgres");
    let rate = r["throughput_per_s"].as_f64().unwrap();
    assert!(
        (40.0..=60.0).contains(&rate),
        "about 50 msgs/s offered and accepted: {rate}"
    );
    assert_eq!(r["delivered"], r["expected_deliveries"], "{r:#}");
}

#[test]
fn bare_is_the_same_load_without_storage() {
    let r = bench(&[
        "bare",
        "--clients",
        "20",
        "--chats",
        "4",
        "--members",
        "5",
        "--seconds",
        "2",
        "--warmup",
        "0.5",
    ]);
    check_common(&r, "bare");
    assert_eq!(r["backend"], "bare");
    assert_eq!(r["delivered"], r["expected_deliveries"], "{r:#}");
}

#[test]
fn idle_reports_memory_per_connection_of_a_child_server() {
    let r = bench(&[
        "idle",
        "--connections",
        "200",
        "--per-user",
        "10",
        "--seconds",
        "1",
    ]);
    check_common(&r, "idle");
    assert_eq!(r["server"], "child");
    assert_eq!(r["connections"], 200);
    assert!(r["rss_after_bytes"].as_u64().unwrap() > 0, "{r:#}");
    assert!(r["bytes_per_connection"].is_number(), "{r:#}");
}

#[test]
fn chat_on_two_nodes_with_nats() {
    let (url, nats) = (postgres_admin_url(), nats_url());
    let r = bench(
        &[
            &["chat", "--nodes", "2", "--nats", &nats, "--database", &url],
            SMALL_CHAT_AT_50,
        ]
        .concat(),
    );
    check_common(&r, "chat");
    assert_eq!(r["server"], "two nodes");
    assert_eq!(r["delivered"], r["expected_deliveries"], "{r:#}");
    for key in ["node_a_cores_used", "node_b_cores_used"] {
        assert!(r[key].as_f64().is_some(), "{key}: {r:#}");
    }
    assert!(
        r["server_cpu_seconds_per_1000_messages"].as_f64().unwrap() > 0.0,
        "{r:#}"
    );
    assert!(r["sends_per_commit"].as_f64().unwrap() >= 1.0, "{r:#}");
}

#[test]
fn panel_measures_reads_and_searches_and_guards_missing_endpoints() {
    let cache = TempDir::new("bench-smoke");
    let r = bench(&[
        "panel",
        "--records",
        "1000",
        "--chats",
        "100",
        "--messages",
        "2000",
        "--users",
        "40",
        "--seconds",
        "2",
        "--cache-dir",
        cache.0.to_str().unwrap(),
    ]);
    check_common(&r, "panel");
    let per = &r["per_request"];
    for op in ["record", "timeline", "messages", "search", "finder"] {
        assert!(
            per[op]["latency_ms"]["samples"].as_u64().unwrap() > 0,
            "{op}: {per:#}"
        );
    }
    // The finder's answers, split by the length of the text typed, add up to all of them.
    let finder = &per["finder"];
    let by_length: u64 = ["one_letter", "two_letters", "three_or_more", "number"]
        .iter()
        .map(|k| finder[k]["latency_ms"]["samples"].as_u64().unwrap())
        .sum();
    assert_eq!(
        by_length,
        finder["latency_ms"]["samples"].as_u64().unwrap(),
        "{finder:#}"
    );
    // The panel and suggestions are measured once the server has them, "not available" before.
    for op in ["panel", "suggestions"] {
        assert!(
            per[op].is_object() || per[op].as_str().unwrap().starts_with("not available"),
            "{op}: {per:#}"
        );
    }
    assert_eq!(r["data_set"]["messages"], 2000);
    assert_eq!(r["data_set"]["users"], 40);
}

#[test]
fn an_unranked_data_set_measures_the_finder_without_suggestions() {
    let cache = TempDir::new("bench-smoke");
    let r = bench(&[
        "panel",
        "--unranked",
        "--only",
        "finder,record",
        "--records",
        "1000",
        "--chats",
        "50",
        "--messages",
        "500",
        "--users",
        "40",
        "--seconds",
        "1",
        "--cache-dir",
        cache.0.to_str().unwrap(),
    ]);
    let per = &r["per_request"];
    assert!(
        per["finder"]["latency_ms"]["samples"].as_u64().unwrap() > 0,
        "{per:#}"
    );
    assert!(
        per.get("suggestions").is_none_or(|s| !s.is_object()),
        "{per:#}"
    );
    // Cached apart from the ranked data set of the same sizes.
    let names: Vec<String> = std::fs::read_dir(&cache.0)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().any(|n| n.ends_with("_unranked.db")),
        "{names:?}"
    );
}

/// The small data set of the agents and reconnect runs.
const SMALL_DATA_SET: &[&str] = &[
    "--records",
    "1000",
    "--chats",
    "200",
    "--messages",
    "2000",
    "--users",
    "60",
];

#[test]
fn agents_are_added_in_steps_and_every_step_is_judged() {
    let cache = TempDir::new("bench-smoke");
    let mut args = vec!["agents"];
    args.extend_from_slice(SMALL_DATA_SET);
    args.extend_from_slice(&[
        "--start",
        "20",
        "--step",
        "20",
        "--max",
        "40",
        "--ramp",
        "0.5",
        "--step-seconds",
        "3",
        "--think",
        "0.3",
        "--cache-dir",
        cache.0.to_str().unwrap(),
    ]);
    let r = bench(&args);
    check_common(&r, "agents");
    let steps = r["steps"].as_array().unwrap();
    assert!(!steps.is_empty() && steps.len() <= 2, "{r:#}");
    assert_eq!(steps[0]["agents"], 20, "{r:#}");
    for step in steps {
        assert!(step["requests"].as_u64().unwrap() > 0, "{step:#}");
        assert_eq!(step["errors"], 0, "{step:#}");
        // Every action of the day's mix but the rare reconnect happens in a few hundred.
        for action in ["open_chat", "send", "open_record", "my_work"] {
            assert!(
                step["actions"][action].as_u64().unwrap() > 0,
                "{action}: {step:#}"
            );
        }
        // The server runs as a child: its CPU is its own, the verdict says what it used.
        assert!(step["cpu"]["server_cores"].as_f64().is_some(), "{step:#}");
        assert!(
            step["cpu"]["server_side_share"].as_f64().is_some(),
            "{step:#}"
        );
        assert!(step["tripped"].is_array(), "{step:#}");
    }
    // The supported number is the last step that passed (none, in a debug build on a busy
    // machine, is a valid outcome).
    let passed: Vec<u64> = steps
        .iter()
        .filter(|s| s["tripped"].as_array().unwrap().is_empty())
        .map(|s| s["agents"].as_u64().unwrap())
        .collect();
    assert_eq!(
        r["supported_agents"].as_u64().unwrap(),
        passed.last().copied().unwrap_or(0),
        "{r:#}"
    );
    // Messages sent reached the other members' sockets.
    assert!(
        steps[0]["delivery_ms"]["samples"].as_u64().unwrap() > 0,
        "{r:#}"
    );
}

#[test]
fn a_reconnect_storm_brings_every_client_back() {
    let cache = TempDir::new("bench-smoke");
    let mut args = vec!["reconnect"];
    args.extend_from_slice(SMALL_DATA_SET);
    args.extend_from_slice(&[
        "--clients",
        "40",
        "--within",
        "1",
        "--catch-up",
        "5",
        "--missed",
        "20",
        "--settle",
        "0.2",
        "--deadline",
        "60",
        "--cache-dir",
        cache.0.to_str().unwrap(),
    ]);
    let r = bench(&args);
    check_common(&r, "reconnect");
    assert_eq!(r["clients_caught_up"], 40, "{r:#}");
    assert_eq!(r["passed"], true, "{r:#}");
    assert_eq!(r["connect_ms"]["samples"], 40, "{r:#}");
    assert_eq!(r["chat_list_ms"]["samples"], 40, "{r:#}");
    // The messages sent while they were away arrived, and the clients reloaded the chats
    // that changed, not every chat they had on screen.
    assert_eq!(r["missed_sent"], 20, "{r:#}");
    // The child server's memory at each phase, split into its own and mapped files.
    let phases = r["memory"].as_array().unwrap();
    assert_eq!(phases.len(), 4, "{r:#}");
    for p in phases {
        let (rss, own, file) = (
            p["rss_bytes"].as_u64().unwrap(),
            p["own_bytes"].as_u64().unwrap(),
            p["mapped_file_bytes"].as_u64().unwrap(),
        );
        assert!(
            rss > 0 && own + file <= rss + 4096 && p["peak_bytes"].as_u64().unwrap() >= rss,
            "{p:#}"
        );
    }
    let pages = r["chats_caught_up"].as_u64().unwrap();
    assert!(
        pages > 0 && pages < r["chats_on_screen"].as_u64().unwrap(),
        "{r:#}"
    );
    assert_eq!(
        r["pages_ms"]["samples"].as_u64().unwrap(),
        r["chats_caught_up"].as_u64().unwrap(),
        "{r:#}"
    );
}

#[test]
fn bad_sizes_fail_with_one_line() {
    let out = tether_bench()
        .args(["chat", "--clients", "4", "--members", "1"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--members"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    // An unranked data set cannot measure suggested contacts.
    let out = tether_bench()
        .args(["panel", "--unranked", "--records", "100"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--only without suggestions"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
}
