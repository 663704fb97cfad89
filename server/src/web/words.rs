//! Numbers and lists as the API's messages say them.

/// 1000000 → "1,000,000", as the messages say numbers.
pub fn thousands(number: u64) -> String {
    let digits = number.to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

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
