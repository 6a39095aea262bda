//! Reading a target instance's metadata export into a slim index.
//!
//! A national instance's export (`GET /api/metadata`, or the Import/Export app's download) can be
//! hundreds of megabytes, plain, gzip or zip. It is streamed through serde with visitors that keep,
//! per object, only what the conflict checks need (id, name, shortName, code, the option set of an
//! option, the options of a set, the fields of a stage or program, a sharing fingerprint); every
//! other value is skipped without being built.

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// Decompressed bytes read at most (a gzip or zip bomb stops here, with an error).
pub const MAX_BYTES: u64 = 16 << 30;

#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    #[error("{}: cannot read the target export: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{}: not a regular file: give the target instance's metadata export (JSON, .json.gz or .zip)",
        path.display()
    )]
    NotAFile { path: PathBuf },
    #[error("{}: {message}", path.display())]
    Zip { path: PathBuf, message: String },
    #[error(
        "{}{}: line {line}, column {column}: {message}: give the JSON DHIS2 exports (`GET /api/metadata` or the Import/Export app's metadata export)",
        path.display(),
        entry.as_ref().map(|e| format!(" (zip entry `{e}`)")).unwrap_or_default()
    )]
    Json {
        path: PathBuf,
        entry: Option<String>,
        line: usize,
        column: usize,
        message: String,
    },
}

/// One object of the target, as far as the checks need it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TargetObject {
    pub id: String,
    pub name: Option<String>,
    pub short_name: Option<String>,
    pub code: Option<String>,
    /// An option's set.
    pub option_set: Option<String>,
    /// An option set's options (ids, in order).
    pub options: Vec<String>,
    /// A program stage's data elements, or a program's attributes (ids).
    pub fields: Vec<String>,
    /// Public access and user-group entries, `public|uid:access,...` (empty when not exported).
    pub sharing: String,
}

impl TargetObject {
    /// The value of a unique property (`name`, `shortName`, `code`).
    pub fn property(&self, property: &str) -> Option<&str> {
        match property {
            "name" => self.name.as_deref(),
            "shortName" => self.short_name.as_deref(),
            "code" => self.code.as_deref(),
            _ => None,
        }
    }

    /// `optionSets AbCdEfGhIjK "Sex" (code SEX)`
    pub fn label(&self, kind: &str) -> String {
        let mut s = format!("{kind} {}", self.id);
        if let Some(name) = &self.name {
            s.push_str(&format!(" \"{name}\""));
        }
        if let Some(code) = &self.code {
            s.push_str(&format!(" (code {code})"));
        }
        s
    }
}

/// The target export, indexed.
#[derive(Debug, Default)]
pub struct TargetIndex {
    /// What was read (for messages).
    pub source: String,
    /// Metadata type -> its objects, in export order.
    pub types: BTreeMap<String, Vec<TargetObject>>,
    by_id: HashMap<String, Vec<(usize, usize)>>,
    kinds: Vec<String>,
}

impl TargetIndex {
    /// Reads a target export: plain JSON, gzip (`.json.gz`) or a zip holding one `.json`.
    pub fn load(path: &Path) -> Result<TargetIndex, TargetError> {
        let io = |source| TargetError::Io {
            path: path.to_path_buf(),
            source,
        };
        let meta = std::fs::metadata(path).map_err(io)?;
        if !meta.is_file() {
            return Err(TargetError::NotAFile {
                path: path.to_path_buf(),
            });
        }
        let file = std::fs::File::open(path).map_err(io)?;
        let mut reader = BufReader::with_capacity(1 << 16, file);
        let magic = reader.fill_buf().map_err(io)?.to_vec();
        let types = if magic.starts_with(&[0x1f, 0x8b]) {
            let gz = flate2::bufread::MultiGzDecoder::new(reader);
            parse(BufReader::with_capacity(1 << 16, gz), path, None)?
        } else if magic.starts_with(b"PK\x03\x04") {
            read_zip(reader.into_inner(), path)?
        } else {
            parse(reader, path, None)?
        };
        Ok(TargetIndex::from_types(path.display().to_string(), types))
    }

    /// An index over objects already in memory (tests, benchmarks).
    pub fn from_types(source: String, types: BTreeMap<String, Vec<TargetObject>>) -> TargetIndex {
        let kinds: Vec<String> = types.keys().cloned().collect();
        let mut by_id: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        for (k, objects) in types.values().enumerate() {
            for (i, object) in objects.iter().enumerate() {
                by_id.entry(object.id.clone()).or_default().push((k, i));
            }
        }
        TargetIndex {
            source,
            types,
            by_id,
            kinds,
        }
    }

    /// The objects of one type (empty when the export has none).
    pub fn objects(&self, kind: &str) -> &[TargetObject] {
        self.types.get(kind).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Every object with this id: `(type, object)`, in type order.
    pub fn by_id(&self, id: &str) -> Vec<(&str, &TargetObject)> {
        self.by_id
            .get(id)
            .map(|places| {
                places
                    .iter()
                    .map(|&(k, i)| (self.kinds[k].as_str(), &self.types[&self.kinds[k]][i]))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The object of `kind` with this id.
    pub fn get(&self, kind: &str, id: &str) -> Option<&TargetObject> {
        self.by_id(id)
            .into_iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, o)| o)
    }

    /// Objects in the index.
    pub fn len(&self) -> usize {
        self.types.values().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn read_zip(
    file: std::fs::File,
    path: &Path,
) -> Result<BTreeMap<String, Vec<TargetObject>>, TargetError> {
    let zip_err = |message: String| TargetError::Zip {
        path: path.to_path_buf(),
        message,
    };
    let mut archive =
        zip::ZipArchive::new(file).map_err(|e| zip_err(format!("not a readable zip: {e}")))?;
    let names: Vec<String> = archive
        .file_names()
        .map(|n| n.map(|n| n.to_string()))
        .collect::<Result<_, _>>()
        .map_err(|e| zip_err(format!("cannot list the zip's entries: {e}")))?;
    let json: Vec<&String> = names
        .iter()
        .filter(|n| n.to_ascii_lowercase().ends_with(".json"))
        .collect();
    let entry = match (json.as_slice(), names.as_slice()) {
        ([one], _) => (*one).clone(),
        ([], [only]) => only.clone(),
        ([], _) => {
            return Err(zip_err(
                "the zip holds no `.json` file: zip the metadata export (one JSON file)".into(),
            ));
        }
        (many, _) => {
            return Err(zip_err(format!(
                "the zip holds {} `.json` files ({}): keep only the metadata export",
                many.len(),
                many.iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    };
    let reader = archive
        .by_name(&entry)
        .map_err(|e| zip_err(format!("cannot read zip entry `{entry}`: {e}")))?;
    parse(BufReader::with_capacity(1 << 16, reader), path, Some(entry))
}

/// Fails reading past [`MAX_BYTES`].
struct Capped<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.left = self.left.checked_sub(n as u64).ok_or_else(|| {
            std::io::Error::other(format!(
                "the export is larger than {} GiB decompressed",
                MAX_BYTES >> 30
            ))
        })?;
        Ok(n)
    }
}

fn parse<R: Read>(
    reader: R,
    path: &Path,
    entry: Option<String>,
) -> Result<BTreeMap<String, Vec<TargetObject>>, TargetError> {
    let capped = Capped {
        inner: reader,
        left: MAX_BYTES,
    };
    let mut de = serde_json::Deserializer::from_reader(capped);
    let json_err = |e: serde_json::Error| TargetError::Json {
        path: path.to_path_buf(),
        entry: entry.clone(),
        line: e.line(),
        column: e.column(),
        message: strip_position(&e.to_string()),
    };
    let Export(types) = Export::deserialize(&mut de).map_err(json_err)?;
    de.end().map_err(json_err)?;
    Ok(types)
}

/// serde_json appends ` at line L column C`; the error names them itself.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

/// The top-level object: each key holding an array is a metadata type; others are skipped.
struct Export(BTreeMap<String, Vec<TargetObject>>);

impl<'de> Deserialize<'de> for Export {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Export;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a DHIS2 metadata export (a JSON object of arrays)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Export, A::Error> {
                let mut types = BTreeMap::new();
                while let Some(key) = map.next_key::<String>()? {
                    if let Some(objects) = map.next_value_seed(Section)? {
                        types.insert(key, objects);
                    }
                }
                Ok(Export(types))
            }
        }
        d.deserialize_map(V)
    }
}

/// A top-level value: an array of objects is kept, anything else skipped.
struct Section;

impl<'de> DeserializeSeed<'de> for Section {
    type Value = Option<Vec<TargetObject>>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Option<Vec<TargetObject>>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(item) = seq.next_element::<Item>()? {
                    if let Item(Some(object)) = item {
                        out.push(object);
                    }
                }
                Ok(Some(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(None)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
        }
        d.deserialize_any(V)
    }
}

/// One array element: an object with a string `id` is kept.
struct Item(Option<TargetObject>);

impl<'de> Deserialize<'de> for Item {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Item;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a metadata object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Item, A::Error> {
                let raw = Raw::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Item(raw.into_object()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Item, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Item(None))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Item, E> {
                Ok(Item(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Item, E> {
                Ok(Item(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Item, E> {
                Ok(Item(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Item, E> {
                Ok(Item(None))
            }
            fn visit_str<E>(self, _: &str) -> Result<Item, E> {
                Ok(Item(None))
            }
            fn visit_unit<E>(self) -> Result<Item, E> {
                Ok(Item(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// A string, or nothing when the value is of another type (exports vary by DHIS2 version).
#[derive(Default)]
struct Text(Option<String>);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E>(self, s: &str) -> Result<Text, E> {
                Ok(Text(Some(s.to_string())))
            }
            fn visit_string<E>(self, s: String) -> Result<Text, E> {
                Ok(Text(Some(s)))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Text, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Text(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Text, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Text(None))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Text, E> {
                Ok(Text(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Text, E> {
                Ok(Text(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Text, E> {
                Ok(Text(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Text, E> {
                Ok(Text(None))
            }
            fn visit_unit<E>(self) -> Result<Text, E> {
                Ok(Text(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// `{"id": ...}` (other keys skipped).
#[derive(Deserialize, Default)]
#[serde(default)]
struct Ref {
    id: Text,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Access {
    id: Text,
    access: Text,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Sharing {
    public: Text,
    user_groups: BTreeMap<String, Access>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct StageField {
    data_element: Ref,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct ProgramField {
    tracked_entity_attribute: Ref,
}

/// The properties kept from an exported object.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Raw {
    id: Text,
    name: Text,
    short_name: Text,
    code: Text,
    option_set: Ref,
    options: Lenient<Vec<Ref>>,
    sharing: Lenient<Sharing>,
    /// Before 2.36: sharing as `publicAccess` + `userGroupAccesses`.
    public_access: Text,
    user_group_accesses: Lenient<Vec<Access>>,
    program_stage_data_elements: Lenient<Vec<StageField>>,
    program_tracked_entity_attributes: Lenient<Vec<ProgramField>>,
}

impl Raw {
    fn into_object(self) -> Option<TargetObject> {
        let id = self.id.0?;
        let ids = |refs: Vec<Ref>| refs.into_iter().filter_map(|r| r.id.0).collect::<Vec<_>>();
        let mut fields: Vec<String> = self
            .program_stage_data_elements
            .0
            .unwrap_or_default()
            .into_iter()
            .filter_map(|f| f.data_element.id.0)
            .collect();
        fields.extend(
            self.program_tracked_entity_attributes
                .0
                .unwrap_or_default()
                .into_iter()
                .filter_map(|f| f.tracked_entity_attribute.id.0),
        );
        let (public, groups): (Option<String>, Vec<(String, String)>) = match self.sharing.0 {
            Some(s) => (
                s.public.0,
                s.user_groups
                    .into_iter()
                    .map(|(k, a)| (a.id.0.unwrap_or(k), a.access.0.unwrap_or_default()))
                    .collect(),
            ),
            None => (
                self.public_access.0,
                self.user_group_accesses
                    .0
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|a| Some((a.id.0?, a.access.0.unwrap_or_default())))
                    .collect(),
            ),
        };
        Some(TargetObject {
            id,
            name: self.name.0,
            short_name: self.short_name.0,
            code: self.code.0,
            option_set: self.option_set.id.0,
            options: self.options.0.map(ids).unwrap_or_default(),
            fields,
            sharing: sharing_fingerprint(public.as_deref(), groups),
        })
    }
}

/// `public|uid:access,uid:access` with groups sorted; empty when there is no sharing at all.
pub fn sharing_fingerprint(public: Option<&str>, mut groups: Vec<(String, String)>) -> String {
    if public.is_none() && groups.is_empty() {
        return String::new();
    }
    groups.sort();
    let groups: Vec<String> = groups
        .into_iter()
        .map(|(k, v)| format!("{k}:{v}"))
        .collect();
    format!("{}|{}", public.unwrap_or(""), groups.join(","))
}

/// A value of the expected shape, or nothing (skipped) when the export has another shape there.
struct Lenient<T>(Option<T>);

impl<T> Default for Lenient<T> {
    fn default() -> Self {
        Lenient(None)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Only objects and arrays are parsed as T; scalars (null included) are skipped.
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Lenient<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object or array")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(|t| Lenient(Some(t)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                T::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(|t| Lenient(Some(t)))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Lenient(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(Lenient(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(Lenient(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Lenient(None))
            }
            fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
                Ok(Lenient(None))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Lenient(None))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> BTreeMap<String, Vec<TargetObject>> {
        parse(text.as_bytes(), Path::new("t.json"), None).unwrap()
    }

    #[test]
    fn keeps_only_what_the_checks_need() {
        let types = parse_str(
            r#"{"system": {"version": "2.40"}, "date": "x",
            "optionSets": [{"id": "AAAAAAAAAAA", "name": "Sex", "code": "SEX", "valueType": "TEXT",
              "options": [{"id": "BBBBBBBBBBB"}], "translations": [{"a": [1, {"b": null}]}],
              "sharing": {"public": "rw------", "userGroups": {"G": {"id": "G", "access": "r-------"}}}}],
            "options": [{"id": "BBBBBBBBBBB", "name": 5, "optionSet": {"id": "AAAAAAAAAAA"}}, "junk", 3],
            "programStages": [{"id": "CCCCCCCCCCC", "programStageDataElements": [{"dataElement": {"id": "D"}}]}]}"#,
        );
        assert_eq!(types.len(), 3);
        let set = &types["optionSets"][0];
        assert_eq!(set.options, ["BBBBBBBBBBB"]);
        assert_eq!(set.sharing, "rw------|G:r-------");
        let option = &types["options"][0];
        assert_eq!(option.name, None);
        assert_eq!(option.option_set.as_deref(), Some("AAAAAAAAAAA"));
        assert_eq!(types["programStages"][0].fields, ["D"]);
    }

    #[test]
    fn malformed_json_names_line_and_column() {
        let err = parse(
            "{\n\"options\": [{\"id\": }]}".as_bytes(),
            Path::new("t.json"),
            None,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("t.json: line 2, column"), "{err}");
    }
}
