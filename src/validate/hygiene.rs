//! Package hygiene: fields official packages strip (CR801), public write access (CR802), users
//! other than the package owner (CR803), placeholder options left in a country build (CR804),
//! sharing without the package's user groups (CR805).
//!
//! The warnings are summarised per type (one finding naming the first object and the count), so
//! that a package exported raw from an instance yields a readable report.

use super::fast::FastMap;
use super::schema::{Node, class_of, schemas};
use super::{Ctx, DEFAULT_EXTERNAL, objects, str_prop};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

// Fields the official packages strip (DOMAIN.md §4): see `is_stripped`, plus `display*` copies.

fn is_stripped(key: &str) -> bool {
    matches!(
        key,
        "created"
            | "lastUpdated"
            | "createdBy"
            | "lastUpdatedBy"
            | "user"
            | "href"
            | "access"
            | "favorites"
    )
}

/// A placeholder option of the base (`PLACEHOLDER_1`, "Placeholder - 1").
pub fn is_placeholder(option: &Map<String, Value>) -> bool {
    str_prop(option, "code").is_some_and(|c| c.starts_with("PLACEHOLDER"))
        || str_prop(option, "name").is_some_and(|n| n.starts_with("Placeholder - "))
}

/// `displayName`, `displayFormName`, ...: the server's translated copy of a property the object
/// has (`name`, `formName`). Configuration flags such as `displayFrontPageList` are not copies.
fn is_display_copy(
    key: &str,
    map: &Map<String, Value>,
    properties: Option<&FastMap<String, Node>>,
) -> bool {
    let Some(rest) = key.strip_prefix("display") else {
        return false;
    };
    let mut chars = rest.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let original = format!("{}{}", first.to_ascii_lowercase(), chars.as_str());
    original == "name"
        || map.contains_key(&original)
        || properties.is_some_and(|p| p.contains_key(&original))
}

/// Write access in a DHIS2 access string (`rw------`: metadata read, metadata write, ...).
fn writes(access: &str) -> bool {
    access.as_bytes().get(1) == Some(&b'w')
}

struct Tally<'a> {
    first: (usize, &'a Map<String, Value>),
    count: usize,
    detail: String,
}

/// The hygiene checks, fed one object at a time by [`super::object_pass`]; each type's
/// findings are summarised when its objects are done.
pub(super) struct Hygiene<'a> {
    package_groups: Vec<&'a str>,
    /// The package owner: the most common sharing owner.
    owner: Option<&'a str>,
    properties: Option<&'static FastMap<String, Node>>,
    tallies: BTreeMap<(&'static str, String), Tally<'a>>,
}

impl<'a> Hygiene<'a> {
    pub fn start(ctx: &Ctx<'a>) -> Self {
        let package = ctx.package;
        let mut owners: FastMap<&str, usize> = FastMap::default();
        for kind in package.kinds() {
            for (_, map) in objects(package, kind) {
                if let Some(owner) = map
                    .get("sharing")
                    .and_then(|s| s.get("owner"))
                    .and_then(Value::as_str)
                {
                    *owners.entry(owner).or_default() += 1;
                }
            }
        }
        Hygiene {
            package_groups: objects(package, "userGroups")
                .filter_map(|(_, g)| str_prop(g, "id"))
                .collect(),
            owner: owners
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map(|(o, _)| *o),
            properties: None,
            tallies: BTreeMap::new(),
        }
    }

    /// Starts the objects of one type.
    pub fn kind(&mut self, kind: &str) {
        self.properties = class_of(kind).and_then(|c| schemas().properties(c));
    }

    /// Checks object `i` of `kind`.
    pub fn object(&mut self, kind: &'a str, i: usize, map: &'a Map<String, Value>) {
        let (owner, properties, package_groups) =
            (self.owner, self.properties, &self.package_groups);
        let mut tally = |code: &'static str, key: String, i: usize, map, detail: String| {
            self.tallies
                .entry((code, key))
                .and_modify(|t| t.count += 1)
                .or_insert(Tally {
                    first: (i, map),
                    count: 1,
                    detail,
                });
        };
        for key in map.keys() {
            if is_stripped(key) || is_display_copy(key, map, properties) {
                tally("CR801", key.clone(), i, map, format!("{kind}[{i}].{key}"));
            }
        }
        let sharing = map.get("sharing");
        let public = sharing
            .and_then(|s| s.get("public"))
            .or_else(|| map.get("publicAccess"))
            .and_then(Value::as_str);
        if let Some(public) = public.filter(|p| writes(p)) {
            tally(
                "CR802",
                String::new(),
                i,
                map,
                format!("public access `{public}`"),
            );
        }
        let users = sharing
            .and_then(|s| s.get("users"))
            .and_then(Value::as_object)
            .map(|u| u.len())
            .unwrap_or(0)
            + map
                .get("userAccesses")
                .and_then(Value::as_array)
                .map(Vec::len)
                .unwrap_or(0);
        let other_owner = sharing
            .and_then(|s| s.get("owner"))
            .and_then(Value::as_str)
            .filter(|o| Some(*o) != owner);
        if users > 0 {
            tally(
                "CR803",
                "users".into(),
                i,
                map,
                "shared with individual users".into(),
            );
        }
        if let Some(o) = other_owner {
            tally(
                "CR803",
                "owner".into(),
                i,
                map,
                format!("owned by user `{o}`"),
            );
        }
        // DHIS2's own default category objects (same UIDs on every instance) are not the
        // package's to share.
        let dhis2_default = DEFAULT_EXTERNAL
            .iter()
            .any(|(id, _)| Some(*id) == str_prop(map, "id"));
        if let Some(sharing) = sharing.and_then(Value::as_object)
            && !package_groups.is_empty()
            && kind != "userGroups"
            && !dhis2_default
        {
            let groups = sharing.get("userGroups").and_then(Value::as_object);
            let shared =
                groups.is_some_and(|g| g.keys().any(|k| package_groups.contains(&k.as_str())));
            if !shared {
                tally(
                    "CR805",
                    String::new(),
                    i,
                    map,
                    "shared with none of the package's user groups".into(),
                );
            }
        }
        if kind == "users" && str_prop(map, "id") != owner {
            tally(
                "CR803",
                "account".into(),
                i,
                map,
                "a user account in the package".into(),
            );
        }
    }

    /// Reports (and clears) the summaries of one type's objects.
    pub fn end_kind(&mut self, ctx: &mut Ctx<'a>, kind: &'a str) {
        for ((code, key), t) in std::mem::take(&mut self.tallies) {
            let (i, map) = t.first;
            let also = if t.count > 1 {
                format!(" (and {} more {kind})", t.count - 1)
            } else {
                String::new()
            };
            let (path, message) = match code {
                "CR801" => (
                    t.detail,
                    format!("`{key}` is instance-specific; official packages strip it{also}"),
                ),
                "CR802" => (
                    format!("{kind}[{i}].sharing.public"),
                    format!(
                        "{}: anyone can edit this metadata; use `r-------` and give write access to a user group{also}",
                        t.detail
                    ),
                ),
                "CR803" => (
                    format!("{kind}[{i}].sharing"),
                    format!(
                        "{}; users do not exist on the target instance{also}",
                        t.detail
                    ),
                ),
                _ => (
                    format!("{kind}[{i}].sharing.userGroups"),
                    format!(
                        "{}: share it with the package's user groups{also}",
                        t.detail
                    ),
                ),
            };
            ctx.report(code, kind, map, path, message);
        }
    }
}

/// CR804/CR806: placeholder options left in a country build.
pub(super) fn placeholders(ctx: &mut Ctx) {
    let package = ctx.package;
    if ctx.options.country_build {
        for (i, option) in objects(package, "options") {
            if is_placeholder(option) {
                let code = if ctx.options.allow_placeholders {
                    "CR806"
                } else {
                    "CR804"
                };
                ctx.report(
                    code,
                    "options",
                    option,
                    format!("options[{i}]"),
                    format!(
                        "placeholder option `{}` is still in this country build: configure the country's values (address areas, source types) in the config{}",
                        str_prop(option, "code").unwrap_or("?"),
                        if ctx.options.allow_placeholders { " (allowed by `validate.allow_placeholders`)" } else { "" }
                    ),
                );
            }
        }
    }
}
