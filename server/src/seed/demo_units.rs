//! The demo's units: commissioned from the pool and moved through the lifecycle by the same shared state
//! machine the API runs, by the role that would do each step in real life, spread over the last weeks — so
//! every status has units with a realistic history (who, when, where, why).

use crate::auth::Role;
use crate::domain::units::{decide, product_code, register, workflow, Caller, Commissioning};
use crate::store::{new_id, NewEvent, NewUnit, OpInput, OpOutcome, PoolAction, ProductRecord, Store, UnitRecord};
use serde_json::json;
use serialtrack_shared::ids::Lot;
use serialtrack_shared::unit::{Actor, Approval, UnitCommand};
use time::{Duration, OffsetDateTime};

/// Who the demo's pool history says filled and assigned its pools.
pub(super) const DEMO_ACTOR: &str = "user:admin";

/// One step of a journey: who does it and what they ask (as the API's JSON).
type Step = (Role, fn() -> serde_json::Value);

const ALLOCATE: Step = (Role::Operator, || json!({"type": "allocate", "order": "SO-2026-1187"}));
const PICK: Step = (Role::Operator, || json!({"type": "pick"}));
const SHIP: Step = (
    Role::Operator,
    || json!({"type": "ship", "carrier": "DHL", "tracking": "JD014600006281", "destination": "Apotheke am Markt, Berlin"}),
);
const DELIVER: Step = (Role::Operator, || json!({"type": "deliver", "receiver": "Apotheke am Markt"}));
const SERVICE: Step =
    (Role::Service, || json!({"type": "start_service", "reason": "customer reports a damaged tamper seal"}));
const QUARANTINE: Step =
    (Role::Quality, || json!({"type": "quarantine", "reason": "temperature excursion in warehouse B"}));
const FAIL: Step = (Role::Quality, || json!({"type": "fail_inspection", "reason": "seal broken on inspection"}));
const RECALL: Step = (Role::Supervisor, || json!({"type": "recall", "recall_ref": "RC-2026-014"}));
const RETIRE: Step = (Role::Supervisor, || json!({"type": "retire"}));
const DECOMMISSION: Step = (Role::Quality, || json!({"type": "decommission", "reason": {"kind": "sample"}}));
const MOVE: Step = (Role::Operator, || json!({"type": "move", "location": "Central warehouse"}));
const NOTE: Step = (Role::Service, || json!({"type": "add_note", "text": "Outer carton dented; contents fine."}));

/// The steps that bring a new unit to each status, in order.
const JOURNEYS: [&[Step]; 11] = [
    &[MOVE],
    &[MOVE, ALLOCATE],
    &[MOVE, ALLOCATE, PICK],
    &[MOVE, ALLOCATE, PICK, SHIP],
    &[MOVE, ALLOCATE, PICK, SHIP, DELIVER],
    &[MOVE, ALLOCATE, PICK, SHIP, DELIVER, SERVICE, NOTE],
    &[MOVE, QUARANTINE],
    &[MOVE, QUARANTINE, FAIL],
    &[MOVE, ALLOCATE, PICK, SHIP, DELIVER, RECALL],
    &[MOVE, ALLOCATE, PICK, SHIP, DELIVER, RECALL, RETIRE],
    &[DECOMMISSION],
];

/// How many units of each journey each product gets.
const UNITS_PER_JOURNEY: usize = 12;

/// The demo's history starts this long ago; each step comes a day or two after the one before.
const HISTORY_STARTS: Duration = Duration::days(30);

fn caller(role: Role, tenant_id: &str) -> Caller {
    let actor = Actor { name: format!("user:{role}"), role, party: Some(tenant_id.to_owned()) };
    Caller { actor, device_id: None, approval: None, client_time: None }
}

pub fn randomised_scheme() -> String {
    serde_json::to_string(&crate::domain::serials::default_scheme()).unwrap_or_default()
}

pub fn patterned_scheme(template: &str) -> String {
    let scheme = serialtrack_shared::serials::SerialScheme::Patterned { template: template.to_owned() };
    serde_json::to_string(&scheme).unwrap_or_default()
}

/// Commissions units of every product and walks them through the journeys.
pub async fn seed_units(
    store: &dyn Store,
    tenant_id: &str,
    products: &[ProductRecord],
    coffee: &ProductRecord,
) -> anyhow::Result<()> {
    let started = OffsetDateTime::now_utc() - HISTORY_STARTS;
    for product in products.iter().chain(std::iter::once(coffee)) {
        let count = JOURNEYS.len() * UNITS_PER_JOURNEY;
        // Units take serials from the far end of the pool, so the first serials stay available.
        let serials = crate::domain::serials::issue(store, product, count).await?;
        let generated = PoolAction::new("generated", DEMO_ACTOR, format!("{count} serials for the demo"));
        store.pool_insert(tenant_id, &product.id, "generated", &serials, &generated).await?;
        let runs = "the demo's packaging runs";
        let assigned = PoolAction::new("assigned", DEMO_ACTOR, format!("to {runs}"));
        store.pool_assign(tenant_id, &product.id, &serials, runs, None, &assigned).await?;
        let units = commission(store, tenant_id, product, &serials, started).await?;
        let workflow = workflow(product)?;
        for (index, unit) in units.iter().enumerate() {
            let mut at = started;
            for (step, (role, command)) in JOURNEYS[index / UNITS_PER_JOURNEY].iter().enumerate() {
                at += Duration::hours(20 + 7 * step as i64 + (index % 5) as i64);
                let payload = command();
                let command: UnitCommand = serde_json::from_value(payload.clone())?;
                let op_id = uuid::Uuid::new_v4();
                let op = OpInput {
                    op_id: op_id.to_string(),
                    unit_id: unit.id.clone(),
                    actor: format!("user:{role}"),
                    device_id: None,
                    device_seq: None,
                    payload: payload.to_string(),
                };
                let mut by = caller(*role, tenant_id);
                by.approval = Some(Approval { by: "user:supervisor".into(), role: Role::Supervisor });
                let decide = |current: &UnitRecord| decide(current, &command, &by, &workflow, op_id, at);
                if let OpOutcome::Refused { result, .. } = store.unit_apply(tenant_id, op, &decide).await? {
                    anyhow::bail!("the demo journey step {payload} was refused: {:?}", result.reason_message);
                }
            }
        }
    }
    Ok(())
}

/// Commissions one unit per serial at the packaging line, in one registration.
async fn commission(
    store: &dyn Store,
    tenant_id: &str,
    product: &ProductRecord,
    serials: &[String],
    at: OffsetDateTime,
) -> anyhow::Result<Vec<NewUnit>> {
    let code = product_code(product)?;
    let lot = format!("L{}", &product.id[..6].to_uppercase());
    let commissioning = Commissioning {
        lot: Some(Lot::parse(&lot)?),
        expiry: Some(at.date() + Duration::days(730)),
        location: Some("Packaging line 1".into()),
        owner: Some("Demo Pharma".into()),
    };
    let operator = caller(Role::Operator, tenant_id);
    let mut units = Vec::with_capacity(serials.len());
    let mut events = Vec::with_capacity(serials.len());
    for serial in serials {
        let op_id = uuid::Uuid::new_v4();
        let (change, kind, payload) = register(&code, serial, &commissioning, &operator, op_id, at)?;
        let id = new_id();
        events.push(NewEvent {
            op_id: op_id.to_string(),
            op_index: 0,
            unit_id: id.clone(),
            kind,
            payload,
            actor: "user:operator".into(),
            device_id: None,
            device_seq: None,
        });
        units.push(NewUnit {
            id,
            product_id: product.id.clone(),
            serial: serial.clone(),
            lot: Some(lot.clone()),
            change,
        });
    }
    store.units_register(tenant_id, &units, &events).await?;
    Ok(units)
}
