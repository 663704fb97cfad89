// `sqlx::migrate!` embeds the migrations when the crate compiles: a new or changed migration file must make
// cargo compile it again, though no Rust file changed.
fn main() {
    println!("cargo:rerun-if-changed=src/store/sqlite/migrations");
    println!("cargo:rerun-if-changed=src/store/postgres/migrations");
}
