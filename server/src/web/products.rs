//! Products: code and schema (validated with the shared `ProductCode`), name, serial settings, workflow.

use super::error::{ApiError, ApiResult, ErrorBody};
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::lookups::find_product;
use super::openapi::CommonErrors;
use super::principal::Principal;
use super::product_settings::{validate_details, validate_scheme, validate_workflow, SerialSource};
use super::state::AppState;
use super::time_format::rfc3339;
use crate::auth::Permission;
use crate::store::{NewProduct, ProductChanges, ProductRecord};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use serialtrack_shared::ids::{CodeSchema, ProductCode};
use serialtrack_shared::product_details::ProductDetails;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(products_list, products_create)).routes(routes!(products_show, products_update))
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CodeSchemaName {
    Gtin,
    Ntin,
    Ppn,
    Internal,
}

impl From<CodeSchemaName> for CodeSchema {
    fn from(name: CodeSchemaName) -> Self {
        match name {
            CodeSchemaName::Gtin => CodeSchema::Gtin,
            CodeSchemaName::Ntin => CodeSchema::Ntin,
            CodeSchemaName::Ppn => CodeSchema::Ppn,
            CodeSchemaName::Internal => CodeSchema::Internal,
        }
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductCreate {
    code_schema: CodeSchemaName,
    /// The product code under its schema, e.g. a GTIN `09520123456788` or an internal code `CM-500`.
    #[schema(min_length = 1, max_length = 40, pattern = r"^\s*[A-Za-z0-9._/-]{1,40}\s*$")]
    code: String,
    /// 1 to 200 characters.
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    name: String,
    #[serde(default)]
    serial_source: Option<SerialSource>,
    /// How serials are made; left out, null or `{}`: randomised.
    #[schema(schema_with = scheme_or_default)]
    serial_scheme: Option<serde_json::Value>,
    /// Role restrictions, approvals and automatic transitions.
    #[schema(value_type = Option<serialtrack_shared::unit::WorkflowSettings>)]
    workflow: Option<serde_json::Value>,
    /// Attributes, the product's own retention (absent: the organisation's), the expected yield range.
    #[serde(default)]
    details: Option<ProductDetails>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductUpdate {
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    name: Option<String>,
    serial_source: Option<SerialSource>,
    #[schema(schema_with = scheme_or_default)]
    serial_scheme: Option<serde_json::Value>,
    #[schema(value_type = Option<serialtrack_shared::unit::WorkflowSettings>)]
    workflow: Option<serde_json::Value>,
    /// Replaces the details as a whole: attributes, retention, yield range.
    details: Option<ProductDetails>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProductView {
    pub id: String,
    pub code_schema: String,
    pub code: String,
    /// The GTIN-14 for GTIN and NTIN codes.
    pub gtin: Option<String>,
    pub name: String,
    pub serial_source: String,
    #[schema(value_type = serialtrack_shared::serials::SerialScheme)]
    pub serial_scheme: serde_json::Value,
    /// The workflow the server decides this product's commands with: the default one in full when none was set.
    #[schema(value_type = serialtrack_shared::unit::WorkflowSettings)]
    pub workflow: serde_json::Value,
    pub details: ProductDetails,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProductList {
    products: Vec<ProductView>,
}

/// A product's `serial_scheme` as a request gives it: a `SerialScheme`, or null or `{}` for the default.
fn scheme_or_default() -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
    OneOfBuilder::new()
        .item(utoipa::openapi::Ref::from_schema_name("SerialScheme"))
        .item(ObjectBuilder::new().schema_type(Type::Object).max_properties(Some(0)))
        .item(ObjectBuilder::new().schema_type(Type::Null))
        .build()
        .into()
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ProductQuery {
    /// Part of the code or of the name, any case.
    q: Option<String>,
    /// At most this many (1–500, default 50; 0 is taken as 1, more as 500).
    #[param(format = Int64, minimum = 0, maximum = 4_294_967_295_u32)]
    limit: Option<u32>,
    /// Skip this many.
    #[param(format = Int64, minimum = 0, maximum = 4_294_967_295_u32)]
    offset: Option<u32>,
}

impl From<ProductRecord> for ProductView {
    fn from(record: ProductRecord) -> Self {
        // The workflow commands are decided with (a product stored with `{}` has the default one), so a device
        // that decides offline decides as the server will.
        let workflow = crate::domain::units::workflow(&record)
            .ok()
            .and_then(|workflow| serde_json::to_value(workflow).ok())
            .unwrap_or_default();
        Self {
            id: record.id,
            code_schema: record.code_schema,
            code: record.code,
            gtin: record.gtin,
            name: record.name,
            serial_source: record.serial_source,
            serial_scheme: serde_json::from_str(&record.serial_scheme).unwrap_or_default(),
            workflow,
            details: serde_json::from_str(&record.details).unwrap_or_default(),
            created_at: rfc3339(record.created_at),
            updated_at: rfc3339(record.updated_at),
        }
    }
}

fn valid_name(name: &str) -> ApiResult<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ApiError::invalid("invalid_name", "give the product a name of 1 to 200 characters"));
    }
    Ok(name.to_owned())
}

/// The tenant's products, searched by part of the code or the name with `?q=`.
#[utoipa::path(get, path = "/products", tag = "products", params(ProductQuery),
    security(("session" = []), ("api_key" = [])), responses((status = 200, body = ProductList), CommonErrors))]
pub async fn products_list(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<ProductQuery>,
) -> ApiResult<Json<ProductList>> {
    principal.require(Permission::Read, "read products")?;
    let limit = i64::from(query.limit.unwrap_or(50).clamp(1, 500));
    let search = query.q.as_deref().map(str::trim).filter(|text| !text.is_empty());
    let offset = i64::from(query.offset.unwrap_or(0));
    let products = state.store.products(&principal.tenant_id, search, limit, offset).await?;
    Ok(Json(ProductList { products: products.into_iter().map(ProductView::from).collect() }))
}

/// Adds a product. Supervisors and admins.
#[utoipa::path(post, path = "/products", tag = "products", request_body = ProductCreate,
    security(("session" = []), ("api_key" = [])),
    responses((status = 201, body = ProductView), (status = 409, body = ErrorBody), CommonErrors))]
pub async fn products_create(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(create): ApiJson<ProductCreate>,
) -> ApiResult<(StatusCode, Json<ProductView>)> {
    principal.require(Permission::ManageCatalog, "add products")?;
    let code = ProductCode::parse(create.code_schema.into(), &create.code)
        .map_err(|error| ApiError::invalid("invalid_product_code", error.to_string()))?;
    let product = NewProduct {
        code_schema: code.schema().name().to_owned(),
        code: code.as_str().to_owned(),
        gtin: code.gtin().map(|gtin| gtin.as_str().to_owned()),
        name: valid_name(&create.name)?,
        serial_source: create.serial_source.unwrap_or(SerialSource::Generated).as_str().to_owned(),
        serial_scheme: validate_scheme(create.serial_scheme)?,
        workflow: validate_workflow(create.workflow)?,
        details: validate_details(create.details.unwrap_or_default())?,
    };
    let record = state.store.product_create(&principal.tenant_id, product).await.map_err(|error| match error {
        crate::store::StoreError::Conflict(_) => ApiError::Conflict {
            code: "duplicate_product",
            message: format!("the tenant already has a product with the code {code} (or its GTIN)"),
        },
        other => other.into(),
    })?;
    Ok((StatusCode::CREATED, Json(record.into())))
}

/// One product of the tenant.
#[utoipa::path(get, path = "/products/{product_id}", tag = "products", params(("product_id" = String, Path)),
    security(("session" = []), ("api_key" = [])), responses((status = 200, body = ProductView), CommonErrors))]
pub async fn products_show(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(product_id): ApiPath<String>,
) -> ApiResult<Json<ProductView>> {
    principal.require(Permission::Read, "read products")?;
    Ok(Json(find_product(&state, &principal.tenant_id, &product_id).await?.into()))
}

/// Changes a product's name, serial settings, workflow or details; the code is fixed. Supervisors and admins.
#[utoipa::path(patch, path = "/products/{product_id}", tag = "products", params(("product_id" = String, Path)),
    request_body = ProductUpdate, security(("session" = []), ("api_key" = [])),
    responses((status = 200, body = ProductView), CommonErrors))]
pub async fn products_update(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(product_id): ApiPath<String>,
    ApiJson(update): ApiJson<ProductUpdate>,
) -> ApiResult<Json<ProductView>> {
    principal.require(Permission::ManageCatalog, "change products")?;
    let changes = ProductChanges {
        name: update.name.as_deref().map(valid_name).transpose()?,
        serial_source: update.serial_source.map(|source| source.as_str().to_owned()),
        serial_scheme: update.serial_scheme.map(|scheme| validate_scheme(Some(scheme))).transpose()?,
        workflow: update.workflow.map(|workflow| validate_workflow(Some(workflow))).transpose()?,
        details: update.details.map(validate_details).transpose()?,
    };
    if let Some(scheme) = &changes.serial_scheme {
        // A new scheme must still leave 10,000 × the serials already issued (EU FMD: guessing stays hopeless).
        let held = find_product(&state, &principal.tenant_id, &product_id).await?;
        super::product_settings::check_space(scheme, held.next_counter.max(0) as u64, 0)?;
    }
    let product = state.store.product_update(&principal.tenant_id, &product_id, changes).await?;
    Ok(Json(product.ok_or_else(|| ApiError::NotFound("a product with this id".into()))?.into()))
}
