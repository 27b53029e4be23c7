//! Virtual time: milliseconds since the Unix epoch, advanced only by the simulation.

#[cfg(test)]
use serde::{Deserialize, Deserializer};
use serde::{Serialize, Serializer};
use std::fmt;

/// A point in simulated time, in milliseconds since 1970-01-01T00:00:00Z.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time(pub u64);

/// The instant a fresh cluster's clock starts at (2026-01-01T00:00:00Z).
pub const CLUSTER_EPOCH: Time = Time(1_767_225_600_000);

pub const SECOND: u64 = 1000;
pub const MINUTE: u64 = 60 * SECOND;

impl Time {
    pub fn plus_ms(self, ms: u64) -> Time {
        Time(self.0.saturating_add(ms))
    }
    /// Milliseconds from `earlier` to `self`, saturating at zero.
    pub fn since(self, earlier: Time) -> u64 {
        self.0.saturating_sub(earlier.0)
    }
    /// RFC 3339 with second precision, as `metav1.Time` serialises: `2026-01-01T00:00:05Z`.
    pub fn rfc3339(self) -> String {
        let secs = (self.0 / 1000) as i64;
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
            rem / 3600,
            rem % 3600 / 60,
            rem % 60
        )
    }
    /// Go's `time.RFC1123Z`, as describe prints times: `Thu, 01 Jan 2026 00:05:00 +0000`.
    pub fn rfc1123z(self) -> String {
        Civil::of(self).format("%a, %d %b %Y %H:%M:%S +0000")
    }
    /// Parses what [`Time::rfc3339`] writes (also accepts fractional seconds and `+00:00`).
    pub fn parse_rfc3339(s: &str) -> Option<Time> {
        let b = s.as_bytes();
        if b.len() < 20
            || b[4] != b'-'
            || b[7] != b'-'
            || b[10] != b'T'
            || b[13] != b':'
            || b[16] != b':'
        {
            return None;
        }
        let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
        let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
            return None;
        }
        let days = days_from_civil(y, mo as u32, d as u32);
        let secs = days * 86_400 + h * 3600 + mi * 60 + se;
        (secs >= 0).then(|| Time(secs as u64 * 1000))
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rfc3339())
    }
}

impl Serialize for Time {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.rfc3339())
    }
}

impl crate::api::decode::Decode for Time {
    fn decode(
        v: &serde_json::Value,
        cx: &mut crate::api::decode::Cx,
    ) -> Result<Time, crate::api::decode::Error> {
        let s = <String as crate::api::decode::Decode>::decode(v, cx)?;
        Time::parse_rfc3339(&s).ok_or_else(|| {
            crate::api::decode::Error::custom(format!("parsing time {s:?}: invalid RFC 3339 time"))
        })
    }
}

impl crate::api::encode::Encode for Time {
    fn encode(&self) -> serde_json::Value {
        serde_json::Value::String(self.rfc3339())
    }
}

#[cfg(test)]
impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Time, D::Error> {
        let s = String::deserialize(d)?;
        Time::parse_rfc3339(&s).ok_or_else(|| {
            serde::de::Error::custom(format!("parsing time {s:?}: invalid RFC 3339 time"))
        })
    }
}

/// `metav1.MicroTime` for `Option<Time>` fields: microseconds (`2026-01-01T00:05:01.250000Z`),
/// and `null` when unset (as `eventTime` reads on an Event from the legacy API).
pub mod micro {
    use super::Time;
    use serde::Serializer;
    #[cfg(test)]
    use serde::{Deserialize, Deserializer};

    pub fn format(t: Time) -> String {
        let s = t.rfc3339();
        format!("{}.{:06}Z", &s[..s.len() - 1], (t.0 % 1000) * 1000)
    }

    /// [`serialize`] for the API's encoder (`#[encode(with = "…")]`).
    pub fn encode(t: &Option<Time>) -> serde_json::Value {
        match t {
            Some(t) => serde_json::Value::String(format(*t)),
            None => serde_json::Value::Null,
        }
    }

    pub fn serialize<S: Serializer>(t: &Option<Time>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(&format(*t)),
            None => s.serialize_none(),
        }
    }

    /// The API decoder's reading of a MicroTime field (`#[decode(with = "…")]`).
    pub fn decode(
        v: &serde_json::Value,
        cx: &mut crate::api::decode::Cx,
    ) -> Result<Option<Time>, crate::api::decode::Error> {
        use crate::api::decode::Decode;
        let Some(s) = Option::<String>::decode(v, cx)? else {
            return Ok(None);
        };
        parse(&s)
            .map(Some)
            .ok_or_else(|| crate::api::decode::Error::custom(invalid(&s)))
    }

    #[cfg(test)]
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Time>, D::Error> {
        let Some(s) = Option::<String>::deserialize(d)? else {
            return Ok(None);
        };
        parse(&s)
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom(invalid(&s)))
    }

    /// A MicroTime's text as a time, keeping the milliseconds the simulation has.
    fn parse(s: &str) -> Option<Time> {
        let t = Time::parse_rfc3339(s)?;
        let ms = s
            .get(20..23)
            .filter(|_| s.as_bytes().get(19) == Some(&b'.'))
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0);
        Some(t.plus_ms(ms))
    }

    fn invalid(s: &str) -> String {
        format!("parsing time {s:?}: invalid RFC 3339 time")
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const DAY_NAMES: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// A UTC instant broken into calendar fields, and `strftime` over them: the `date` of
/// containers, the times `ls -l` and HTTP headers show, Go's `RFC1123Z` for describe.
pub struct Civil {
    pub year: i64,
    pub month: usize,
    pub day: usize,
    pub hour: u64,
    pub minute: u64,
    pub second: u64,
    /// 0 = Sunday.
    pub weekday: usize,
    /// 1-based.
    pub yday: usize,
    pub epoch_secs: u64,
}

impl Civil {
    pub fn of(t: Time) -> Civil {
        let secs = t.0 / 1000;
        let days = (secs / 86_400) as i64;
        let rem = secs % 86_400;
        let (year, month, day) = civil_from_days(days);
        let (month, day) = (month as usize, day as usize);
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        const CUM: [usize; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
        let yday = CUM[month - 1] + day + usize::from(leap && month > 2);
        Civil {
            year,
            month,
            day,
            hour: rem / 3600,
            minute: rem % 3600 / 60,
            second: rem % 60,
            weekday: ((days + 4).rem_euclid(7)) as usize,
            yday,
            epoch_secs: secs,
        }
    }

    /// `strftime` for the conversions `date` users reach for.
    pub fn format(&self, fmt: &str) -> String {
        let mut s = String::new();
        let mut chars = fmt.chars();
        while let Some(c) = chars.next() {
            if c != '%' {
                s.push(c);
                continue;
            }
            let Some(d) = chars.next() else {
                s.push('%');
                break;
            };
            let part = match d {
                'Y' => self.year.to_string(),
                'y' => format!("{:02}", self.year % 100),
                'C' => format!("{:02}", self.year / 100),
                'm' => format!("{:02}", self.month),
                'd' => format!("{:02}", self.day),
                'e' => format!("{:>2}", self.day),
                'H' => format!("{:02}", self.hour),
                'I' => format!("{:02}", (self.hour + 11) % 12 + 1),
                'M' => format!("{:02}", self.minute),
                'S' => format!("{:02}", self.second),
                'p' => if self.hour < 12 { "AM" } else { "PM" }.into(),
                'a' => DAYS[self.weekday].into(),
                'A' => DAY_NAMES[self.weekday].into(),
                'b' | 'h' => MONTHS[self.month - 1].into(),
                'B' => MONTH_NAMES[self.month - 1].into(),
                'j' => format!("{:03}", self.yday),
                'u' => (if self.weekday == 0 { 7 } else { self.weekday }).to_string(),
                'w' => self.weekday.to_string(),
                's' => self.epoch_secs.to_string(),
                'Z' => "UTC".into(),
                'z' => "+0000".into(),
                'T' => self.format("%H:%M:%S"),
                'R' => self.format("%H:%M"),
                'D' => self.format("%m/%d/%y"),
                'F' => self.format("%Y-%m-%d"),
                'c' => self.format("%a %b %e %H:%M:%S %Y"),
                'n' => "\n".into(),
                't' => "\t".into(),
                '%' => "%".into(),
                other => format!("%{other}"),
            };
            s.push_str(&part);
        }
        s
    }
}

// Howard Hinnant's civil-calendar algorithms.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// kubectl's `HumanDuration` (apimachinery `duration.go`): `5s`, `2m30s`, `125m`, `3h5m`, `3d4h`, `2y30d`.
pub fn human_duration(ms: i64) -> String {
    let seconds = ms.div_euclid(1000);
    if seconds < -1 {
        return "<invalid>".into();
    } else if seconds < 0 {
        return "0s".into();
    } else if seconds < 60 * 2 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let s = seconds % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    } else if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = minutes / 60;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    } else if hours < 48 {
        return format!("{hours}h");
    } else if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 {
            format!("{}d", hours / 24)
        } else {
            format!("{}d{h}h", hours / 24)
        };
    } else if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    } else if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        return if dy == 0 {
            format!("{}y", hours / 24 / 365)
        } else {
            format!("{}y{dy}d", hours / 24 / 365)
        };
    }
    format!("{}y", hours / 24 / 365)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_round_trips() {
        assert_eq!(CLUSTER_EPOCH.rfc3339(), "2026-01-01T00:00:00Z");
        let t = CLUSTER_EPOCH.plus_ms(86_400_000 * 59 + 3_723_000);
        assert_eq!(t.rfc3339(), "2026-03-01T01:02:03Z");
        assert_eq!(Time::parse_rfc3339("2026-03-01T01:02:03Z"), Some(t));
        assert_eq!(
            Time::parse_rfc3339("2024-02-29T00:00:00Z")
                .unwrap()
                .rfc3339(),
            "2024-02-29T00:00:00Z"
        );
        assert_eq!(Time::parse_rfc3339("not a time"), None);
    }

    #[test]
    fn human_duration_matches_apimachinery() {
        let s = |n: i64| human_duration(n * 1000);
        assert_eq!(s(0), "0s");
        assert_eq!(human_duration(-500), "0s");
        assert_eq!(s(-2), "<invalid>");
        assert_eq!(s(119), "119s");
        assert_eq!(s(120), "2m");
        assert_eq!(s(150), "2m30s");
        assert_eq!(s(599), "9m59s");
        assert_eq!(s(600), "10m");
        assert_eq!(s(125 * 60), "125m");
        assert_eq!(s(3 * 3600), "3h");
        assert_eq!(s(3 * 3600 + 300), "3h5m");
        assert_eq!(s(8 * 3600), "8h");
        assert_eq!(s(47 * 3600), "47h");
        assert_eq!(s(48 * 3600), "2d");
        assert_eq!(s(76 * 3600), "3d4h");
        assert_eq!(s(45 * 86400), "45d");
        assert_eq!(s(730 * 86400), "2y");
        assert_eq!(s(760 * 86400), "2y30d");
        assert_eq!(s(3000 * 86400), "8y");
    }

    #[test]
    fn calendar_and_formats() {
        let c = Civil::of(CLUSTER_EPOCH.plus_ms(300_000));
        assert_eq!(
            c.format("%a %b %e %H:%M:%S %Z %Y"),
            "Thu Jan  1 00:05:00 UTC 2026"
        );
        assert_eq!(
            c.format("%F %T %s %j %%"),
            "2026-01-01 00:05:00 1767225900 001 %"
        );
        let leap = Civil::of(Time::parse_rfc3339("2028-03-01T13:00:00Z").unwrap());
        assert_eq!(
            leap.format("%A %d %B %j %I%p"),
            "Wednesday 01 March 061 01PM"
        );
        assert_eq!(
            CLUSTER_EPOCH.plus_ms(300_000).rfc1123z(),
            "Thu, 01 Jan 2026 00:05:00 +0000"
        );
    }
}
