//! A printing order's labels as a CSV file: per serial the GTIN, serial, lot and expiry, the bracketed
//! element string and the GS1 Digital Link (both written by the shared `gs1` module). A product with an
//! internal code has no GS1 data carrier: its file holds the code, serial, lot and expiry only.

use super::error::{ApiError, ApiResult, ErrorBody};
use super::extract::ApiPath;
use super::lookups::find_order;
use super::openapi::{CommonErrors, ExportCeiling};
use super::principal::Principal;
use super::state::AppState;
use crate::auth::Permission;
use crate::store::AuditEntry;
use crate::store::OrderRecord;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serialtrack_shared::gs1::{self, Element};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Where Digital Links point: GS1's resolver.
const DIGITAL_LINK_BASE: &str = "https://id.gs1.org";
/// Serials read from the store at a time.
const PAGE: i64 = 10_000;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(orders_labels))
}

/// The order's serials as label data, one CSV row per serial in serial order. Each download counts against
/// the caller's export ceiling of the day (429 `export_ceiling_reached` beyond it) and uses up one of the
/// order's downloads (409 `label_downloads_used_up` when none is left; docs/DATA_PROTECTION.md).
#[utoipa::path(get, path = "/orders/{order_id}/labels.csv", tag = "orders", params(("order_id" = String, Path)),
    security(("session" = []), ("api_key" = [])),
    responses((status = 200, content_type = "text/csv", description = "gtin,serial,lot,expiry,element_string,digital_link"),
        (status = 409, body = ErrorBody, description = "The order's labels were downloaded as often as allowed"),
        CommonErrors, ExportCeiling))]
pub async fn orders_labels(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(order_id): ApiPath<String>,
) -> ApiResult<impl IntoResponse> {
    principal.require(Permission::Read, "read orders")?;
    let tenant = &principal.tenant_id;
    let order = find_order(&state, tenant, &order_id).await?;
    let mut csv = String::from(match order.gtin {
        Some(_) => "gtin,serial,lot,expiry,element_string,digital_link\r\n",
        None => "code,serial,lot,expiry\r\n",
    });
    let mut after = String::new();
    let mut labels = 0;
    loop {
        let page = state.store.order_serials(tenant, &order.id, &after, PAGE).await?;
        labels += page.len();
        for row in &page {
            csv.push_str(&label_row(&order, &row.serial)?);
        }
        match page.last() {
            Some(last) if page.len() as i64 == PAGE => after = last.serial.clone(),
            _ => break,
        }
    }
    // Serials are what counterfeiters want: the download counts against the caller's ceiling of the day and
    // the order's downloads, and who downloaded how many is in the audit trail (docs/DATA_PROTECTION.md).
    let entry = AuditEntry::new(tenant, "labels.downloaded", "order", &order.id);
    super::exports::count_labels(&state, &principal, entry, labels, &order.id).await?;
    let disposition = format!("attachment; filename=\"order-{}-labels.csv\"", order.id);
    Ok((
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, disposition)],
        csv,
    ))
}

/// One CSV line for a serial of the order.
fn label_row(order: &OrderRecord, serial: &str) -> ApiResult<String> {
    let Some(gtin) = &order.gtin else {
        return Ok(csv_line(&[&order.code, serial, &order.lot, &order.expiry]));
    };
    let elements = [
        Element::new("01", gtin.as_str()),
        Element::new("21", serial),
        Element::new("10", order.lot.as_str()),
        Element::new("17", yymmdd(&order.expiry)),
    ];
    let digital_link = gs1::to_digital_link(&elements, DIGITAL_LINK_BASE)
        .map_err(|error| ApiError::Internal(format!("a Digital Link for {serial}: {error}")))?;
    let element_string = gs1::to_bracketed(&elements);
    Ok(csv_line(&[gtin, serial, &order.lot, &order.expiry, &element_string, &digital_link]))
}

/// `2027-03-31` as GS1 writes dates: `270331`.
fn yymmdd(date: &str) -> String {
    date.get(2..).unwrap_or_default().replace('-', "")
}

/// Fields joined by commas; a field with a comma, quote or line break is quoted (CSET 82 serials may hold
/// `,` and `"`). A field a spreadsheet would run as a formula (it begins with `=`, `+`, `-`, `@`, a tab or a
/// carriage return: CSET 82 allows `=HYPERLINK(…)` as a serial) gets a leading `'`, which spreadsheets show as
/// text and never run.
fn csv_line(fields: &[&str]) -> String {
    let quoted: Vec<String> = fields
        .iter()
        .map(|field| {
            let field = if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                format!("'{field}")
            } else {
                (*field).to_owned()
            };
            if field.contains([',', '"', '\r', '\n', '\t', '\'']) {
                format!("\"{}\"", field.replace('"', "\"\""))
            } else {
                field
            }
        })
        .collect();
    format!("{}\r\n", quoted.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_with_commas_or_quotes_are_quoted() {
        assert_eq!(csv_line(&["A,B", "x\"y", "plain"]), "\"A,B\",\"x\"\"y\",plain\r\n");
    }

    #[test]
    fn a_field_a_spreadsheet_would_run_is_written_as_text() {
        let given_then = [
            ("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""),
            ("+1", "\"'+1\""),
            ("-2+3", "\"'-2+3\""),
            ("@SUM(A1)", "\"'@SUM(A1)\""),
            ("A=1", "A=1"),
            ("(01)09506000134352(21)A1", "(01)09506000134352(21)A1"),
        ];
        for (field, written) in given_then {
            assert_eq!(csv_line(&[field]), format!("{written}\r\n"), "{field}");
        }
    }

    #[test]
    fn dates_become_yymmdd() {
        assert_eq!(yymmdd("2027-03-31"), "270331");
    }
}
