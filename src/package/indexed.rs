//! A package with every top-level object indexed by `(type, id)`: [`Package::get`] searches a
//! section from the start, which is quadratic when it runs once per changed object of a large
//! package (100,000 address options).

use super::Package;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::ops::Deref;

/// A read-only package whose [`Indexed::get`] is a hash look-up; everything else is the package's.
pub struct Indexed<'a> {
    package: &'a Package,
    objects: HashMap<(&'a str, &'a str), &'a Map<String, Value>>,
}

impl<'a> Indexed<'a> {
    pub fn new(package: &'a Package) -> Self {
        let mut objects = HashMap::new();
        for (kind, id, object) in package.all_objects() {
            // As `Package::get`: the first object with the id wins.
            objects.entry((kind, id)).or_insert(object);
        }
        Indexed { package, objects }
    }

    /// The object of `kind` whose `id` is `id`, as [`Package::get`] finds it.
    pub fn get(&self, kind: &str, id: &str) -> Option<&'a Map<String, Value>> {
        self.objects.get(&(kind, id)).copied()
    }
}

impl Deref for Indexed<'_> {
    type Target = Package;
    fn deref(&self) -> &Package {
        self.package
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn finds_what_package_get_finds() {
        let text = r#"{"options":[{"id":"a","name":"1"},{"id":"a","name":"2"},{"id":"b"}],"optionSets":[{"id":"a","name":"S"}]}"#;
        let package = Package::from_json(text, Path::new("t.json")).unwrap();
        let indexed = Indexed::new(&package);
        for (kind, id) in [
            ("options", "a"),
            ("options", "b"),
            ("optionSets", "a"),
            ("options", "c"),
        ] {
            assert_eq!(indexed.get(kind, id), package.get(kind, id), "{kind} {id}");
        }
        assert_eq!(indexed.objects("options").len(), 3);
    }
}
