//! Server settings that come from the command line or the environment.

use std::path::PathBuf;

/// Which database backend a `--database-url` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite { url: String },
    Postgres { url: String },
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error(
        "the database URL '{0}' is not supported: it must start with sqlite:// (the embedded default, e.g. \
         sqlite://data/serialtrack.db) or postgres:// (e.g. postgres://user:password@127.0.0.1:5432/serialtrack)"
    )]
    UnknownScheme(String),
}

impl DatabaseUrl {
    /// Picks the backend from the URL's scheme, with a fix-it error for anything else.
    pub fn parse(url: &str) -> Result<Self, ConfigError> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite { url: url.to_owned() })
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres { url: url.to_owned() })
        } else {
            Err(ConfigError::UnknownScheme(url.to_owned()))
        }
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::Sqlite { .. } => "sqlite",
            Self::Postgres { .. } => "postgres",
        }
    }
}

/// The default database: a SQLite file in the data folder, so one machine runs everything with no set-up.
pub fn default_database_url(data_dir: &std::path::Path) -> String {
    format!("sqlite://{}?mode=rwc", data_dir.join("serialtrack.db").display())
}

/// The folder the built app is served from: `SERIALTRACK_APP_DIR`, else `dist` beside the working directory.
pub fn default_app_dir() -> PathBuf {
    std::env::var_os("SERIALTRACK_APP_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("dist"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backend_is_chosen_from_the_url_scheme() {
        assert_eq!(DatabaseUrl::parse("sqlite://data/x.db").unwrap().backend_name(), "sqlite");
        assert_eq!(DatabaseUrl::parse("postgres://u@127.0.0.1/db").unwrap().backend_name(), "postgres");
        assert_eq!(DatabaseUrl::parse("postgresql://u@127.0.0.1/db").unwrap().backend_name(), "postgres");
    }

    #[test]
    fn an_unknown_scheme_gets_an_error_that_says_what_to_use() {
        let error = DatabaseUrl::parse("mysql://localhost/db").unwrap_err();
        let message = error.to_string();
        assert!(message.contains("sqlite://") && message.contains("postgres://"), "{message}");
    }
}
