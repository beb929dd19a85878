//! The plain-text transcript of a chat (R26).

/// R26: the plain-text transcript of messages, one line each:
/// `[2026-11-24 09:30 UTC] Olga Berg: text (attachments: a.png, b.pdf)`.
pub fn transcript_line(when: &str, sender: &str, text: &str, attachments: &[&str]) -> String {
    let mut line = format!("[{when}] {sender}: {}", text.trim());
    if !attachments.is_empty() {
        line.push_str(&format!(" (attachments: {})", attachments.join(", ")));
    }
    line
}

/// A transcript's time zone (R26): an IANA name the tz database knows (`Europe/Stockholm`, the
/// same rule as a user's chosen zone), UTC when none is given, or why not — a sentence for the 422.
pub fn transcript_zone(raw: Option<&str>) -> Result<chrono_tz::Tz, String> {
    raw.map_or(Ok(chrono_tz::Tz::UTC), |raw| {
        crate::locale::TimeZoneName::parse(raw)
            .map(|zone| zone.tz())
            .map_err(|e| e.0)
    })
}

/// A message time in a transcript, to the minute, in the saver's zone with its abbreviation:
/// "2026-11-24 10:30 CET". An instant outside the calendar reads as milliseconds.
pub fn transcript_time(ms: i64, zone: chrono_tz::Tz) -> String {
    use chrono::TimeZone;
    match chrono::Utc.timestamp_millis_opt(ms).single() {
        Some(utc) => utc
            .with_timezone(&zone)
            .format("%Y-%m-%d %H:%M %Z")
            .to_string(),
        None => ms.to_string(),
    }
}

/// A message body as transcript text: its markdown kept as written (readable as it is), each
/// `<@user_id>` of a known person as `@Name` (people are names, never ids). Unknown ids stay.
pub fn readable_mentions(body: &str, people: &crate::markdown::MentionResolver) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = rest.find("<@") {
        let (before, tail) = rest.split_at(at);
        out.push_str(before);
        let name = tail
            .get(2..)
            .and_then(|t| t.find('>').map(|end| (t, end)))
            .filter(|(t, end)| {
                *end > 0
                    && *end <= 64
                    && t.get(..*end).is_some_and(|id| {
                        id.chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                    })
            })
            .and_then(|(t, end)| {
                t.get(..end)
                    .and_then(|id| people.name(id))
                    .map(|n| (n, end))
            });
        match name {
            Some((n, end)) => {
                out.push('@');
                out.push_str(n);
                rest = tail.get(end + 3..).unwrap_or("");
            }
            None => {
                out.push_str("<@");
                rest = tail.get(2..).unwrap_or("");
            }
        }
    }
    out.push_str(rest);
    out
}
