//! The country identity in the package header: code, name, version, locale, time stamp.
//!
//! Header name, as DHIS2 package names go: `<CODE>_<TYPE>_<version>_DHIS2.<x.y>-<locale>`, where CODE
//! is the base's code followed by the country code (`NCD_CR_RW_TRK_1.0.1-rw.1_DHIS2.42-en`).

use super::{AdaptError, Context};
use crate::config::CountryConfig;
use crate::package::{Header, Package};
use serde_json::{Map, Value};

pub fn apply(
    package: &mut Package,
    config: &CountryConfig,
    context: &Context,
) -> Result<(), AdaptError> {
    let base = &package.header;
    let base_code = base.code().unwrap_or("NCD_CR").to_string();
    let package_type = base.package_type().unwrap_or("TRK").to_string();
    let dhis2_version = base.dhis2_version().ok_or_else(|| AdaptError::Base {
        message: "has no DHIS2 version in its header (`package.DHIS2Version`): crtk cannot name the package without it".into(),
    })?;
    let last_updated = match context.source_date_epoch {
        Some(seconds) => dhis2_timestamp(seconds),
        None => base
            .last_updated()
            .map(String::from)
            .ok_or_else(|| AdaptError::Base {
                message:
                    "has no `lastUpdated` in its header: set SOURCE_DATE_EPOCH to stamp the build"
                        .into(),
            })?,
    };
    let code = format!("{base_code}_{}", config.country.code);
    let version = &config.package.version;
    let locale = &config.package.locale;
    // DHIS2 package names carry major.minor only (`DHIS2.42` for 2.42.4).
    let short_dhis2 = short_dhis2(&dhis2_version);
    let name = format!("{code}_{package_type}_{version}_DHIS2.{short_dhis2}-{locale}");
    let description = match base_description(base) {
        Some(d) if !d.is_empty() => format!("{d} ({})", config.country.name),
        _ => format!("{base_code} adapted for {}", config.country.name),
    };

    let mut header = match &package.header {
        Header::Package(map) => map.clone(),
        _ => Map::new(),
    };
    for (key, value) in [
        ("DHIS2Version", dhis2_version.clone()),
        ("code", code),
        ("description", description),
        ("lastUpdated", last_updated),
        ("locale", locale.clone()),
        ("name", name),
        ("type", package_type),
        ("version", version.clone()),
    ] {
        header.insert(key.into(), Value::String(value));
    }
    package.header = Header::Package(header);
    Ok(())
}

/// `2.42.4` -> `42`, `2.42` -> `42`, `42` -> `42`.
fn short_dhis2(version: &str) -> &str {
    let rest = version.strip_prefix("2.").unwrap_or(version);
    rest.split('.').next().unwrap_or(rest)
}

fn base_description(header: &Header) -> Option<&str> {
    match header {
        Header::Package(map) => map.get("description").and_then(Value::as_str),
        _ => None,
    }
}

/// Seconds since 1970 (UTC) as DHIS2's header stamp `YYYYMMDDTHHMMSS`.
pub fn dhis2_timestamp(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_dhis2_versions() {
        assert_eq!(short_dhis2("2.42.4"), "42");
        assert_eq!(short_dhis2("2.42"), "42");
        assert_eq!(short_dhis2("2.40.3.1"), "40");
    }

    #[test]
    fn timestamps() {
        assert_eq!(dhis2_timestamp(0), "19700101T000000");
        assert_eq!(dhis2_timestamp(1_776_846_264), "20260422T082424");
        assert_eq!(dhis2_timestamp(951_782_400), "20000229T000000");
    }
}
