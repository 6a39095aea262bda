//! Locale codes as DHIS2 stores them: an ISO 639 language code, optionally `_` and a region
//! (`fr`, `pt_BR`, `rw`, `es_419`), optionally `_` and a script (`uz_UZ_Cyrl`).
//!
//! DHIS2 writes locales in Java's underscore form (dhis2-core `LocaleParsingUtils.toUnderscoreFormat`:
//! language, then `_REGION`, then `_Script`); a translation whose locale is spelt otherwise
//! (`pt-BR`, `FR`) never matches a user's locale and silently shows nothing. Two-letter languages are
//! checked against ISO 639-1; three-letter ones (ISO 639-2/3, e.g. `fil`) are checked for form only.

/// ISO 639-1 language codes (the 183 two-letter codes of the standard).
const ISO_639_1: &[&str] = &[
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bi",
    "bm", "bn", "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da", "de",
    "dv", "dz", "ee", "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr", "fy",
    "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr", "ht", "hu", "hy", "hz", "ia",
    "id", "ie", "ig", "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka", "kg", "ki", "kj", "kk",
    "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln", "lo",
    "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb", "nd",
    "ne", "ng", "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi", "pl",
    "ps", "pt", "qu", "rm", "rn", "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "si", "sk", "sl",
    "sm", "sn", "so", "sq", "sr", "ss", "st", "su", "sv", "sw", "ta", "te", "tg", "th", "ti", "tk",
    "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug", "uk", "ur", "uz", "ve", "vi", "vo", "wa",
    "wo", "xh", "yi", "yo", "za", "zh", "zu",
];

/// Checks a locale code; the error says what is wrong and how DHIS2 spells it.
pub fn check_locale(code: &str) -> Result<(), String> {
    let parts: Vec<&str> = code.split('_').collect();
    let suggestion = suggest(code);
    let hint = match &suggestion {
        Some(s) if s != code => format!("; did you mean `{s}`?"),
        _ => String::new(),
    };
    let bad = |why: &str| {
        Err(format!(
            "`{code}` is not a DHIS2 locale: {why}{hint} (DHIS2 writes an ISO 639 language, optionally `_` and a region: `fr`, `pt_BR`, `rw`)"
        ))
    };
    if code.is_empty() {
        return bad("it is empty");
    }
    if code.contains('-') {
        return bad("DHIS2 separates language and region with `_`, not `-`");
    }
    let language = parts[0];
    if !(2..=3).contains(&language.len()) || !language.bytes().all(|b| b.is_ascii_lowercase()) {
        return bad("the language must be 2 or 3 lower-case letters");
    }
    if language.len() == 2 && ISO_639_1.binary_search(&language).is_err() {
        return bad(&format!("`{language}` is not an ISO 639-1 language code"));
    }
    let mut rest = &parts[1..];
    if let Some(region) = rest.first() {
        let letters = region.len() == 2 && region.bytes().all(|b| b.is_ascii_uppercase());
        let digits = region.len() == 3 && region.bytes().all(|b| b.is_ascii_digit());
        if !letters && !digits {
            return bad(&format!(
                "the region `{region}` must be 2 upper-case letters (ISO 3166) or 3 digits (UN M.49)"
            ));
        }
        rest = &rest[1..];
    }
    if let Some(script) = rest.first() {
        let ok = script.len() == 4
            && script.as_bytes()[0].is_ascii_uppercase()
            && script.bytes().skip(1).all(|b| b.is_ascii_lowercase());
        if !ok {
            return bad(&format!(
                "the script `{script}` must be 4 letters, first upper case (ISO 15924, e.g. `Latn`)"
            ));
        }
        rest = &rest[1..];
    }
    if !rest.is_empty() {
        return bad("it has more parts than language, region and script");
    }
    Ok(())
}

/// The DHIS2 spelling of a near-miss (`pt-br` -> `pt_BR`, `FR` -> `fr`), when there is one.
fn suggest(code: &str) -> Option<String> {
    let mut parts = code.trim().split(['-', '_']);
    let language = parts.next()?.to_ascii_lowercase();
    let mut out = language;
    if let Some(region) = parts.next() {
        out.push('_');
        out.push_str(&region.to_ascii_uppercase());
    }
    if parts.next().is_some() {
        return None;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_what_dhis2_stores() {
        for ok in [
            "fr",
            "es",
            "pt_BR",
            "rw",
            "en_GB",
            "es_419",
            "uz_UZ_Cyrl",
            "fil",
        ] {
            assert_eq!(check_locale(ok), Ok(()), "{ok}");
        }
        assert!(ISO_639_1.windows(2).all(|w| w[0] < w[1]), "sorted");
    }

    #[test]
    fn rejects_with_a_fix() {
        let e = check_locale("pt-BR").unwrap_err();
        assert!(e.contains("did you mean `pt_BR`?"), "{e}");
        let e = check_locale("FR").unwrap_err();
        assert!(e.contains("did you mean `fr`?"), "{e}");
        assert!(check_locale("xx").unwrap_err().contains("ISO 639-1"));
        assert!(check_locale("pt_br").unwrap_err().contains("region"));
        assert!(check_locale("").is_err());
        assert!(check_locale("french").is_err());
    }
}
