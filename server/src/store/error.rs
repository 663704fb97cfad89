//! What can go wrong in the store, without a word of HTTP and without a driver's type: callers match on these
//! variants alone, so no code outside `store/` needs to know which database runs underneath.

#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    /// A row with the same key exists (a unique constraint said no); the text names what.
    #[error("{0} already exists")]
    Conflict(String),
    /// A row the operation needs is missing; the text names what.
    #[error("{0} was not found")]
    NotFound(String),
    /// The database cannot take the work now (its pool timed out, a connection dropped, the writer stopped):
    /// nothing was written, and the same call may succeed in a moment.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// Anything else the database refused or failed at; the text is the driver's, for the log only.
    #[error("database error: {0}")]
    Database(String),
    /// Stored data cannot be read back as it was written (an archive segment whose hash no longer matches).
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    #[error("database migration failed: {0}")]
    Migrate(String),
}

impl StoreError {
    /// Maps a unique-constraint violation to [`StoreError::Conflict`] in one place, so handlers never match on
    /// database error strings.
    pub fn from_insert(error: sqlx::Error, what: &str) -> Self {
        match &error {
            sqlx::Error::Database(database) if database.is_unique_violation() => Self::Conflict(what.to_owned()),
            _ => error.into(),
        }
    }

    /// Whether nothing was written because the database was busy or gone, or a transaction rolled back:
    /// the caller may answer "retry" rather than "failed".
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Unavailable(_) | Self::Database(_))
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        use sqlx::Error;
        match error {
            Error::PoolTimedOut | Error::PoolClosed | Error::Io(_) | Error::WorkerCrashed => {
                Self::Unavailable(error.to_string())
            }
            other => Self::Database(other.to_string()),
        }
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(error: sqlx::migrate::MigrateError) -> Self {
        Self::Migrate(error.to_string())
    }
}
