//! `dist/manifest.json`: what a release holds and exactly what went into it.
//!
//! For every output: its path inside `dist/`, sha256 and size. For every input (base package,
//! config, data and translation files, previous release): its path relative to the configs folder
//! (the shipped base is `crtk:base-package/NCD_CR/NCD_CR.json`), sha256 and size. Plus the crtk
//! version and the DHIS2 version of each package. No time stamps and no absolute paths, so the
//! manifest itself is reproducible.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The manifest format version; bump when a field changes meaning.
pub const MANIFEST_FORMAT: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    pub format: u32,
    /// The crtk version that built the release.
    pub crtk_version: String,
    /// The DHIS2 versions the packages target (sorted, without repeats).
    pub dhis2_versions: Vec<String>,
    /// One entry per country built, in config order.
    pub countries: Vec<ManifestCountry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManifestCountry {
    /// The config, relative to the configs folder.
    pub config: String,
    pub country_code: String,
    pub country_name: String,
    /// The country's folder inside `dist/`.
    pub folder: String,
    pub package: ManifestPackage,
    pub inputs: Vec<FileRecord>,
    pub outputs: Vec<FileRecord>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManifestPackage {
    pub code: String,
    pub name: String,
    pub version: String,
    pub locale: String,
    pub dhis2_version: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileRecord {
    /// Outputs: relative to `dist/`. Inputs: relative to the configs folder.
    pub path: String,
    /// `package`, `canreg5-mapping`, `workbook`, `release-notes`, `diff-markdown`, `diff-json` for outputs;
    /// `config`, `base`, `data`, `previous` for inputs.
    pub role: String,
    pub sha256: String,
    pub size: u64,
}

impl FileRecord {
    pub fn new(path: impl Into<String>, role: impl Into<String>, bytes: &[u8]) -> FileRecord {
        FileRecord {
            path: path.into(),
            role: role.into(),
            sha256: sha256_hex(bytes),
            size: bytes.len() as u64,
        }
    }
}

impl Manifest {
    pub fn new(countries: Vec<ManifestCountry>) -> Manifest {
        let mut dhis2_versions: Vec<String> = countries
            .iter()
            .map(|c| c.package.dhis2_version.clone())
            .collect();
        dhis2_versions.sort();
        dhis2_versions.dedup();
        Manifest {
            format: MANIFEST_FORMAT,
            crtk_version: env!("CARGO_PKG_VERSION").to_string(),
            dhis2_versions,
            countries,
        }
    }

    /// The manifest as written: 2-space JSON, trailing newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a manifest always serialises");
        text.push('\n');
        text
    }

    /// Every output path the manifest lists (relative to `dist/`).
    pub fn output_paths(&self) -> impl Iterator<Item = &str> {
        self.countries
            .iter()
            .flat_map(|c| c.outputs.iter().map(|o| o.path.as_str()))
    }
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_matches_the_standard_test_vector() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn round_trips_through_json() {
        let manifest = Manifest::new(vec![ManifestCountry {
            config: "rw/country.yaml".into(),
            country_code: "RW".into(),
            country_name: "Rwanda".into(),
            folder: "NCD_CR_RW".into(),
            package: ManifestPackage {
                code: "NCD_CR_RW".into(),
                name: "NCD_CR_RW_TRK_1.0.1-rw.1_DHIS2.42-en".into(),
                version: "1.0.1-rw.1".into(),
                locale: "en".into(),
                dhis2_version: "2.42".into(),
            },
            inputs: vec![FileRecord::new("rw/country.yaml", "config", b"x")],
            outputs: vec![FileRecord::new("NCD_CR_RW/a.json", "package", b"{}")],
        }]);
        let text = manifest.to_json();
        assert!(text.contains("\"crtkVersion\""));
        assert!(text.contains("\"dhis2Versions\": [\n    \"2.42\"\n  ]"));
        let back: Manifest = serde_json::from_str(&text).unwrap();
        assert_eq!(back, manifest);
        assert_eq!(
            back.output_paths().collect::<Vec<_>>(),
            ["NCD_CR_RW/a.json"]
        );
    }
}
