//! Incremental `crtk build --all`: a country whose inputs and outputs are exactly as the previous
//! `dist/manifest.json` records them is kept, not rebuilt.
//!
//! Kept when, for its config: the manifest was written by this crtk version; every input it lists
//! (config, base, data and translation files, previous release) still has the recorded sha256 and
//! size; the previous release the country would get now is the recorded one; the package's
//! `lastUpdated` is the one a build would stamp now (SOURCE_DATE_EPOCH or the base's); and every
//! output on disk still has its recorded sha256 and size. Options that the manifest does not record
//! (`--external`, `--strict`) turn reuse off, as do `--force` and `--check`.

use super::country::CountryBuild;
use super::manifest::{FileRecord, Manifest, ManifestCountry, sha256_hex};
use super::previous::PreviousIndex;
use super::{MANIFEST, ReleaseOptions, is_plain_relative, relative_path};
use crate::adapt::identity::dhis2_timestamp;
use crate::base::Base;
use crate::config::LoadedConfig;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The previous manifest of `dist/`, when this crtk wrote it and reuse is allowed.
pub fn load(options: &ReleaseOptions) -> Option<Manifest> {
    let out = options.reuse_from.as_ref()?;
    if !options.external.is_empty() || options.strict {
        return None;
    }
    let text = crate::input::read_to_string(&out.join(MANIFEST)).ok()?;
    let manifest: Manifest = serde_json::from_str(&text).ok()?;
    (manifest.format == super::manifest::MANIFEST_FORMAT
        && manifest.crtk_version == env!("CARGO_PKG_VERSION"))
    .then_some(manifest)
}

/// The country as the previous release built it, when nothing it depends on changed.
pub fn reuse(
    config_path: &Path,
    options: &ReleaseOptions,
    previous: &PreviousIndex,
    old: &Manifest,
) -> Option<CountryBuild> {
    let out = options.reuse_from.as_ref()?;
    let dir = &options.configs;
    let label = relative_path(config_path, dir);
    let entry = old.countries.iter().find(|c| c.config == label)?;
    let mut input_paths = Vec::new();
    let mut base_text: Option<Vec<u8>> = None;
    for input in &entry.inputs {
        let bytes = match input.path.strip_prefix("crtk:") {
            Some(shipped) => {
                let (path, text) = Base::shipped_source();
                (shipped == path).then(|| text.as_bytes().to_vec())?
            }
            None => {
                let path = dir.join(&input.path);
                let bytes = crate::input::read_bytes(&path).ok()?;
                input_paths.push(path);
                bytes
            }
        };
        if !matches(input, &bytes) {
            return None;
        }
        if input.role == "base" {
            base_text = Some(bytes);
        }
    }
    if !same_previous(config_path, entry, previous, dir)? {
        return None;
    }
    let mut files = Vec::new();
    for output in &entry.outputs {
        if !is_plain_relative(&output.path) {
            return None;
        }
        let bytes = crate::input::read_bytes(&out.join(&output.path)).ok()?;
        if !matches(output, &bytes) {
            return None;
        }
        files.push((output.path.clone(), bytes));
    }
    let package = files
        .iter()
        .zip(&entry.outputs)
        .find(|(_, o)| o.role == "package")
        .map(|((_, bytes), _)| bytes)?;
    let stamp = match options.context.source_date_epoch {
        Some(seconds) => dhis2_timestamp(seconds),
        None => last_updated(&base_text?)?,
    };
    if last_updated(package)? != stamp {
        return None;
    }
    Some(CountryBuild {
        manifest: entry.clone(),
        files,
        input_paths,
        reused: true,
    })
}

fn matches(record: &FileRecord, bytes: &[u8]) -> bool {
    record.size == bytes.len() as u64 && record.sha256 == sha256_hex(bytes)
}

/// Whether the previous release a build would use now is the one recorded (`None`: cannot tell).
fn same_previous(
    config_path: &Path,
    entry: &ManifestCountry,
    previous: &PreviousIndex,
    dir: &Path,
) -> Option<bool> {
    let loaded = LoadedConfig::load(config_path).ok()?;
    let package = &loaded.config.package;
    // A folder is resolved to the one JSON file inside it: which one may have changed.
    if package
        .base
        .as_ref()
        .is_some_and(|p| loaded.resolve(p).is_dir())
    {
        return None;
    }
    let now: Option<PathBuf> = match &package.previous {
        Some(p) => Some(loaded.resolve(p)),
        None => previous.package_for(&entry.package.code),
    };
    if now.as_ref().is_some_and(|p| p.is_dir()) {
        return None;
    }
    let recorded = entry.inputs.iter().find(|i| i.role == "previous");
    Some(match (now, recorded) {
        (None, None) => true,
        (Some(path), Some(record)) => relative_path(&path, dir) == record.path,
        _ => false,
    })
}

/// The header's `lastUpdated` of a package file, reading nothing else into memory.
fn last_updated(bytes: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct File {
        package: Header,
    }
    #[derive(Deserialize)]
    struct Header {
        #[serde(rename = "lastUpdated")]
        last_updated: String,
    }
    let file: File = serde_json::from_slice(bytes).ok()?;
    Some(file.package.last_updated)
}
