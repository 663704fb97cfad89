//! The product form of the administration screens: what an admin types, checked on the device by the same
//! `shared` rules the server runs (a GTIN's check digit, a serial scheme's alphabet and space, a workflow's
//! transitions), and turned into the body of `POST /products` or `PATCH /products/{id}`. The server decides;
//! checking here only says what is wrong before the form is sent.

use crate::model::ProductRecord;
use crate::product_details_form::DetailsDraft;
use serde_json::{json, Value};
use serialtrack_shared::ids::{CodeSchema, ProductCode};
use serialtrack_shared::serials::{Alphabet, SerialScheme, ValidScheme};
use serialtrack_shared::unit::{Role, RoleRestriction, StatusChange, UnitStatus, WorkflowSettings, TRANSITIONS};
use serialtrack_shared::words::thousands;

/// The code schemas a product may have, with their names on the form.
pub const CODE_SCHEMAS: [(&str, &str); 4] = [
    ("gtin", "GTIN (GS1)"),
    ("ntin", "NTIN (national, GS1 format)"),
    ("ppn", "PPN (IFA)"),
    ("internal", "Internal code"),
];

/// Where serials come from, with their names on the form.
pub const SERIAL_SOURCES: [(&str, &str); 4] = [
    ("generated", "Generated here"),
    ("imported", "Imported as a list"),
    ("external", "Supplied by another system"),
    ("partner", "Assigned by the brand owner"),
];

/// The alphabets offered for randomised serials; any other CSET 82 alphabet may be typed.
pub const ALPHABETS: [(&str, &str); 2] =
    [(Alphabet::UPPER_ALPHANUMERIC, "Letters and digits, without I and O"), (Alphabet::DIGITS, "Digits only")];

/// A product as the form holds it while an admin edits it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductDraft {
    /// The product being changed; `None` while adding one.
    pub id: Option<String>,
    pub code_schema: String,
    pub code: String,
    pub name: String,
    pub serial_source: String,
    /// `true` for a patterned scheme (a template with a counter), `false` for randomised serials.
    pub patterned: bool,
    pub alphabet: String,
    pub length: String,
    pub template: String,
    pub workflow: WorkflowSettings,
    pub details: DetailsDraft,
}

impl Default for ProductDraft {
    /// A new product: a GTIN with generated, randomised serials of 12 letters and digits, and the default workflow.
    fn default() -> Self {
        Self {
            id: None,
            code_schema: "gtin".into(),
            code: String::new(),
            name: String::new(),
            serial_source: "generated".into(),
            patterned: false,
            alphabet: Alphabet::UPPER_ALPHANUMERIC.into(),
            length: "12".into(),
            template: String::new(),
            workflow: WorkflowSettings::default(),
            details: DetailsDraft::default(),
        }
    }
}

impl ProductDraft {
    /// The form for changing a product the device holds.
    pub fn of(product: &ProductRecord) -> Self {
        let mut draft = Self {
            id: Some(product.id.clone()),
            code_schema: product.code_schema.clone(),
            code: product.code.clone(),
            name: product.name.clone(),
            serial_source: product.serial_source.clone(),
            workflow: product.workflow.clone(),
            details: DetailsDraft::of(&product.details),
            ..Self::default()
        };
        match serde_json::from_value::<SerialScheme>(product.serial_scheme.clone()) {
            Ok(SerialScheme::Randomised { alphabet, length }) => {
                draft.alphabet = alphabet;
                draft.length = length.to_string();
            }
            Ok(SerialScheme::Patterned { template }) => {
                draft.patterned = true;
                draft.template = template;
            }
            // An older server's scheme the form cannot show: left as the default until changed.
            Err(_) => {}
        }
        draft
    }

    /// The serial scheme the form describes, checked.
    pub fn scheme(&self) -> Result<SerialScheme, String> {
        let scheme = if self.patterned {
            SerialScheme::Patterned { template: self.template.trim().to_owned() }
        } else {
            let length = self
                .length
                .trim()
                .parse::<u8>()
                .map_err(|_| "Give the serial's length as a whole number of characters, e.g. 12.".to_owned())?;
            SerialScheme::Randomised { alphabet: self.alphabet.trim().to_owned(), length }
        };
        scheme.validate().map_err(|error| format!("The serial scheme does not work: {error}."))?;
        Ok(scheme)
    }

    /// How many serials a randomised scheme can issue while a guess still fails 9,999 times in 10,000 (EU FMD),
    /// in words; nothing for a patterned scheme or one that does not work.
    pub fn room_words(&self) -> Option<String> {
        let scheme = self.scheme().ok()?;
        let ValidScheme::Randomised(randomised) = scheme.validate().ok()? else { return None };
        let room = randomised.space() / 10_000;
        let room = u64::try_from(room).map_or_else(|_| "more than 18 billion billion".to_owned(), thousands);
        Some(format!("Room for {room} serials before a guess would succeed once in 10,000."))
    }

    /// The request body: every field for a new product, the changeable ones for an existing product (its code and
    /// schema are fixed once units carry them). The first problem found is the error.
    pub fn body(&self) -> Result<Value, String> {
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err("Give the product a name of 1 to 200 characters.".into());
        }
        let scheme = serde_json::to_value(self.scheme()?).unwrap_or_default();
        let workflow = serde_json::to_value(&self.workflow).unwrap_or_default();
        let details = serde_json::to_value(self.details.details()?).unwrap_or_default();
        let mut body = json!({
            "name": name,
            "serial_source": self.serial_source,
            "serial_scheme": scheme,
            "workflow": workflow,
            "details": details,
        });
        if self.id.is_none() {
            let schema = CodeSchema::from_name(&self.code_schema).ok_or("Choose the kind of product code.")?;
            let code = ProductCode::parse(schema, self.code.trim()).map_err(|error| format!("{error}."))?;
            body["code_schema"] = json!(self.code_schema);
            body["code"] = json!(code.as_str());
        }
        Ok(body)
    }
}

/// One row of the workflow grid: a move of the lifecycle and what the product's workflow says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowRow {
    pub from: UnitStatus,
    pub to: UnitStatus,
    pub meaning: &'static str,
    /// The roles that may make it; empty: anyone but an auditor.
    pub roles: Vec<Role>,
    pub needs_approval: bool,
    pub automatic: bool,
}

/// Every move of the lifecycle (each once, in the table's order) with the workflow's rules for it.
pub fn workflow_rows(workflow: &WorkflowSettings) -> Vec<WorkflowRow> {
    let mut rows: Vec<WorkflowRow> = Vec::new();
    for transition in TRANSITIONS {
        if rows.iter().any(|row| row.from == transition.from && row.to == transition.to) {
            continue;
        }
        let (from, to) = (transition.from, transition.to);
        rows.push(WorkflowRow {
            from,
            to,
            meaning: transition.meaning,
            roles: workflow.allowed_roles(from, to).map(<[Role]>::to_vec).unwrap_or_default(),
            needs_approval: workflow.needs_approval(from, to),
            automatic: workflow.is_automatic(from, to),
        });
    }
    rows
}

/// The roles a person may pick for a move: auditors never change units.
pub fn restrictable_roles() -> impl Iterator<Item = Role> {
    Role::ALL.into_iter().filter(|role| *role != Role::Auditor)
}

/// Ticks or unticks `role` for `from → to`; when no role is left ticked, the move is open to anyone again.
pub fn set_role(workflow: &mut WorkflowSettings, from: UnitStatus, to: UnitStatus, role: Role, allowed: bool) {
    let at = workflow.restricted.iter().position(|r| r.from == from && r.to == to);
    let at = match at {
        Some(at) => at,
        None if allowed => {
            workflow.restricted.push(RoleRestriction { from, to, roles: Vec::new() });
            workflow.restricted.len() - 1
        }
        None => return,
    };
    let roles = &mut workflow.restricted[at].roles;
    roles.retain(|held| *held != role);
    if allowed {
        roles.push(role);
        // Kept in the roles' own order, so the stored settings do not depend on the order of the clicks.
        roles.sort_by_key(|held| Role::ALL.iter().position(|r| r == held));
    }
    if roles.is_empty() {
        workflow.restricted.remove(at);
    }
}

/// Whether `from → to` needs a second person's approval.
pub fn set_approval(workflow: &mut WorkflowSettings, from: UnitStatus, to: UnitStatus, on: bool) {
    set_change(&mut workflow.approval_required, from, to, on);
}

/// Whether `from → to` is a machine's job, not offered to people.
pub fn set_automatic(workflow: &mut WorkflowSettings, from: UnitStatus, to: UnitStatus, on: bool) {
    set_change(&mut workflow.automatic, from, to, on);
}

fn set_change(changes: &mut Vec<StatusChange>, from: UnitStatus, to: UnitStatus, on: bool) {
    changes.retain(|change| !(change.from == from && change.to == to));
    if on {
        changes.push(StatusChange { from, to });
    }
}

/// A product's serial scheme in a few words for the list.
pub fn scheme_words(scheme: &Value) -> String {
    match serde_json::from_value::<SerialScheme>(scheme.clone()) {
        Ok(SerialScheme::Randomised { alphabet, length }) => {
            let kind = ALPHABETS.iter().find(|(known, _)| *known == alphabet).map_or("characters", |_| {
                if alphabet == Alphabet::DIGITS {
                    "digits"
                } else {
                    "letters and digits"
                }
            });
            format!("Random, {length} {kind}")
        }
        Ok(SerialScheme::Patterned { template }) => format!("Pattern {template}"),
        Err(_) => "Default".into(),
    }
}

/// A name of the form's lists (`CODE_SCHEMAS`, `SERIAL_SOURCES`) in words, or the name itself.
pub fn named(list: &[(&'static str, &'static str)], name: &str) -> String {
    list.iter().find(|(known, _)| *known == name).map_or_else(|| name.to_owned(), |(_, words)| (*words).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use UnitStatus::*;

    fn draft(code_schema: &str, code: &str) -> ProductDraft {
        ProductDraft { code_schema: code_schema.into(), code: code.into(), name: "Pump".into(), ..Default::default() }
    }

    #[test]
    fn a_new_product_body_carries_its_code_checked_by_the_shared_rules() {
        // Given / when / then: what the admin typed, and the body or the sentence the form shows.
        let cases: [(&str, &str, Result<&str, &str>); 4] = [
            ("gtin", "09506000134352", Ok("09506000134352")),
            ("gtin", "09506000134353", Err("check digit")),
            ("internal", " CM-500 ", Ok("CM-500")),
            ("nonsense", "CM-500", Err("Choose the kind of product code.")),
        ];
        for (schema, code, expected) in cases {
            let body = draft(schema, code).body();
            match expected {
                Ok(stored) => assert_eq!(body.unwrap()["code"], stored, "{schema} {code}"),
                Err(words) => assert!(body.unwrap_err().contains(words), "{schema} {code}"),
            }
        }
    }

    #[test]
    fn the_room_of_a_randomised_scheme_is_its_space_over_ten_thousand() {
        let digits = ProductDraft { alphabet: Alphabet::DIGITS.into(), length: "8".into(), ..Default::default() };
        assert_eq!(
            digits.room_words().unwrap(),
            "Room for 10,000 serials before a guess would succeed once in 10,000."
        );
        let patterned = ProductDraft { patterned: true, template: "A-{NNNN}".into(), ..Default::default() };
        assert_eq!(patterned.room_words(), None);
    }

    #[test]
    fn a_changed_product_body_leaves_out_code_and_schema() {
        let product = ProductDraft { id: Some("p1".into()), ..draft("gtin", "not checked on change") };
        let body = product.body().unwrap();
        assert!(body.get("code").is_none() && body.get("code_schema").is_none());
        assert_eq!(body["name"], "Pump");
    }

    #[test]
    fn a_scheme_too_small_or_badly_written_is_refused_before_it_is_sent() {
        let too_long = ProductDraft { length: "21".into(), ..draft("internal", "CM-500") };
        assert!(too_long.body().unwrap_err().starts_with("The serial scheme does not work"));
        let not_a_number = ProductDraft { length: "twelve".into(), ..draft("internal", "CM-500") };
        assert!(not_a_number.body().unwrap_err().contains("whole number"));
        let no_counter = ProductDraft { patterned: true, template: "CM500-".into(), ..draft("internal", "CM-500") };
        assert!(no_counter.body().is_err());
        let patterned = ProductDraft { template: "CM500-{YYYY}-{NNNN}".into(), ..no_counter };
        assert_eq!(
            patterned.body().unwrap()["serial_scheme"],
            json!({"kind": "patterned", "template": "CM500-{YYYY}-{NNNN}"})
        );
    }

    #[test]
    fn an_edited_product_shows_its_own_scheme_and_workflow() {
        let product = ProductRecord {
            id: "p1".into(),
            code: "CM-500".into(),
            code_schema: "internal".into(),
            name: "Compressor".into(),
            serial_source: "generated".into(),
            serial_scheme: json!({"kind": "patterned", "template": "CM500-{YYYY}-{NNNN}"}),
            available: 0,
            assigned: 0,
            workflow: WorkflowSettings { restricted: vec![], approval_required: vec![], automatic: vec![] },
            details: Default::default(),
        };
        let draft = ProductDraft::of(&product);
        assert!(draft.patterned);
        assert_eq!(draft.template, "CM500-{YYYY}-{NNNN}");
        assert!(draft.workflow.approval_required.is_empty());
        assert_eq!(scheme_words(&product.serial_scheme), "Pattern CM500-{YYYY}-{NNNN}");
    }

    #[test]
    fn ticking_roles_restricts_a_move_and_unticking_the_last_opens_it_again() {
        let mut workflow = WorkflowSettings { restricted: vec![], approval_required: vec![], automatic: vec![] };
        set_role(&mut workflow, Available, Decommissioned, Role::Admin, true);
        set_role(&mut workflow, Available, Decommissioned, Role::Supervisor, true);
        assert_eq!(workflow.allowed_roles(Available, Decommissioned), Some(&[Role::Supervisor, Role::Admin][..]));
        set_role(&mut workflow, Available, Decommissioned, Role::Admin, false);
        set_role(&mut workflow, Available, Decommissioned, Role::Supervisor, false);
        assert_eq!(workflow.allowed_roles(Available, Decommissioned), None);
        assert!(workflow.restricted.is_empty());
        // Unticking a role of an open move changes nothing.
        set_role(&mut workflow, Available, Quarantine, Role::Operator, false);
        assert!(workflow.restricted.is_empty());
    }

    #[test]
    fn approval_and_automatic_switch_on_and_off_once_each() {
        let mut workflow = WorkflowSettings::default();
        set_approval(&mut workflow, Shipped, Delivered, true);
        set_approval(&mut workflow, Shipped, Delivered, true);
        assert_eq!(workflow.approval_required.iter().filter(|c| c.from == Shipped).count(), 1);
        set_automatic(&mut workflow, Shipped, Delivered, true);
        assert!(workflow.is_automatic(Shipped, Delivered));
        set_approval(&mut workflow, Quarantine, Available, false);
        assert!(!workflow.needs_approval(Quarantine, Available));
    }

    #[test]
    fn the_grid_has_every_move_of_the_table_once_with_the_default_rules() {
        let rows = workflow_rows(&WorkflowSettings::default());
        for transition in TRANSITIONS {
            assert_eq!(rows.iter().filter(|r| r.from == transition.from && r.to == transition.to).count(), 1);
        }
        let undo = rows.iter().find(|r| r.from == Decommissioned).unwrap();
        assert_eq!(undo.roles, vec![Role::Supervisor, Role::Quality, Role::Admin]);
        assert!(rows.iter().find(|r| r.from == Quarantine && r.to == Available).unwrap().needs_approval);
        assert!(!restrictable_roles().any(|role| role == Role::Auditor));
    }
}
