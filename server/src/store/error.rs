//! What can go wrong in the store, without a word of HTTP.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A row with the same key exists (a unique constraint said no); the text names what.
    #[error("{0} already exists")]
    Conflict(String),
    /// A row the operation needs is missing; the text names what.
    #[error("{0} was not found")]
    NotFound(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// Maps a unique-constraint violation to [`StoreError::Conflict`] in one place, so handlers never match on
    /// database error strings.
    pub fn from_insert(error: sqlx::Error, what: &str) -> Self {
        match &error {
            sqlx::Error::Database(database) if database.is_unique_violation() => Self::Conflict(what.to_owned()),
            _ => Self::Database(error),
        }
    }
}
