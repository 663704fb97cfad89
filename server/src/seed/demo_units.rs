//! The demo's units: registered from the pool and moved through the lifecycle by the same state machine the
//! API runs, so every status has units with a realistic history.

use crate::auth::Role;
use crate::domain::units::{decide, parse_command, register};
use crate::store::{new_id, NewEvent, NewUnit, OpInput, OpOutcome, ProductRecord, Store};
use serde_json::json;

/// The commands that bring a new unit to each status, in order.
const JOURNEYS: [&[&str]; 11] = [
    &[],
    &["allocate"],
    &["allocate", "pick"],
    &["allocate", "pick", "ship"],
    &["allocate", "pick", "ship", "deliver"],
    &["allocate", "pick", "ship", "deliver", "start_service"],
    &["quarantine"],
    &["quarantine", "mark_damaged"],
    &["allocate", "pick", "ship", "deliver", "recall"],
    &["allocate", "pick", "ship", "deliver", "recall", "retire"],
    &["decommission"],
];

/// How many units of each journey each product gets.
const UNITS_PER_JOURNEY: usize = 12;

pub fn randomised_scheme() -> String {
    serde_json::to_string(&crate::domain::serials::default_scheme()).unwrap_or_default()
}

pub fn patterned_scheme(template: &str) -> String {
    let scheme = serialtrack_shared::serials::SerialScheme::Patterned { template: template.to_owned() };
    serde_json::to_string(&scheme).unwrap_or_default()
}

fn command_json(verb: &str) -> serde_json::Value {
    match verb {
        "decommission" => json!({"type": "decommission", "reason": "sample"}),
        other => json!({ "type": other }),
    }
}

/// Registers units of every product and walks them through the journeys.
pub async fn seed_units(
    store: &dyn Store,
    tenant_id: &str,
    products: &[ProductRecord],
    coffee: &ProductRecord,
) -> anyhow::Result<()> {
    for product in products.iter().chain(std::iter::once(coffee)) {
        let count = JOURNEYS.len() * UNITS_PER_JOURNEY;
        // Units take serials from the far end of the pool, so the first serials stay available.
        let first = store.product_reserve_counters(tenant_id, &product.id, count as i64).await?;
        let serials = super::demo_serials(product, first as u64, count)?;
        store.pool_insert(tenant_id, &product.id, "generated", &serials).await?;
        store.pool_assign(tenant_id, &product.id, &serials, "commissioned", None).await?;
        let lot = format!("L{}", &product.id[..6].to_uppercase());
        let (units, events): (Vec<NewUnit>, Vec<NewEvent>) = serials
            .iter()
            .map(|serial| {
                let (change, kind, payload) = register(&product.id, serial, Some(&lot));
                let id = new_id();
                let event = NewEvent {
                    op_id: new_id(),
                    op_index: 0,
                    unit_id: id.clone(),
                    kind,
                    payload,
                    actor: "user:operator".into(),
                    device_id: None,
                    device_seq: None,
                };
                let unit = NewUnit {
                    id,
                    product_id: product.id.clone(),
                    serial: serial.clone(),
                    lot: Some(lot.clone()),
                    change,
                };
                (unit, event)
            })
            .unzip();
        store.units_register(tenant_id, &units, &events).await?;
        for (index, unit) in units.iter().enumerate() {
            for verb in JOURNEYS[index / UNITS_PER_JOURNEY] {
                let command = parse_command(command_json(verb))?;
                let op = OpInput {
                    op_id: new_id(),
                    unit_id: unit.id.clone(),
                    actor: "user:supervisor".into(),
                    device_id: None,
                    device_seq: None,
                    payload: command_json(verb).to_string(),
                };
                let decide_as_supervisor = |current: &_| decide(product, current, &command, Role::Supervisor);
                if let OpOutcome::Refused { result, .. } =
                    store.unit_apply(tenant_id, op, &decide_as_supervisor).await?
                {
                    anyhow::bail!("the demo journey {verb} was refused: {:?}", result.reason_message);
                }
            }
        }
    }
    Ok(())
}
