//! A calendar date as JSON writes it, `2027-06-30`: the same text as `time`'s own serde form for `Date`,
//! read and written by hand. `time`'s form goes through its format-description interpreter, the biggest part
//! of `time` in the browser app (README.md, "The app's weight").

use serde::{Deserialize, Deserializer, Serializer};
use time::{Date, Month};

/// `YYYY-MM-DD` (a year before 0 with a leading `-`), as `time` writes a date.
pub fn format(date: Date) -> String {
    let year = date.year();
    let sign = if year < 0 { "-" } else { "" };
    format!("{sign}{:04}-{:02}-{:02}", year.unsigned_abs(), date.month() as u8, date.day())
}

/// Reads exactly what `time` reads as a date: an optional sign, four digits of year, two of month and of day.
pub fn parse(text: &str) -> Option<Date> {
    let (negative, rest) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let bytes = rest.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        bytes[range].iter().try_fold(0, |sum, &byte| byte.is_ascii_digit().then(|| sum * 10 + u32::from(byte - b'0')))
    };
    let year = number(0..4)? as i32;
    let month = Month::try_from(number(5..7)? as u8).ok()?;
    Date::from_calendar_date(if negative { -year } else { year }, month, number(8..10)? as u8).ok()
}

/// For `#[serde(default, with = "iso_date::option")]` on an `Option<Date>`.
pub mod option {
    use super::*;

    pub fn serialize<S: Serializer>(date: &Option<Date>, serializer: S) -> Result<S::Ok, S::Error> {
        match date {
            Some(date) => serializer.serialize_str(&format(*date)),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Date>, D::Error> {
        match Option::<std::borrow::Cow<'de, str>>::deserialize(deserializer)? {
            None => Ok(None),
            Some(text) => parse(&text).map(Some).ok_or_else(|| {
                serde::de::Error::invalid_value(serde::de::Unexpected::Str(&text), &"a date as YYYY-MM-DD")
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_and_write_the_same_text_as_time_does() {
        for text in ["2027-06-30", "0001-01-01", "9999-12-31", "2028-02-29", "-0044-03-15"] {
            let date = parse(text).unwrap_or_else(|| panic!("{text} reads"));
            let by_time: Date = serde_json::from_str(&format!("\"{text}\"")).unwrap();
            assert_eq!(date, by_time, "{text}");
            assert_eq!(format(date), text);
            assert_eq!(serde_json::to_string(&by_time).unwrap(), format!("\"{}\"", format(date)));
        }
        assert_eq!(parse("+2027-06-30"), serde_json::from_str::<Date>("\"+2027-06-30\"").ok());
        for bad in
            ["2027-6-30", "2027-02-30", "27-06-30", "2027/06/30", "2027-06-3x", "", "-", "2027-06-301", "２027-06-30"]
        {
            assert_eq!(parse(bad), None, "{bad}");
            assert!(serde_json::from_str::<Date>(&format!("\"{bad}\"")).is_err(), "time refuses {bad} too");
        }
    }

    #[test]
    fn an_optional_date_is_null_or_the_text() {
        #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
        struct Holder {
            #[serde(default, with = "super::option")]
            expiry: Option<Date>,
        }
        let holder: Holder = serde_json::from_str(r#"{"expiry":"2027-06-30"}"#).unwrap();
        assert_eq!(serde_json::to_string(&holder).unwrap(), r#"{"expiry":"2027-06-30"}"#);
        assert_eq!(serde_json::from_str::<Holder>(r#"{"expiry":null}"#).unwrap(), Holder { expiry: None });
        assert_eq!(serde_json::from_str::<Holder>("{}").unwrap(), Holder { expiry: None });
        assert_eq!(serde_json::to_string(&Holder { expiry: None }).unwrap(), r#"{"expiry":null}"#);
        assert!(serde_json::from_str::<Holder>(r#"{"expiry":"soon"}"#).is_err());
        let value = serde_json::json!({"expiry": "2027-06-30"});
        assert_eq!(serde_json::from_value::<Holder>(value).unwrap(), holder);
    }
}
