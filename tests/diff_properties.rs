//! Properties of `crtk::diff` over real packages and generated edits:
//! - diff(a, a) is empty for every reference package, the shipped base and a country build;
//! - diff(b, a) reports the same objects as diff(a, b), added and removed swapped, and the same
//!   field changes reversed;
//! - every generated edit shows up on the object it touched (and a reorder of an unordered list
//!   shows nothing).
//!
//! The generator is a small deterministic xorshift over seeds, not proptest: the same seeds run
//! every time, and a failure names its seed.

use crtk::diff::{Diff, DiffOptions, FieldKind, Status, diff};
use crtk::package::Package;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn shared(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/reference-packages")
        .join(name)
}

const REFERENCE: &[&str] = &[
    "HIV_CS_TRK_0.1.0_DHIS2.34.6-en.json",
    "HIV_CS_TRK_9.9.9_DHIS2.36.4-en.json",
    "COVAC_EIR_CVIR00_1.2.0_DHIS2.36.6-en.json",
    "AEFI_TRACKER_V1.1.2_DHIS2.35.3.json",
];

fn load(name: &str) -> Package {
    Package::load(&shared(name)).unwrap()
}

fn country_build() -> Package {
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("country-configs/example.yaml");
    crtk::build::build(&config, &Default::default())
        .unwrap()
        .package
}

#[test]
fn a_package_against_itself_is_empty() {
    let mut packages: Vec<(String, Package)> =
        REFERENCE.iter().map(|n| (n.to_string(), load(n))).collect();
    packages.push(("shipped base".into(), crtk::base::Base::shipped().package));
    packages.push(("example build".into(), country_build()));
    for (name, package) in &packages {
        let d = diff(package, package, &DiffOptions::default());
        assert!(d.is_empty(), "{name}: {:?}", d.objects.first());
        // Also with nothing ignored: identity holds without the noise filter.
        let d = diff(
            package,
            package,
            &DiffOptions {
                noise: crtk::diff::Noise::none(),
            },
        );
        assert!(d.is_empty(), "{name} (no noise filter)");
    }
}

/// xorshift64*: deterministic, good enough to pick edits.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// What the diff must show for an object the generator touched.
#[derive(Debug, Clone, PartialEq)]
enum Expect {
    Status(Status),
    /// Changed, with a field change whose path starts with this.
    Field(String),
    /// Nothing (a reorder of a list whose order does not matter).
    Nothing,
}

/// Applies one random edit to `package`; returns `(kind, id, expectation)`.
fn edit(package: &mut Package, rng: &mut Rng, serial: usize) -> Option<(String, String, Expect)> {
    let kinds: Vec<String> = package
        .kinds()
        .filter(|k| !package.objects(k).is_empty())
        .map(String::from)
        .collect();
    let kind = kinds[rng.below(kinds.len())].clone();
    let count = package.objects(&kind).len();
    let index = rng.below(count);
    let id = package.objects(&kind)[index]
        .get("id")?
        .as_str()?
        .to_string();
    let fresh = format!("Zz{serial:03}{:06}", rng.below(1_000_000));
    let generated = id.starts_with("Zz");
    match rng.below(7) {
        // Objects this generator made are only edited in place, never removed or re-identified.
        0 | 6 if generated => None,
        0 => {
            package.objects_mut(&kind).remove(index);
            Some((kind, id, Expect::Status(Status::Removed)))
        }
        1 => {
            let mut copy = package.objects(&kind)[index].clone();
            copy["id"] = json!(fresh);
            if let Some(obj) = copy.as_object_mut() {
                obj.remove("code"); // no code: an addition, not a UID change
            }
            package.objects_mut(&kind).push(copy);
            Some((kind, fresh, Expect::Status(Status::Added)))
        }
        2 => {
            let object = package.get_mut(&kind, &id)?;
            let name = object
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            object.insert("name".into(), json!(format!("{name} (edited {serial})")));
            Some((kind, id, Expect::Field("name".into())))
        }
        3 => {
            let object = package.get_mut(&kind, &id)?;
            let translations = object.entry("translations").or_insert_with(|| json!([]));
            let list = translations.as_array_mut()?;
            if list.is_empty() {
                list.push(
                    json!({"locale": "xx", "property": "NAME", "value": format!("t{serial}")}),
                );
                Some((
                    kind,
                    id,
                    Expect::Field("translations[locale=xx,property=NAME]".into()),
                ))
            } else {
                let i = rng.below(list.len());
                let key = format!(
                    "translations[locale={},property={}]",
                    list[i]["locale"].as_str()?,
                    list[i]["property"].as_str()?
                );
                list[i]["value"] = json!(format!("changed {serial}"));
                Some((kind, id, Expect::Field(key)))
            }
        }
        4 => {
            // Reverse the translations: order carries no meaning there.
            let object = package.get_mut(&kind, &id)?;
            let list = object.get_mut("translations")?.as_array_mut()?;
            let keys: BTreeSet<String> = list
                .iter()
                .map(|t| format!("{}{}", t["locale"], t["property"]))
                .collect();
            if list.len() < 2 || keys.len() != list.len() {
                return None;
            }
            list.reverse();
            Some((kind, id, Expect::Nothing))
        }
        5 => {
            // Drop one item of a nested list matched by identity.
            let object = package.get_mut(&kind, &id)?;
            for (property, key) in [
                ("programStageDataElements", "dataElement"),
                ("programTrackedEntityAttributes", "trackedEntityAttribute"),
                ("options", ""),
                ("programRuleActions", ""),
            ] {
                if let Some(list) = object.get_mut(property).and_then(Value::as_array_mut)
                    && !list.is_empty()
                {
                    let i = rng.below(list.len());
                    let item = list.remove(i);
                    let path = if key.is_empty() {
                        format!("{property}[id={}]", item["id"].as_str()?)
                    } else {
                        format!("{property}[{key}={}]", item[key]["id"].as_str()?)
                    };
                    return Some((kind, id, Expect::Field(path)));
                }
            }
            None
        }
        6 => {
            // New UID, same code.
            let object = package.objects(&kind)[index].as_object()?;
            let code = object.get("code").and_then(Value::as_str)?.to_string();
            if code.is_empty() || kind == "options" {
                return None;
            }
            let same_code = package
                .objects(&kind)
                .iter()
                .filter(|o| o.get("code").and_then(Value::as_str) == Some(&code))
                .count();
            if same_code != 1 {
                return None;
            }
            package.objects_mut(&kind)[index]["id"] = json!(fresh);
            Some((kind, fresh, Expect::Status(Status::UidChanged)))
        }
        _ => unreachable!("below(7)"),
    }
}

/// A diff as comparable facts: object (kind, id pair, status) -> field (path, kind, old, new).
type Facts =
    BTreeMap<(String, String, String, Status), BTreeSet<(String, FieldKind, String, String)>>;

fn facts(d: &Diff, reversed: bool) -> Facts {
    let mut out = Facts::new();
    for o in &d.objects {
        let (mut a, mut b) = (
            o.old_id.clone().unwrap_or_else(|| o.id.clone()),
            o.id.clone(),
        );
        let mut status = o.status;
        if reversed {
            std::mem::swap(&mut a, &mut b);
            status = status.reversed();
        }
        let fields = o
            .fields
            .iter()
            .map(|f| {
                let (mut old, mut new) = (
                    f.old.as_ref().map(Value::to_string).unwrap_or_default(),
                    f.new.as_ref().map(Value::to_string).unwrap_or_default(),
                );
                let mut change = f.change;
                if reversed {
                    std::mem::swap(&mut old, &mut new);
                    change = change.reversed();
                }
                (f.path.clone(), change, old, new)
            })
            .collect();
        out.insert((o.kind.clone(), a, b, status), fields);
    }
    out
}

/// A label per kind of edit, to check the generator exercised each.
fn label(expect: &Expect) -> String {
    match expect {
        Expect::Status(s) => format!("{s:?}"),
        Expect::Field(p) if p == "name" => "name".into(),
        Expect::Field(p) if p.starts_with("translations") => "translation".into(),
        Expect::Field(_) => "list item".into(),
        Expect::Nothing => "reorder".into(),
    }
}

fn check_edits(
    name: &str,
    base: &Package,
    seeds: std::ops::Range<u64>,
    seen: &mut BTreeMap<String, usize>,
) -> usize {
    let options = DiffOptions::default();
    let mut checked = 0;
    for seed in seeds {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let mut edited = base.clone();
        let mut expectations: BTreeMap<(String, String), Vec<Expect>> = BTreeMap::new();
        let edits = 1 + rng.below(6);
        for serial in 0..edits {
            if let Some((kind, id, expect)) = edit(&mut edited, &mut rng, serial) {
                *seen.entry(label(&expect)).or_default() += 1;
                expectations.entry((kind, id)).or_default().push(expect);
            }
        }
        let forward = diff(base, &edited, &options);
        let backward = diff(&edited, base, &options);
        assert_eq!(
            facts(&forward, false),
            facts(&backward, true),
            "{name} seed {seed}: diff(b, a) is not diff(a, b) reversed"
        );
        let reported: BTreeMap<(String, String), &crtk::diff::ObjectChange> = forward
            .objects
            .iter()
            .map(|o| ((o.kind.clone(), o.id.clone()), o))
            .collect();
        for ((kind, id), expects) in &expectations {
            let got = reported.get(&(kind.clone(), id.clone()));
            let removed_later = expects.contains(&Expect::Status(Status::Removed));
            let added = expects.contains(&Expect::Status(Status::Added));
            let uid = expects.contains(&Expect::Status(Status::UidChanged));
            if removed_later || added || uid {
                let status = got.map(|o| o.status);
                let wanted = if removed_later {
                    Status::Removed
                } else if uid {
                    Status::UidChanged
                } else {
                    Status::Added
                };
                // An object added then edited is still "added"; a removed one is "removed".
                assert_eq!(
                    status,
                    Some(wanted),
                    "{name} seed {seed}: {kind} {id} {expects:?}"
                );
                continue;
            }
            if expects.iter().all(|e| *e == Expect::Nothing) {
                assert!(
                    got.is_none(),
                    "{name} seed {seed}: reorder of translations reported on {kind} {id}: {got:?}"
                );
                continue;
            }
            let object = got.unwrap_or_else(|| {
                panic!("{name} seed {seed}: edit of {kind} {id} not reported ({expects:?})")
            });
            for expect in expects {
                if let Expect::Field(path) = expect {
                    assert!(
                        object
                            .fields
                            .iter()
                            .any(|f| f.path.starts_with(path.as_str())),
                        "{name} seed {seed}: {kind} {id}: no change at {path}: {:?}",
                        object.fields.iter().map(|f| &f.path).collect::<Vec<_>>()
                    );
                }
            }
        }
        // Nothing reported that no edit explains, except rules affected by an edited variable.
        for ((kind, id), object) in &reported {
            let explained = expectations.contains_key(&(kind.clone(), id.clone()))
                || object.status == Status::Affected;
            assert!(
                explained,
                "{name} seed {seed}: unexpected change {kind} {id}: {:?}",
                object.fields
            );
        }
        checked += 1;
    }
    checked
}

#[test]
fn reversed_diff_mirrors_and_every_edit_is_reported() {
    let mut total = 0;
    let mut seen = BTreeMap::new();
    for name in [
        "HIV_CS_TRK_9.9.9_DHIS2.36.4-en.json",
        "COVAC_EIR_CVIR00_1.2.0_DHIS2.36.6-en.json",
    ] {
        total += check_edits(name, &load(name), 0..40, &mut seen);
    }
    total += check_edits("example build", &country_build(), 100..140, &mut seen);
    assert_eq!(total, 120);
    // Every kind of edit was generated, several times.
    for kind in [
        "Removed",
        "Added",
        "UidChanged",
        "name",
        "translation",
        "list item",
        "reorder",
    ] {
        assert!(
            seen.get(kind).copied().unwrap_or(0) >= 3,
            "edit `{kind}` too rare: {seen:?}"
        );
    }
}

#[test]
fn the_real_pair_mirrors() {
    let a = load("HIV_CS_TRK_0.1.0_DHIS2.34.6-en.json");
    let b = load("HIV_CS_TRK_9.9.9_DHIS2.36.4-en.json");
    let options = DiffOptions::default();
    let (forward, backward) = (diff(&a, &b, &options), diff(&b, &a, &options));
    assert!(!forward.objects.is_empty());
    assert_eq!(facts(&forward, false), facts(&backward, true));
}
