//! Accounts and security without HTTP: roles and what they may do, password hashes, secret tokens, and the
//! limit on failed sign-ins.

mod password;
mod role;
pub mod sign_in_limit;
mod token;

pub use password::{
    decoy_hash, password_problem, verify as verify_password, PasswordCost, PasswordError, MIN_PASSWORD_CHARS,
};
pub use role::{role_schema, Permission, Role, RolePermissions};
pub use token::{hash_token, new_api_key, new_session_token, API_KEY_PREFIX};
