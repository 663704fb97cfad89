//! The pool's rule for commissioning: a serial the product's pool holds is commissioned only once it is
//! assigned (to an order, a partner, a request) and, when a device reserved it, only by that device. Serials
//! the pool does not hold (numbered outside it) are not the pool's business.

use crate::store::PoolHoldRecord;
use serialtrack_shared::unit::{Refusal, RefusalCode};

/// Why `device_id` (None: not a device) may not commission this pooled serial, if it may not.
pub fn commission_refusal(hold: &PoolHoldRecord, device_id: Option<&str>) -> Option<Refusal> {
    let assigned = hold.status == "assigned";
    let reserved_elsewhere = hold.device_id.as_deref().is_some_and(|reserved| Some(reserved) != device_id);
    (!assigned || reserved_elsewhere).then(|| {
        Refusal::new(
            RefusalCode::SerialNotAssigned,
            format!("serial {} is not assigned to this device: reserve a block for the order first", hold.serial),
        )
    })
}
