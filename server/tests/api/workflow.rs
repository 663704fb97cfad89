//! A product's own workflow decides its units' commands on a device offline exactly as on the server: the
//! device decides with the workflow `GET /products` answers, and the server with the one it stores.

use crate::helpers::{spawn_app, TestApp};
use serde_json::{json, Value};
use serialtrack_server::auth::Role;
use serialtrack_shared::sync::{DeviceReplica, SnapshotPage, SnapshotUnit};
use serialtrack_shared::unit::{
    Actor, CommandContext, CommandKind, DecommissionReason, Refusal, Role as UnitRole, Unit, UnitCommand, UnitStatus,
    WorkflowSettings, TRANSITIONS,
};
use std::collections::VecDeque;

/// A command of each kind with the fields it needs.
fn sample(kind: CommandKind) -> UnitCommand {
    let reason = || "checked".to_owned();
    match kind {
        CommandKind::Allocate => UnitCommand::Allocate { order: "SO-1".into() },
        CommandKind::CancelAllocation => UnitCommand::CancelAllocation { reason: None },
        CommandKind::Pick => UnitCommand::Pick { order: None },
        CommandKind::Unpick => UnitCommand::Unpick,
        CommandKind::Ship => UnitCommand::Ship { carrier: Some("DHL".into()), tracking: None, destination: None },
        CommandKind::Deliver => UnitCommand::Deliver { receiver: None },
        CommandKind::StartService => UnitCommand::StartService { reason: reason() },
        CommandKind::Repair => UnitCommand::Repair { notes: None },
        CommandKind::DeclareUnrepairable => UnitCommand::DeclareUnrepairable { reason: reason() },
        CommandKind::Quarantine => UnitCommand::Quarantine { reason: reason() },
        CommandKind::ResolveQuarantine => UnitCommand::ResolveQuarantine { notes: None },
        CommandKind::FailInspection => UnitCommand::FailInspection { reason: reason() },
        CommandKind::Recall => UnitCommand::Recall { recall_ref: "R-1".into() },
        CommandKind::Retire => UnitCommand::Retire,
        CommandKind::Decommission => UnitCommand::Decommission { reason: DecommissionReason::Sample },
        CommandKind::UndoDecommission => UnitCommand::UndoDecommission,
        other => panic!("{other:?} makes no move of the table"),
    }
}

/// The shortest run of commands from Available to `status`, through the transition table.
fn path_to(status: UnitStatus) -> Vec<CommandKind> {
    let mut paths = VecDeque::from([(UnitStatus::Available, Vec::new())]);
    let mut seen = vec![UnitStatus::Available];
    while let Some((at, path)) = paths.pop_front() {
        if at == status {
            return path;
        }
        for next in TRANSITIONS.iter().filter(|t| t.from == at) {
            if !seen.contains(&next.to) {
                seen.push(next.to);
                paths.push_back((next.to, [path.clone(), vec![next.command]].concat()));
            }
        }
    }
    panic!("no path from available to {status:?}")
}

/// What an operator's command gives on a device that holds the unit as the server sent it and decides with
/// the product's workflow as `GET /products` sent it.
fn on_the_device(unit: &Value, product: &Value, command: &UnitCommand, role: UnitRole) -> Result<(), Refusal> {
    let state: Unit = serde_json::from_value(unit["state"].clone()).unwrap();
    let workflow: WorkflowSettings = serde_json::from_value(product["workflow"].clone()).unwrap();
    let mut replica = DeviceReplica::new("tablet-1");
    let snapshot = SnapshotUnit { last_seq: unit["last_seq"].as_u64().unwrap(), unit: state.clone() };
    let page = SnapshotPage {
        as_of_seq: snapshot.last_seq,
        log_epoch: uuid::Uuid::nil(),
        units: vec![snapshot],
        next_after: None,
        has_more: false,
    };
    replica.on_snapshot_page(&page).unwrap();
    // The device names its tenant as the party, as the server does; the decommissioning recorded it.
    let party = state.decommissioned.as_ref().and_then(|decommissioning| decommissioning.party.clone());
    let actor = Actor { name: format!("user:{}", role.as_str()), role, party };
    let context =
        CommandContext { actor: &actor, now: time::OffsetDateTime::now_utc(), workflow: &workflow, approval: None };
    replica.record(state.key, command.clone(), &context, uuid::Uuid::new_v4()).map(|_| ())
}

async fn command(app: &TestApp, role: Role, unit_id: &str, command: &UnitCommand) -> crate::helpers::Answer {
    app.units_commands(role, unit_id, json!({ "command": command })).await
}

/// Given a product whose workflow gives one transition of the table to supervisors only, and a unit in that
/// transition's status, when an operator makes it on a device offline and on the server, then both refuse with
/// the same code and sentence; for a supervisor both accept.
#[tokio::test]
async fn a_transition_given_to_supervisors_is_refused_to_an_operator_alike_offline_and_on_the_server() {
    let app = spawn_app().await;
    for (index, transition) in TRANSITIONS.iter().enumerate() {
        let restricted =
            json!({"restricted": [{"from": transition.from, "to": transition.to, "roles": ["supervisor"]}]});
        let body = json!({"code_schema": "internal", "code": format!("WF-{index}"), "name": "Restricted",
            "workflow": restricted});
        let product_id = app.products_create(Role::Admin, body).await.expect(201)["id"].as_str().unwrap().to_owned();
        let product = app.get_as(Role::Operator, &format!("/products/{product_id}")).await.expect(200).clone();
        app.units_register(Role::Admin, json!({"product_id": product_id, "serials": ["U1"]})).await.expect(201);
        let found = app.units_lookup(Role::Operator, &format!("?code=WF-{index}&serial=U1")).await;
        let unit_id = found.expect(200)["id"].as_str().unwrap().to_owned();
        for step in path_to(transition.from) {
            command(&app, Role::Admin, &unit_id, &sample(step)).await.expect(200);
        }
        let unit = app.units_lookup(Role::Operator, &format!("?code=WF-{index}&serial=U1")).await.expect(200).clone();
        let wanted = sample(transition.command);

        let device = on_the_device(&unit, &product, &wanted, UnitRole::Operator)
            .expect_err(&format!("{transition:?}: the device must refuse an operator"));
        let server = command(&app, Role::Operator, &unit_id, &wanted).await;
        assert_eq!(server.status.as_u16(), 409, "{transition:?}: {}", server.text);
        assert_eq!(
            (device.code.code(), device.message.as_str()),
            (server.code(), server.body["message"].as_str().unwrap()),
            "{transition:?}: the device and the server refuse alike"
        );

        on_the_device(&unit, &product, &wanted, UnitRole::Supervisor)
            .unwrap_or_else(|refusal| panic!("{transition:?}: a supervisor's is accepted on the device: {refusal}"));
        command(&app, Role::Supervisor, &unit_id, &wanted).await.expect(200);
    }
}

#[tokio::test]
async fn a_product_without_its_own_workflow_answers_the_default_one_in_full() {
    let app = spawn_app().await;
    app.a_product("9520123456788", "Pill").await;
    let listed = app.products_list(Role::Operator, "").await;
    let workflow: WorkflowSettings =
        serde_json::from_value(listed.expect(200)["products"][0]["workflow"].clone()).unwrap();
    assert_eq!(workflow, WorkflowSettings::default());
}
