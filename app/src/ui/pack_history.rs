//! The unit screen's pack history: the serial's pool status and pool history (fetched when online, kept with
//! the unit in IndexedDB so they show offline), the pack's status, and the case or pallet it is packed into.
//! The pack's own events are the unit card's history below.

use super::device::Device;
use super::unit_card::status_words;
use crate::api;
use crate::model::UnitRecord;
use crate::pool_history::PoolSerialRecord;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// What the device knows of the serial in the pool.
#[derive(Debug, Clone, PartialEq)]
enum PoolKnown {
    Loading,
    /// Never fetched and offline, or the pool does not hold the serial.
    Unknown(&'static str),
    Known(PoolSerialRecord),
}

#[component]
pub fn PackHistory(unit: Signal<UnitRecord>) -> impl IntoView {
    let device = expect_context::<Device>();
    let pool = RwSignal::new(PoolKnown::Loading);
    let parent: RwSignal<Option<String>> = RwSignal::new(None);
    spawn_local(load(device, unit.get_untracked(), pool, parent));
    // The server writes devices by id; a person reads them by the names people gave them.
    let words = move |text: String| {
        let this_device = device.this_device.get();
        device.device_names.with(|names| names.in_words(&text, this_device.as_deref()))
    };
    view! {
        <section class="pack-history" aria-labelledby="pack-history-heading">
            <h3 id="pack-history-heading">"Pack history"</h3>
            <dl class="facts">
                <dt>"Pool status"</dt>
                <dd>{move || match pool.get() {
                    PoolKnown::Loading => "…".to_owned(),
                    PoolKnown::Unknown(why) => why.to_owned(),
                    PoolKnown::Known(record) => words(record.status_words()),
                }}</dd>
                <dt>"Pack status"</dt><dd>{move || unit.with(|unit| status_words(&unit.status))}</dd>
                <dt>"Packed into"</dt>
                <dd>{move || parent.get().map_or_else(|| "Not packed into a case or pallet".to_owned(), |sscc| format!("SSCC {sscc}"))}</dd>
            </dl>
            <h4 id="pool-history-heading">"Pool history"</h4>
            <ol class="timeline" aria-labelledby="pool-history-heading">
                {move || match pool.get() {
                    PoolKnown::Known(record) => record
                        .history
                        .iter()
                        .rev()
                        .map(|line| view! {
                            <li class="timeline-item">
                                <div class="timeline-what">{words(line.words())}</div>
                                <div class="timeline-meta">
                                    <time datetime=line.at.clone()>{crate::history_view::shown_time(&line.at)}</time>
                                </div>
                            </li>
                        })
                        .collect_view()
                        .into_any(),
                    _ => ().into_any(),
                }}
            </ol>
        </section>
    }
}

/// Shows what the device holds, then refreshes the pool's view of the serial when online.
async fn load(device: Device, unit: UnitRecord, pool: RwSignal<PoolKnown>, parent: RwSignal<Option<String>>) {
    let Some(db) = device.db() else { return };
    if let (Ok(replica), Some(key)) = (db.replica(std::slice::from_ref(&unit.key)).await, device.unit_key(&unit.key)) {
        let view = replica.optimistic(&key, &device.workflow_of(&key.product));
        parent.set(view.unit.and_then(|unit| unit.parent).map(|sscc| sscc.as_str().to_owned()));
    }
    let held = db.pool_serial(&unit.key).await.ok().flatten();
    pool.set(match held {
        Some(record) => PoolKnown::Known(record),
        None => PoolKnown::Unknown("Not on this device: look the unit up once online"),
    });
    if !device.online.get_untracked() {
        return;
    }
    let product_id = device
        .products
        .with_untracked(|products| products.iter().find(|product| product.code == unit.gtin).map(|p| p.id.clone()));
    let Some(product_id) = product_id else { return };
    match api::orders::pool_serial(&product_id, &unit.serial).await {
        Ok(Some(mut record)) => {
            record.unit_key = unit.key.clone();
            let _ = db.put_pool_serial(&record).await;
            pool.set(PoolKnown::Known(record));
        }
        Ok(None) => pool.set(PoolKnown::Unknown("Not in this product's pool (registered from outside it)")),
        Err(_) => {}
    }
}
