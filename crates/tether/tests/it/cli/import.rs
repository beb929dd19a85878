//! `tether import`: records and people from CSV and JSON Lines, upserted by external id, with a
//! summary naming each refused line; a second run changes nothing.

use super::{TempDir, reason, stderr, tether};
use std::process::Output;
use tether_store::{ConnectOptions, Store};

fn run(dir: &TempDir, args: &[&str]) -> Output {
    tether()
        .args(["import", "--database", &dir.db()])
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn i19_import_upserts_records_and_people_and_names_refused_lines() {
    let dir = TempDir::new();
    let o = tether()
        .args([
            "admin",
            "create-user",
            "--database",
            &dir.db(),
            "--email",
            "ada@example.com",
            "--name",
            "Ada Admin",
            "--password",
            "a long passphrase",
            "--role",
            "administrator",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));

    // People first, so that the records' owners resolve.
    let people = dir.0.join("agents.csv");
    std::fs::write(
        &people,
        "external_id,name,email,roles\r\n\
         a1,Olga Berg,olga@example.com,agent\r\n\
         a2,Bo Lind,bo@example.com,agent;supervisor\r\n\
         a3,,nobody@example.com,\r\n",
    )
    .unwrap();
    let path = people.to_str().unwrap();
    let o = run(&dir, &["--users", "--source", "zammad", path]);
    assert!(!o.status.success(), "one line is refused");
    let out = stdout(&o);
    assert!(
        out.contains("2 created, 0 updated, 0 already so, 1 refused"),
        "{out}"
    );
    assert!(out.contains("line 4 (a3): name"), "{out}");
    assert!(reason(&o).contains("1 line(s) refused"), "{}", stderr(&o));

    let cases = dir.0.join("tickets.csv");
    std::fs::write(
        &cases,
        "external_id,title,priority,owner_email,url\r\n\
         100,\"Printer jams, tray 2\",high,olga@example.com,https://zammad.example.com/#ticket/100\r\n\
         101,VPN drops,extreme,bo@example.com,\r\n\
         102,Unknown owner,low,nobody@example.com,\r\n\
         103,Too few cells\r\n\
         104,Mail bounces,normal,,\r\n",
    )
    .unwrap();
    let path = cases.to_str().unwrap();
    let o = run(
        &dir,
        &[
            "--type",
            "case",
            "--source",
            "zammad",
            "--owner",
            "bo@example.com",
            path,
        ],
    );
    let out = stdout(&o);
    assert!(!o.status.success(), "{out}");
    assert!(
        out.contains("2 created, 0 updated, 0 already so, 3 refused"),
        "{out}"
    );
    assert!(out.contains("line 3 (101): priority"), "{out}");
    assert!(out.contains("line 4 (102): owner"), "{out}");
    assert!(out.contains("nobody@example.com"), "{out}");
    assert!(out.contains("line 5 (): has 2 cells"), "{out}");

    // The same file again: nothing to do for the good lines.
    let o = run(
        &dir,
        &[
            "--type",
            "case",
            "--source",
            "zammad",
            "--owner",
            "bo@example.com",
            path,
        ],
    );
    assert!(
        stdout(&o).contains("0 created, 0 updated, 2 already so, 3 refused"),
        "{}",
        stdout(&o)
    );

    // JSON Lines: a change, and a line that is no JSON.
    let lines = dir.0.join("changes.jsonl");
    std::fs::write(
        &lines,
        "{\"external_id\": \"100\", \"fields\": {\"priority\": \"low\"}, \"state\": \"resolved\"}\n\
         \n\
         not json\n",
    )
    .unwrap();
    let o = run(
        &dir,
        &[
            "--type",
            "case",
            "--source",
            "zammad",
            lines.to_str().unwrap(),
        ],
    );
    let out = stdout(&o);
    assert!(
        out.contains("0 created, 1 updated, 0 already so, 1 refused"),
        "{out}"
    );
    assert!(out.contains("line 3 (): not JSON"), "{out}");

    // What the database holds.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = Store::connect(&dir.db(), &ConnectOptions::default())
            .await
            .unwrap();
        let first = store
            .record_by_external("case", "zammad", "100", None)
            .await
            .unwrap()
            .unwrap()
            .record;
        assert_eq!(first.name, "Printer jams, tray 2");
        assert_eq!(first.fields["priority"], "low");
        assert_eq!(first.owner_name, "Olga Berg");
        assert_eq!(
            first.external.and_then(|x| x.url).as_deref(),
            Some("https://zammad.example.com/#ticket/100")
        );
        let defaulted = store
            .record_by_external("case", "zammad", "104", None)
            .await
            .unwrap()
            .unwrap()
            .record;
        assert_eq!(defaulted.owner_name, "Bo Lind", "--owner");
        let bo = store
            .user_by_external("zammad", "a2")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(bo.roles, ["agent", "supervisor"]);
        store.close().await;
    });

    // Mistakes in the command itself: one line, non-zero.
    let o = run(&dir, &["--type", "case", "--source", "Zammad", path]);
    assert!(reason(&o).contains("--source"), "{}", stderr(&o));
    let o = run(&dir, &["--type", "nothing", "--source", "zammad", path]);
    assert!(reason(&o).contains("--type"), "{}", stderr(&o));
    let o = run(&dir, &["--source", "zammad", path]);
    assert!(!o.status.success(), "--type or --users is needed");
    let odd = dir.0.join("tickets.txt");
    std::fs::write(&odd, "external_id\n1\n").unwrap();
    let o = run(
        &dir,
        &[
            "--type",
            "case",
            "--source",
            "zammad",
            odd.to_str().unwrap(),
        ],
    );
    assert!(reason(&o).contains("--format"), "{}", stderr(&o));
}

/// A file past the size one import holds in memory is refused before it is read, with what to
/// do instead; nothing is written.
#[test]
fn i19_import_refuses_a_file_larger_than_it_reads_and_says_to_split_it() {
    let dir = TempDir::new();
    let big = dir.0.join("huge.csv");
    let f = std::fs::File::create(&big).unwrap();
    // Sparse: no disk is spent on it. One byte past 256 MiB (`MAX_IMPORT_BYTES`).
    f.set_len(256 * 1024 * 1024 + 1).unwrap();
    drop(f);
    let o = run(
        &dir,
        &[
            "--type",
            "case",
            "--source",
            "zammad",
            big.to_str().unwrap(),
        ],
    );
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("larger than 256 MiB") && err.contains("split"),
        "{err}"
    );
    assert!(!stdout(&o).contains("created"), "{}", stdout(&o));
}
