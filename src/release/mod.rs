//! Release builds for CI: `crtk build --all`.
//!
//! Every country config in a folder (see [`discover`]) is built in memory, in parallel when asked,
//! into one `dist/` tree:
//!
//! ```text
//! dist/
//!   manifest.json                                   what was built from what (sha256 + size)
//!   NCD_CR_RW/                                      one folder per country: the package code
//!     NCD_CR_RW_TRK_1.0.1-rw.1_DHIS2.42-en.json     the package
//!     NCD_CR_RW_TRK_1.0.1-rw.1_DHIS2.42-en.xlsx     metadata reference workbook
//!     NCD_CR_RW_TRK_1.0.1-rw.1_DHIS2.42-en.release-notes.md
//!     NCD_CR_RW_TRK_1.0.1-rw.1_DHIS2.42-en.diff.md   (when a previous release is known)
//!     NCD_CR_RW_TRK_1.0.1-rw.1_DHIS2.42-en.diff.json
//! ```
//!
//! The whole tree is a pure function of the inputs: no clock, no absolute path, countries in config
//! order whatever the number of jobs. [`Release::write`] writes it; [`Release::check`] compares it
//! with a `dist/` on disk (the CI guard against committed outputs that are stale).

mod changes;
pub mod check;
mod country;
mod customisation;
pub mod discover;
mod incremental;
mod lock;
pub mod manifest;
pub mod notes;
mod previous;
pub mod rule_words;
pub mod workbook;
mod workbook_lists;

pub use check::{Mismatch, MismatchKind};
pub use discover::{DiscoverError, discover};
pub use lock::interrupted;
pub use manifest::{FileRecord, Manifest, ManifestCountry};
pub use previous::{PreviousError, PreviousIndex};

use crate::adapt::Context;
use crate::output::{OutputError, normalize, refuse_inputs};
use country::{CountryBuild, build_country};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The name of the manifest inside `dist/`.
pub const MANIFEST: &str = "manifest.json";

/// Why a release could not even start (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum ReleaseError {
    #[error(transparent)]
    Discover(#[from] DiscoverError),
    #[error(transparent)]
    Previous(#[from] PreviousError),
    #[error(transparent)]
    Output(#[from] OutputError),
}

/// What `crtk build --all` was asked to do.
#[derive(Debug, Clone)]
pub struct ReleaseOptions {
    /// The folder holding the country configs.
    pub configs: PathBuf,
    /// The `dist/` of the previous release, for diffs (`--previous-dir`).
    pub previous_dir: Option<PathBuf>,
    /// Countries built at once (at least 1).
    pub jobs: usize,
    /// UIDs the target instance has, accepted as references (`--external`), for every country.
    pub external: Vec<String>,
    /// Stale translation rows fail the country (`--strict`) instead of being listed as warnings.
    pub strict: bool,
    /// Build every country on this base (`--base`) instead of its config's or the shipped one.
    pub base: Option<PathBuf>,
    pub context: Context,
    /// The `dist/` whose countries are kept when nothing they depend on changed (see
    /// [`incremental`]); `None` rebuilds every country (`--force`, `--check`).
    pub reuse_from: Option<PathBuf>,
}

/// A country that did not build: its config, its country code when the config was readable, and
/// its errors.
#[derive(Debug, Clone, PartialEq)]
pub struct CountryFailure {
    pub config: String,
    pub errors: Vec<String>,
}

/// A release built in memory.
#[derive(Debug, Clone)]
pub struct Release {
    pub manifest: Manifest,
    /// Every file of `dist/` (relative path with `/` -> bytes), manifest included.
    pub files: BTreeMap<String, Vec<u8>>,
    pub failures: Vec<CountryFailure>,
    /// Configs kept from the previous release without rebuilding (nothing they depend on changed).
    pub kept: Vec<String>,
    /// Every file read, so no output overwrites one.
    inputs: Vec<PathBuf>,
}

/// Builds every country of `options.configs`. `on_done(done, total, config)` is called as each
/// country finishes (from worker threads), for progress display.
pub fn build_all(
    options: &ReleaseOptions,
    on_done: &(dyn Fn(usize, usize, &str) + Sync),
) -> Result<Release, ReleaseError> {
    let configs = discover(&options.configs)?;
    let previous = match &options.previous_dir {
        Some(dir) => PreviousIndex::load(dir)?,
        None => PreviousIndex::none(),
    };
    let labels: Vec<String> = configs
        .iter()
        .map(|c| relative_path(c, &options.configs))
        .collect();
    let old = incremental::load(options);
    let results = run_parallel(
        &configs,
        options.jobs,
        |config| {
            old.as_ref()
                .and_then(|old| incremental::reuse(config, options, &previous, old))
                .map(Ok)
                .unwrap_or_else(|| build_country(config, options, &previous))
        },
        &|done, total, index| on_done(done, total, &labels[index]),
    );
    let results = labels.iter().cloned().zip(results);

    let mut countries = Vec::new();
    let mut failures = Vec::new();
    let mut kept = Vec::new();
    let mut files = BTreeMap::new();
    let mut inputs = Vec::new();
    let mut folders: BTreeMap<String, String> = BTreeMap::new();
    for (config, result) in results {
        match result {
            Ok(CountryBuild {
                manifest,
                files: country_files,
                input_paths,
                reused,
            }) => {
                if let Some(first) = folders.get(&manifest.folder) {
                    failures.push(CountryFailure {
                        config,
                        errors: vec![format!(
                            "builds package `{}`, as {first} does: every country needs its own country code",
                            manifest.package.code
                        )],
                    });
                    continue;
                }
                if reused {
                    kept.push(config.clone());
                }
                folders.insert(manifest.folder.clone(), config);
                files.extend(country_files);
                inputs.extend(input_paths);
                countries.push(manifest);
            }
            Err(errors) => failures.push(CountryFailure { config, errors }),
        }
    }
    let manifest = Manifest::new(countries);
    files.insert(MANIFEST.to_string(), manifest.to_json().into_bytes());
    Ok(Release {
        manifest,
        files,
        failures,
        kept,
        inputs,
    })
}

/// Runs `work` on every item with up to `jobs` threads; results come back in item order.
/// `on_done(done, total, index)` follows each item.
fn run_parallel<T, R, F>(
    items: &[T],
    jobs: usize,
    work: F,
    on_done: &(dyn Fn(usize, usize, usize) + Sync),
) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    let total = items.len();
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<R>>> = items.iter().map(|_| Mutex::new(None)).collect();
    let worker = || {
        loop {
            let index = next.fetch_add(1, Ordering::SeqCst);
            let Some(item) = items.get(index) else { break };
            let result = work(item);
            *slots[index]
                .lock()
                .expect("no worker panics while holding a slot") = Some(result);
            let finished = done.fetch_add(1, Ordering::SeqCst) + 1;
            on_done(finished, total, index);
        }
    };
    let threads = jobs.clamp(1, total.max(1));
    std::thread::scope(|scope| {
        for _ in 1..threads {
            // Deep rule expressions are walked recursively: give workers the main thread's room.
            std::thread::Builder::new()
                .stack_size(64 << 20)
                .spawn_scoped(scope, worker)
                .expect("the system can start a worker thread");
        }
        worker();
    });
    slots
        .into_iter()
        .map(|slot| {
            slot.into_inner()
                .expect("no worker panics while holding a slot")
                .expect("every item was worked on")
        })
        .collect()
}

/// What [`Release::write`] did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WriteSummary {
    /// Files written because they were new or different.
    pub written: Vec<String>,
    /// Files already up to date.
    pub unchanged: Vec<String>,
    /// Files an earlier release had written that this one does not produce.
    pub removed: Vec<String>,
}

impl Release {
    /// Writes the release into `out`. Files already identical are left alone. Files that the
    /// previous `out/manifest.json` lists and this release no longer produces are removed, but only
    /// when every country built: a failing country keeps its last good outputs, and the manifest
    /// keeps describing them. Nothing else in `out` is touched.
    pub fn write(&self, out: &Path) -> Result<WriteSummary, ReleaseError> {
        let old_manifest: Option<Manifest> = crate::input::read_to_string(&out.join(MANIFEST))
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok());
        let old_outputs: Vec<String> = old_manifest
            .iter()
            .flat_map(|m| m.output_paths().map(String::from))
            .collect();
        for path in self.files.keys() {
            crate::output::check_relative(path)?;
            refuse_inputs(&out.join(path), &self.inputs)?;
        }
        let lock = lock::DistLock::acquire(out)?;
        let mut files = self.files.clone();
        if let Some(old) = &old_manifest
            && !self.failures.is_empty()
        {
            files.insert(
                MANIFEST.to_string(),
                self.manifest_keeping_failed(old).to_json().into_bytes(),
            );
        }
        let mut summary = WriteSummary::default();
        // The manifest goes last: it describes files that are already in place.
        let ordered = files
            .iter()
            .filter(|(path, _)| path.as_str() != MANIFEST)
            .chain(files.get_key_value(MANIFEST));
        for (path, bytes) in ordered {
            let target = out.join(path);
            if crate::input::read_bytes(&target).is_ok_and(|existing| &existing == bytes) {
                summary.unchanged.push(path.clone());
                continue;
            }
            crate::output::write_atomic_in(&lock.temp_dir(), &target, bytes)?;
            summary.written.push(path.clone());
        }
        if self.failures.is_empty() {
            for stale in old_outputs {
                if self.files.contains_key(&stale) || !is_plain_relative(&stale) {
                    continue;
                }
                let target = out.join(&stale);
                if std::fs::remove_file(&target).is_ok() {
                    summary.removed.push(stale.clone());
                    // Drop the folder too when that left it empty.
                    if let Some(parent) = target.parent()
                        && normalize(parent) != normalize(out)
                    {
                        let _ = std::fs::remove_dir(parent);
                    }
                }
            }
        }
        lock.finish()?;
        Ok(summary)
    }

    /// This release's manifest plus, for each country that failed now, its entry in the previous
    /// manifest: its last good outputs stay in `dist/` and stay described.
    fn manifest_keeping_failed(&self, old: &Manifest) -> Manifest {
        let failed: BTreeSet<&str> = self.failures.iter().map(|f| f.config.as_str()).collect();
        let folders: BTreeSet<&str> = self
            .manifest
            .countries
            .iter()
            .map(|c| c.folder.as_str())
            .collect();
        let mut countries = self.manifest.countries.clone();
        countries.extend(
            old.countries
                .iter()
                .filter(|c| {
                    failed.contains(c.config.as_str()) && !folders.contains(c.folder.as_str())
                })
                .cloned(),
        );
        // Config order, as discovery sorts paths.
        countries.sort_by(|a, b| Path::new(&a.config).cmp(Path::new(&b.config)));
        Manifest::new(countries)
    }

    /// Compares the release with the tree in `out`: every file that differs, is missing, or is
    /// there without being part of the release.
    pub fn check(&self, out: &Path) -> Vec<Mismatch> {
        check::compare_tree(&self.files, out)
    }
}

/// `path` relative to `base`, with `/` separators (`rw/country.yaml`, `../base-package/x.json`),
/// so the manifest holds no machine-specific absolute path.
pub fn relative_path(path: &Path, base: &Path) -> String {
    let path = normalize(path);
    let base = normalize(base);
    let path_parts: Vec<Component> = path.components().collect();
    let base_parts: Vec<Component> = base.components().collect();
    let common = path_parts
        .iter()
        .zip(&base_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<String> = Vec::new();
    for _ in common..base_parts.len() {
        parts.push("..".into());
    }
    for part in &path_parts[common..] {
        parts.push(part.as_os_str().to_string_lossy().into_owned());
    }
    parts.join("/")
}

/// True for `a/b.json`, false for anything that could leave the folder (`..`, absolute paths).
fn is_plain_relative(path: &str) -> bool {
    Path::new(path)
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_use_slashes_and_climb_out() {
        let root = std::env::temp_dir().join(format!("crtk-rel-{}", std::process::id()));
        std::fs::create_dir_all(root.join("configs/rw")).unwrap();
        std::fs::create_dir_all(root.join("base")).unwrap();
        assert_eq!(
            relative_path(&root.join("configs/rw/country.yaml"), &root.join("configs")),
            "rw/country.yaml"
        );
        assert_eq!(
            relative_path(&root.join("base/b.json"), &root.join("configs")),
            "../base/b.json"
        );
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn parallel_results_keep_item_order() {
        let items: Vec<PathBuf> = (0..20).map(|i| PathBuf::from(format!("{i}"))).collect();
        let calls = AtomicUsize::new(0);
        let out = run_parallel(
            &items,
            4,
            |p| {
                std::thread::sleep(std::time::Duration::from_millis(
                    (20 - p.to_str().unwrap().parse::<u64>().unwrap()) % 7,
                ));
                p.display().to_string()
            },
            &|done, total, _| {
                assert!(done <= total);
                calls.fetch_add(1, Ordering::SeqCst);
            },
        );
        assert_eq!(out, (0..20).map(|i| i.to_string()).collect::<Vec<_>>());
        assert_eq!(calls.load(Ordering::SeqCst), 20);
    }

    #[test]
    fn only_plain_relative_paths_may_be_removed() {
        assert!(is_plain_relative("NCD_CR_RW/a.json"));
        assert!(!is_plain_relative("../a.json"));
        assert!(!is_plain_relative("/etc/passwd"));
    }
}
