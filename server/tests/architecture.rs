//! The house rules ARCHITECTURE.md states that a compiler does not check: only the store knows the database
//! driver, so no code outside `server/src/store/` can match on a driver's error or type.

use std::path::{Path, PathBuf};

fn rust_files(folder: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(folder).expect("reading a source folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn only_the_store_names_the_database_driver() {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let store = source.join("store");
    let mut files = Vec::new();
    rust_files(&source, &mut files);
    let offenders: Vec<String> = files
        .iter()
        .filter(|path| !path.starts_with(&store))
        .filter_map(|path| {
            let text = std::fs::read_to_string(path).expect("reading a source file");
            let lines: Vec<String> = text
                .lines()
                .enumerate()
                .filter(|(_, line)| line.contains("sqlx::") && !line.trim_start().starts_with("//"))
                .map(|(number, line)| format!("{}:{}: {}", path.display(), number + 1, line.trim()))
                .collect();
            (!lines.is_empty()).then(|| lines.join("\n"))
        })
        .collect();
    assert!(offenders.is_empty(), "outside server/src/store:\n{}", offenders.join("\n"));
}
