//! Without `--demo`, an empty database gets one tenant and one admin, whose password comes from
//! `SERIALTRACK_ADMIN_PASSWORD` or is made up and printed once.

use crate::auth::{PasswordCost, Role};
use crate::store::{NewUser, Store, StoreError};

/// The admin's username on a fresh installation.
pub const ADMIN_USERNAME: &str = "admin";

/// How the first admin's password was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminPassword {
    /// Taken from the environment.
    FromEnvironment,
    /// Made up here: show it once, it is not stored anywhere in clear.
    Generated(String),
}

/// Creates the first tenant and its admin when the database has no tenant; `None` when it had one already.
/// A first start killed between the two leaves a tenant without users: the next start finishes the job.
pub async fn bootstrap_admin(
    store: &dyn Store,
    password_from_env: Option<String>,
    cost: PasswordCost,
) -> anyhow::Result<Option<AdminPassword>> {
    let tenants = store.tenants().await?;
    let unfinished = match tenants.as_slice() {
        [] => None,
        [only] if store.user_by_username(ADMIN_USERNAME).await?.is_none() && !store.has_users(&only.id).await? => {
            Some(only.clone())
        }
        _ => return Ok(None),
    };
    let (password, how) = match password_from_env.filter(|password| !password.is_empty()) {
        Some(password) => (password, AdminPassword::FromEnvironment),
        None => {
            let password = crate::auth::new_session_token()[..20].to_owned();
            (password.clone(), AdminPassword::Generated(password))
        }
    };
    // Hashing is the slow part: done before anything is written, to keep the window between writes short.
    let password_hash = cost.hash(&password)?;
    let tenant = match unfinished {
        Some(tenant) => tenant,
        None => store.tenant_create("My company", "brand_owner").await?,
    };
    let admin = NewUser {
        tenant_id: tenant.id,
        username: ADMIN_USERNAME.into(),
        display_name: "Administrator".into(),
        role: Role::Admin.as_str().into(),
        password_hash,
    };
    match store.user_create(admin).await {
        Ok(_) => Ok(Some(how)),
        // Another server sharing the database got there first.
        Err(StoreError::Conflict(_)) => Ok(None),
        Err(error) => Err(error.into()),
    }
}
