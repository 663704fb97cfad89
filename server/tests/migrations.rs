//! Both backends keep their own migrations; the same file names in both trees keep them in step.

use std::path::Path;

fn file_names(backend: &str) -> Vec<String> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store").join(backend).join("migrations");
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .unwrap_or_else(|error| panic!("reading {}: {error}", folder.display()))
        .map(|entry| entry.expect("a directory entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn sqlite_and_postgres_migrations_have_the_same_file_names() {
    let sqlite = file_names("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, file_names("postgres"));
}
