//! A product's details beyond its code and serials: its attributes (strength, pack size, anything the
//! organisation names), its retention policy ([`crate::retention`]), and the yield range its packaging orders
//! are expected to land in. Checked here for both the server (which stores them) and the app (which says what
//! is wrong before sending).

use crate::retention::{PolicyError, RetentionPolicy};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The most attributes a product may carry.
pub const MAX_ATTRIBUTES: usize = 30;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProductDetails {
    /// Named values: `{"strength": "20 mg", "pack": "30 tablets"}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
    /// The product's own retention; absent: the organisation's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention: Option<RetentionPolicy>,
    /// Where a packaging order's good units, as a share of its quantity, are expected to land.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yield_range: Option<YieldRange>,
}

/// A yield range in whole percent of an order's quantity, e.g. 95 to 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct YieldRange {
    #[cfg_attr(feature = "utoipa", schema(minimum = 1, maximum = 100))]
    pub min_percent: u8,
    #[cfg_attr(feature = "utoipa", schema(minimum = 1, maximum = 100))]
    pub max_percent: u8,
}

/// How an order's yield compares with its product's range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YieldVerdict {
    Within { percent: u32 },
    Below { percent: u32 },
    Above { percent: u32 },
}

impl YieldRange {
    /// `good` units of `planned`, in whole percent (rounded down), against the range.
    pub fn judge(&self, planned: u64, good: u64) -> YieldVerdict {
        let percent =
            good.saturating_mul(100).checked_div(planned).map_or(0, |share| u32::try_from(share).unwrap_or(u32::MAX));
        if percent < u32::from(self.min_percent) {
            YieldVerdict::Below { percent }
        } else if percent > u32::from(self.max_percent) {
            YieldVerdict::Above { percent }
        } else {
            YieldVerdict::Within { percent }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum DetailsError {
    #[error("a product carries at most {MAX_ATTRIBUTES} attributes; this one has {count}")]
    TooManyAttributes { count: usize },
    #[error("an attribute's name is 1 to 40 characters without spaces at either end; {name:?} is not")]
    AttributeName { name: String },
    #[error("the attribute {name:?} needs a value of 1 to 200 characters")]
    AttributeValue { name: String },
    #[error("a yield range is 1 to 100 percent with its lowest at or below its highest; {min}–{max} is not")]
    YieldRange { min: u8, max: u8 },
    #[error("{0}")]
    Retention(PolicyError),
}

impl ProductDetails {
    pub fn validate(&self) -> Result<(), DetailsError> {
        if self.attributes.len() > MAX_ATTRIBUTES {
            return Err(DetailsError::TooManyAttributes { count: self.attributes.len() });
        }
        for (name, value) in &self.attributes {
            if name.trim() != name || !(1..=40).contains(&name.chars().count()) {
                return Err(DetailsError::AttributeName { name: name.clone() });
            }
            if value.trim().is_empty() || value.chars().count() > 200 {
                return Err(DetailsError::AttributeValue { name: name.clone() });
            }
        }
        if let Some(range) = self.yield_range {
            let (min, max) = (range.min_percent, range.max_percent);
            if min == 0 || max > 100 || min > max {
                return Err(DetailsError::YieldRange { min, max });
            }
        }
        self.retention.as_ref().map_or(Ok(()), |policy| policy.validate().map_err(DetailsError::Retention))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::retention::CountedFrom;
    use serde_json::json;

    #[test]
    fn details_read_from_json_and_write_back_only_what_is_set() {
        let text = json!({"attributes": {"strength": "20 mg"}, "yield_range": {"min_percent": 95, "max_percent": 100}});
        let details: ProductDetails = serde_json::from_value(text.clone()).unwrap();
        assert_eq!(details.yield_range, Some(YieldRange { min_percent: 95, max_percent: 100 }));
        assert_eq!(serde_json::to_value(&details).unwrap(), text);
        assert_eq!(serde_json::to_value(ProductDetails::default()).unwrap(), json!({}));
    }

    #[test]
    fn details_name_what_is_wrong_with_them() {
        let with = |change: fn(&mut ProductDetails)| {
            let mut details = ProductDetails::default();
            change(&mut details);
            details.validate().err()
        };
        type Change = fn(&mut ProductDetails);
        let given_then: [(Change, Option<DetailsError>); 6] = [
            (|d| _ = d.attributes.insert("strength".into(), "20 mg".into()), None),
            (
                |d| _ = d.attributes.insert(" strength".into(), "20 mg".into()),
                Some(DetailsError::AttributeName { name: " strength".into() }),
            ),
            (
                |d| _ = d.attributes.insert("pack".into(), " ".into()),
                Some(DetailsError::AttributeValue { name: "pack".into() }),
            ),
            (
                |d| d.yield_range = Some(YieldRange { min_percent: 99, max_percent: 95 }),
                Some(DetailsError::YieldRange { min: 99, max: 95 }),
            ),
            (
                |d| {
                    d.retention = Some(RetentionPolicy {
                        keep_years: Some(2),
                        archive_after_years: Some(5),
                        counted_from: CountedFrom::LastEvent,
                    })
                },
                Some(DetailsError::Retention(PolicyError::ArchiveAfterPurge { archive: 5, keep: 2 })),
            ),
            (
                |d| d.attributes = (0..=MAX_ATTRIBUTES).map(|at| (format!("a{at}"), "v".into())).collect(),
                Some(DetailsError::TooManyAttributes { count: MAX_ATTRIBUTES + 1 }),
            ),
        ];
        for (change, error) in given_then {
            assert_eq!(with(change), error);
        }
    }

    #[test]
    fn a_yield_is_judged_in_whole_percent_against_the_range() {
        let range = YieldRange { min_percent: 95, max_percent: 100 };
        let given_then = [
            ((1000, 950), YieldVerdict::Within { percent: 95 }),
            ((1000, 949), YieldVerdict::Below { percent: 94 }),
            ((1000, 1000), YieldVerdict::Within { percent: 100 }),
            ((1000, 1011), YieldVerdict::Above { percent: 101 }),
            ((0, 0), YieldVerdict::Below { percent: 0 }),
        ];
        for ((planned, good), verdict) in given_then {
            assert_eq!(range.judge(planned, good), verdict, "{good} of {planned}");
        }
    }
}
