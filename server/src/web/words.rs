//! Numbers and lists as the API's messages say them.

pub use serialtrack_shared::words::thousands;

/// "1 serial", "2,000 serials": how a pool history's detail counts.
pub fn serials_in_words(count: usize) -> String {
    match count {
        1 => "1 serial".to_owned(),
        _ => format!("{} serials", thousands(count as u64)),
    }
}

/// At most 20 of these lines, joined, with "…" when there are more: how refusals are named in a message.
pub fn shown(lines: &[String]) -> String {
    let more = if lines.len() > 20 { "; …" } else { "" };
    format!("{}{more}", lines.iter().take(20).cloned().collect::<Vec<_>>().join("; "))
}
