//! Instants are stored as UTC seconds and shown in Vietnam time (Asia/Ho_Chi_Minh).

use jiff::{Timestamp, Zoned, civil::Date, tz::TimeZone};

pub const VN_ZONE: &str = "Asia/Ho_Chi_Minh";

/// Vietnam's time zone from the bundled tz database.
pub fn vn_tz() -> TimeZone {
    // The database is compiled into the binary (jiff's tzdb-bundle-always), so the zone
    // always exists; fall back to the fixed +07:00 it has used since 1975 regardless.
    TimeZone::get(VN_ZONE).unwrap_or_else(|_| TimeZone::fixed(jiff::tz::offset(7)))
}

/// Which end of a day a bare date stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayEdge {
    /// 00:00:00 Vietnam time (an opening).
    Start,
    /// 23:59:59 Vietnam time (a deadline: "31/10/2021" means the whole day counts).
    End,
}

/// Parses an RFC 3339 instant with offset, or a `YYYY-MM-DD` date taken in Vietnam time
/// at the given edge of the day. Returns UTC seconds.
pub fn parse_instant(text: &str, edge: DayEdge) -> Option<i64> {
    let text = text.trim();
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Some(ts.as_second());
    }
    let date: Date = text.parse().ok()?;
    let (h, m, s) = match edge {
        DayEdge::Start => (0, 0, 0),
        DayEdge::End => (23, 59, 59),
    };
    let zoned = date.at(h, m, s, 0).to_zoned(vn_tz()).ok()?;
    Some(zoned.timestamp().as_second())
}

/// Parses a `YYYY-MM-DD` date.
pub fn parse_date(text: &str) -> Option<Date> {
    text.trim().parse().ok()
}

/// The date in Vietnam of an instant.
pub fn date_vn(seconds: i64) -> Date {
    zoned(seconds).date()
}

fn zoned(seconds: i64) -> Zoned {
    Timestamp::from_second(seconds)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .to_zoned(vn_tz())
}

/// RFC 3339 in Vietnam time, e.g. `2021-10-31T23:59:59+07:00`.
pub fn rfc3339_vn(seconds: i64) -> String {
    zoned(seconds).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// `dd/mm/yyyy HH:MM` in Vietnam time, as the UI shows instants.
pub fn display_vn(seconds: i64) -> String {
    zoned(seconds).strftime("%d/%m/%Y %H:%M").to_string()
}

/// `dd/mm/yyyy HH:MM:SS`, for a receipt: the moment to the second.
pub fn display_vn_seconds(seconds: i64) -> String {
    zoned(seconds).strftime("%d/%m/%Y %H:%M:%S").to_string()
}

/// `dd/mm/yyyy`.
pub fn display_date(date: Date) -> String {
    date.strftime("%d/%m/%Y").to_string()
}

/// `YYYY-MM-DDTHH:MM` in Vietnam time: the value of an HTML `datetime-local` input.
pub fn local_input_vn(seconds: i64) -> String {
    zoned(seconds).strftime("%Y-%m-%dT%H:%M").to_string()
}

/// Reads what a `datetime-local` input sends (`YYYY-MM-DDTHH:MM`, seconds optional) as
/// Vietnam time. Returns UTC seconds.
pub fn parse_local_vn(text: &str) -> Option<i64> {
    let civil: jiff::civil::DateTime = text.trim().parse().ok()?;
    Some(civil.to_zoned(vn_tz()).ok()?.timestamp().as_second())
}

/// The same instant one year later by the calendar in Vietnam (29/02 becomes 28/02).
pub fn next_year_vn(seconds: i64) -> i64 {
    zoned(seconds)
        .checked_add(jiff::Span::new().years(1))
        .map(|z| z.timestamp().as_second())
        .unwrap_or(seconds)
}

/// The current instant in UTC seconds.
pub fn now_seconds() -> i64 {
    Timestamp::now().as_second()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_deadline_is_the_end_of_that_day_in_vietnam() {
        let s = parse_instant("2021-10-31", DayEdge::End);
        assert_eq!(s, parse_instant("2021-10-31T23:59:59+07:00", DayEdge::End));
        assert_eq!(s, parse_instant("2021-10-31T16:59:59Z", DayEdge::End));
        assert_eq!(
            rfc3339_vn(s.unwrap_or_default()),
            "2021-10-31T23:59:59+07:00"
        );
        assert_eq!(display_vn(s.unwrap_or_default()), "31/10/2021 23:59");
    }

    #[test]
    fn an_opening_date_is_the_start_of_the_day() {
        let s = parse_instant("2021-09-30", DayEdge::Start).unwrap_or_default();
        assert_eq!(rfc3339_vn(s), "2021-09-30T00:00:00+07:00");
    }

    #[test]
    fn a_datetime_local_value_is_vietnam_time() {
        let s = parse_local_vn("2021-10-31T23:59").unwrap_or_default();
        assert_eq!(rfc3339_vn(s), "2021-10-31T23:59:00+07:00");
        assert_eq!(local_input_vn(s), "2021-10-31T23:59");
        assert_eq!(parse_local_vn("31/10/2021 23:59"), None);
        assert_eq!(rfc3339_vn(next_year_vn(s)), "2022-10-31T23:59:00+07:00");
    }

    #[test]
    fn nonsense_is_refused() {
        assert_eq!(parse_instant("31/10/2021", DayEdge::End), None);
        assert_eq!(parse_instant("2021-02-30", DayEdge::End), None);
        assert_eq!(parse_instant("", DayEdge::End), None);
    }
}
