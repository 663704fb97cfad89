//! The `serialtrack` command line as operators and line integrators use it: real processes, real stdin/stdout.

use serde_json::Value;
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn serialtrack(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_serialtrack"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the serialtrack binary starts");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("stdin is written");
    child.wait_with_output().expect("serialtrack finishes")
}

fn lines(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stdout).lines().map(str::to_owned).collect()
}

#[test]
fn gs1_parse_json_reads_one_input_per_line_and_answers_one_object_per_line() {
    let input = "]d2010950600013435221ABC123\u{1d}10LOT7\n(01)09506000134353(21)X\r\n(21)ALONE\n";
    let output = serialtrack(&["gs1", "parse", "--json", "-"], input);
    assert_eq!(output.status.code(), Some(1), "an invalid line makes the exit code 1");
    let answers: Vec<Value> = lines(&output).iter().map(|line| serde_json::from_str(line).unwrap()).collect();
    assert_eq!(answers.len(), 3);
    assert_eq!(answers[0]["input"], "]d2010950600013435221ABC123\u{1d}10LOT7");
    assert_eq!(answers[0]["valid"], true);
    assert_eq!(
        answers[0]["elements"],
        serde_json::json!([
            {"ai": "01", "value": "09506000134352"},
            {"ai": "21", "value": "ABC123"},
            {"ai": "10", "value": "LOT7"}
        ])
    );
    assert_eq!(answers[1]["input"], "(01)09506000134353(21)X", "the CR of a CRLF line end is not part of the input");
    assert_eq!(answers[1]["valid"], false);
    assert_eq!(answers[1]["position"], 17, "the wrong check digit is the 18th character");
    assert!(answers[1]["error"].as_str().unwrap().contains("check digit"));
    assert_eq!(answers[2]["valid"], false);
    assert!(answers[2]["position"].is_null(), "a missing (01) has no single position");
}

#[test]
fn gs1_parse_takes_the_scanners_stand_in_separator() {
    let output = serialtrack(&["gs1", "parse", "--json", "--separator", "|", "010950600013435221A1|10L1"], "");
    assert_eq!(output.status.code(), Some(0));
    let answer: Value = serde_json::from_str(&lines(&output)[0]).unwrap();
    assert_eq!(answer["elements"][1], serde_json::json!({"ai": "21", "value": "A1"}));
    assert_eq!(answer["elements"][2], serde_json::json!({"ai": "10", "value": "L1"}));
}

#[test]
fn gs1_parse_prints_a_table_with_each_ais_meaning() {
    let output = serialtrack(&["gs1", "parse", "(01)09506000134352(21)ABC"], "");
    let table = lines(&output);
    assert_eq!(output.status.code(), Some(0));
    assert!(table[0].starts_with("(01)") && table[0].contains("GTIN") && table[0].ends_with("09506000134352"));
    assert!(table[1].contains("Serial number") && table[1].ends_with("ABC"));
}

#[test]
fn a_separator_of_more_than_one_character_is_a_usage_error() {
    let output = serialtrack(&["gs1", "parse", "--separator", "ab", "x"], "");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("one character"));
}

const KEY: &str = "00112233445566778899aabbccddeeff";

#[test]
fn randomised_serials_with_a_key_are_unique_and_repeatable() {
    let args = ["serials", "generate", "--count", "2000", "--key", KEY, "--length", "10"];
    let first = lines(&serialtrack(&args, ""));
    let second = lines(&serialtrack(&args, ""));
    assert_eq!(first.len(), 2000);
    assert_eq!(first, second, "the same key and counters give the same serials");
    let unique: std::collections::HashSet<&String> = first.iter().collect();
    assert_eq!(unique.len(), 2000);
    assert!(first.iter().all(|serial| serial.len() == 10));
    let continued = lines(&serialtrack(
        &["serials", "generate", "--count", "10", "--key", KEY, "--length", "10", "--start", "2000"],
        "",
    ));
    assert!(continued.iter().all(|serial| !unique.contains(serial)), "continuing from --start never repeats");
}

#[test]
fn a_scheme_too_small_for_the_fmd_rule_is_refused_with_what_to_change() {
    let output =
        serialtrack(&["serials", "generate", "--count", "200", "--alphabet", "0123456789", "--length", "6"], "");
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty(), "nothing is written");
    assert!(String::from_utf8_lossy(&output.stderr).contains("longer serial"));
}

#[test]
fn patterned_serials_follow_the_template() {
    let output =
        serialtrack(&["serials", "generate", "--count", "3", "--pattern", "CM500-{YYYY}-{NNNN}", "--year", "2026"], "");
    assert_eq!(lines(&output), ["CM500-2026-0001", "CM500-2026-0002", "CM500-2026-0003"]);
}

#[test]
fn serials_already_issued_are_refused() {
    let existing = std::env::temp_dir().join(format!("serialtrack-existing-{}.txt", std::process::id()));
    std::fs::write(&existing, "CM500-2026-0002\n").unwrap();
    let existing_path = existing.to_str().unwrap();
    let args = ["serials", "generate", "--count", "3", "--pattern", "CM500-{YYYY}-{NNNN}", "--year", "2026"];
    let output = serialtrack(&[&args[..], &["--existing", existing_path]].concat(), "");
    let _ = std::fs::remove_file(&existing);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("CM500-2026-0002 (already issued)"));
    assert!(output.stdout.is_empty());
}

/// A backup taken, a tenant added after it, the backup restored: the later tenant is gone and the remaining
/// tenant's log has a new epoch, so its devices reset and push again what the backup lacks.
#[test]
fn a_restored_backup_gives_every_log_a_new_epoch() {
    use serialtrack_server::store::{sqlite::SqliteStore, AccountStore};
    let folder = std::env::temp_dir().join(format!("serialtrack-cli-restore-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&folder).unwrap();
    let url = format!("sqlite://{}?mode=rwc", folder.join("serialtrack.db").display());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let epoch = |store: &SqliteStore, id: &str| {
        let id = id.to_owned();
        runtime.block_on(async { store.tenant(&id).await.unwrap().map(|tenant| tenant.log_epoch) })
    };
    let store = runtime.block_on(SqliteStore::connect(&url)).unwrap();
    let kept = runtime.block_on(store.tenant_create("Kept", "brand_owner")).unwrap();
    let backup = folder.join("backup.db");
    let backup_arg = backup.to_string_lossy().into_owned();
    let made = serialtrack(&["backup", "--database-url", &url, "--to", &backup_arg], "");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let again = serialtrack(&["backup", "--database-url", &url, "--to", &backup_arg], "");
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"), "a backup never overwrites a file");
    let later = runtime.block_on(store.tenant_create("Later", "brand_owner")).unwrap();
    let before = epoch(&store, &kept.id);
    drop(store);

    let restored = serialtrack(&["restore", "--database-url", &url, "--from", &backup_arg], "");
    assert!(restored.status.success(), "{}", String::from_utf8_lossy(&restored.stderr));
    assert!(String::from_utf8_lossy(&restored.stdout).contains("1 organisations' logs have a new epoch"));
    let store = runtime.block_on(SqliteStore::connect(&url)).unwrap();
    assert_eq!(epoch(&store, &later.id), None, "what came after the backup is gone");
    let after = epoch(&store, &kept.id);
    assert!(after.is_some() && after != before, "the log has a new epoch: {before:?} → {after:?}");
    let checked =
        serialtrack(&["audit", "verify", "--database-url", &url, "--data-dir", &folder.to_string_lossy()], "");
    assert!(
        checked.status.success(),
        "the audit chains verify after a restore: {}",
        String::from_utf8_lossy(&checked.stdout)
    );

    let postgres = serialtrack(&["backup", "--database-url", "postgres://localhost/x", "--to", "/tmp/x.db"], "");
    assert!(String::from_utf8_lossy(&postgres.stderr).contains("pg_dump"), "PostgreSQL is told what to use");
    std::fs::remove_dir_all(&folder).ok();
}

/// The audit commands as an operator runs them: a checkpoint (the key file made with mode 0600), its export,
/// a verify that passes, then a row edited by hand and a verify that names it and exits 1.
#[test]
fn audit_verify_names_an_edited_entry_and_exits_1() {
    use serialtrack_server::store::{sqlite::SqliteStore, AccountStore};
    let folder = std::env::temp_dir().join(format!("serialtrack-cli-audit-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&folder).unwrap();
    let url = format!("sqlite://{}?mode=rwc", folder.join("serialtrack.db").display());
    let data = folder.to_string_lossy().into_owned();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let store = runtime.block_on(SqliteStore::connect(&url)).unwrap();
    let tenant = runtime.block_on(store.tenant_create("Acme", "brand_owner")).unwrap();
    drop(store);
    let database = ["--database-url", url.as_str(), "--data-dir", data.as_str()];
    let run = |args: &[&str]| serialtrack(&[args, &database[..]].concat(), "");

    let signed = run(&["audit", "checkpoint"]);
    assert!(String::from_utf8_lossy(&signed.stdout).contains("1 checkpoints made"), "{signed:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(folder.join("audit.key")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the key file is the owner's alone");
    }
    let exported = folder.join("checkpoints.jsonl");
    let export = run(&["audit", "export-checkpoints", "--output", &exported.to_string_lossy()]);
    assert!(export.status.success(), "{export:?}");
    assert_eq!(std::fs::read_to_string(&exported).unwrap().lines().count(), 1);
    let intact = run(&["audit", "verify", "--checkpoints", &exported.to_string_lossy()]);
    assert_eq!(intact.status.code(), Some(0), "{}", String::from_utf8_lossy(&intact.stdout));
    assert!(String::from_utf8_lossy(&intact.stdout).contains(&format!("{}: intact, 1 entries", tenant.id)));

    runtime.block_on(async {
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        sqlx::query("UPDATE audit_entries SET actor = 'user:mallory' WHERE tenant_id = $1 AND seq = 1")
            .bind(&tenant.id)
            .execute(&pool)
            .await
            .unwrap();
    });
    let tampered = run(&["audit", "verify"]);
    assert_eq!(tampered.status.code(), Some(1));
    let said = String::from_utf8_lossy(&tampered.stdout).into_owned();
    assert!(said.contains(&format!("{}: TAMPERED at entry 1: entry 1 was edited", tenant.id)), "{said}");
    std::fs::remove_dir_all(&folder).ok();
}
