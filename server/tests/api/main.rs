//! API tests over real HTTP: each test spawns the server on port 0 with a fresh database.

mod helpers;
#[path = "../support/pending_op.rs"]
mod pending_op;

mod api_keys;
mod attacks;
mod audit;
mod bad_input;
mod escalations;
mod export_ceilings;
mod idempotency;
mod locations;
mod openapi;
mod order_blocks;
mod orders;
mod partner_invitations;
mod partner_pools;
mod pool;
mod products;
mod quotas;
mod retention;
mod retention_tamper;
mod sessions;
mod snapshot;
mod sync;
mod tenant_isolation;
mod units;
mod users;
mod workflow;
