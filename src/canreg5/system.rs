//! Reading a CanReg5 system definition (`conf/database/<REG>.xml`, schema
//! `canregSystemFileSchema`): the registry, its dictionaries and its variables.
//!
//! Only what the alignment checks need is kept: each dictionary's number, name, type and code
//! lengths; each variable's short and standard name, type, length and dictionary. Elements are
//! matched by local name, so any namespace prefix (`ns3:`) works.

use quick_xml::events::Event;
use std::path::{Path, PathBuf};

/// Larger than any real system definition (TRN.xml is 45 KB).
const MAX_BYTES: u64 = 16 * 1024 * 1024;

/// A system definition that cannot be read: the file, where, and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {place}: {message}", file.display())]
pub struct SystemError {
    pub file: PathBuf,
    pub place: String,
    pub message: String,
}

/// `Simple` or `Compound` (category code + code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DictionaryType {
    Simple,
    Compound,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemDictionary {
    pub id: u32,
    pub name: String,
    pub kind: DictionaryType,
    /// For a compound dictionary: the length of the category codes (`code_length`).
    pub category_length: usize,
    /// The length of a full code (`full_dictionary_code_length`).
    pub full_length: usize,
    /// The longest label CanReg5 stores (`full_dictionary_description_length`).
    pub description_length: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemVariable {
    pub short_name: String,
    pub full_name: String,
    /// CanReg5's standard name (`PatientID`, `AddressCode`), when the variable has one.
    pub standard_name: Option<String>,
    /// `Alpha`, `Number`, `Date`, `Dict`, ...
    pub kind: String,
    pub length: Option<usize>,
    /// The dictionary name (`use_dictionary`) of a `Dict` variable.
    pub dictionary: Option<String>,
    /// `Patient`, `Tumour` or `Source`.
    pub table: String,
}

/// A registry's CanReg5 system definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemDefinition {
    pub file: PathBuf,
    pub registry_code: String,
    pub registry_name: String,
    pub dictionaries: Vec<SystemDictionary>,
    pub variables: Vec<SystemVariable>,
}

impl SystemDefinition {
    /// The variable with this short name (case-insensitive, as the export app's keys are upper case).
    pub fn variable(&self, short_name: &str) -> Option<&SystemVariable> {
        self.variables
            .iter()
            .find(|v| v.short_name.eq_ignore_ascii_case(short_name))
    }

    /// The variable with this standard name (`AddressCode`).
    pub fn standard(&self, standard: &str) -> Option<&SystemVariable> {
        self.variables
            .iter()
            .find(|v| v.standard_name.as_deref() == Some(standard))
    }

    /// The dictionary with this name (case-insensitive).
    pub fn dictionary_named(&self, name: &str) -> Option<&SystemDictionary> {
        self.dictionaries
            .iter()
            .find(|d| d.name.eq_ignore_ascii_case(name.trim()))
    }

    /// The dictionary a config names by number or name.
    pub fn dictionary(
        &self,
        wanted: &crate::config::address::DictionaryRef,
    ) -> Option<&SystemDictionary> {
        use crate::config::address::DictionaryRef;
        match wanted {
            DictionaryRef::Id(n) => self.dictionaries.iter().find(|d| d.id == *n),
            DictionaryRef::Name(s) => self.dictionary_named(s),
        }
    }

    /// The dictionaries, as `#9 Address` (for messages).
    pub fn dictionary_list(&self) -> String {
        self.dictionaries
            .iter()
            .map(|d| format!("#{} {}", d.id, d.name))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Reads a system definition file.
    pub fn load(file: &Path) -> Result<SystemDefinition, SystemError> {
        let err = |place: &str, message: String| SystemError {
            file: file.to_path_buf(),
            place: place.into(),
            message,
        };
        let meta = std::fs::metadata(file).map_err(|e| err("file", format!("cannot read: {e}")))?;
        if !meta.is_file() {
            return Err(err(
                "file",
                "is not a regular file: give the CanReg5 system definition (.xml)".into(),
            ));
        }
        if meta.len() > MAX_BYTES {
            return Err(err(
                "file",
                format!(
                    "is {} bytes, more than any CanReg5 system definition ({MAX_BYTES}): is it the right file?",
                    meta.len()
                ),
            ));
        }
        let text = crate::input::read_to_string(file)
            .map_err(|e| err("file", format!("cannot read: {e}")))?;
        parse(&text, file)
    }
}

/// Parses system definition text; `file` names it in errors.
pub fn parse(text: &str, file: &Path) -> Result<SystemDefinition, SystemError> {
    let err = |place: String, message: String| SystemError {
        file: file.to_path_buf(),
        place,
        message,
    };
    let line_of = |pos: u64| {
        let pos = (pos as usize).min(text.len());
        text[..pos].bytes().filter(|&b| b == b'\n').count() + 1
    };
    let mut reader = quick_xml::Reader::from_str(text);
    // Element names from the root down; the text of the innermost element.
    let mut path: Vec<String> = Vec::new();
    let mut value = String::new();
    // Fields of the dictionary or variable being read, with its start line.
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut item_line = 0;
    let mut system = SystemDefinition {
        file: file.to_path_buf(),
        registry_code: String::new(),
        registry_name: String::new(),
        dictionaries: Vec::new(),
        variables: Vec::new(),
    };
    let mut root_seen = false;
    loop {
        let event = reader.read_event().map_err(|e| {
            err(
                format!("line {}", line_of(reader.error_position())),
                format!("is not well-formed XML: {e}"),
            )
        })?;
        match event {
            Event::Start(e) => {
                let name = e.local_name().as_ref().to_string();
                if path.is_empty() {
                    if name != "canreg" {
                        return Err(err(
                            "root element".into(),
                            format!(
                                "is `{name}`, not `canreg`: give a CanReg5 system definition (conf/database/<REG>.xml)"
                            ),
                        ));
                    }
                    root_seen = true;
                }
                if path.len() > 64 {
                    return Err(err(
                        format!("line {}", line_of(reader.buffer_position())),
                        "nests elements deeper than a CanReg5 system definition does".into(),
                    ));
                }
                if matches!(name.as_str(), "dictionary" | "variable") && path.len() == 2 {
                    fields.clear();
                    item_line = line_of(reader.buffer_position());
                }
                path.push(name);
                value.clear();
            }
            Event::Text(t) => value.push_str(&t.xml10_content()),
            Event::CData(t) => value.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let name: &str = r.as_ref();
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c.to_string()),
                    _ => quick_xml::escape::resolve_predefined_entity(name).map(str::to_string),
                };
                match resolved {
                    Some(s) => value.push_str(&s),
                    None => {
                        return Err(err(
                            format!("line {}", line_of(reader.buffer_position())),
                            format!("uses the undefined entity `&{name};`"),
                        ));
                    }
                }
            }
            Event::End(_) => {
                let Some(name) = path.pop() else { break };
                let parent = path.last().map(String::as_str).unwrap_or("");
                match (path.len(), parent, name.as_str()) {
                    (2, "general", "registry_code") => system.registry_code = value.trim().into(),
                    (2, "general", "registry_name") => system.registry_name = value.trim().into(),
                    (3, "dictionary" | "variable", _) => {
                        fields.push((name.clone(), value.trim().to_string()))
                    }
                    (2, "dictionaries", "dictionary") => {
                        let place = format!("line {item_line} (dictionary)");
                        system
                            .dictionaries
                            .push(dictionary(&fields).map_err(|m| err(place, m))?);
                    }
                    (2, "variables", "variable") => {
                        let place = format!("line {item_line} (variable)");
                        system
                            .variables
                            .push(variable(&fields).map_err(|m| err(place, m))?);
                    }
                    _ => {}
                }
                value.clear();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !root_seen {
        return Err(err(
            "file".into(),
            "holds no `canreg` element: give a CanReg5 system definition (conf/database/<REG>.xml)"
                .into(),
        ));
    }
    if system.variables.is_empty() {
        return Err(err(
            "file".into(),
            "declares no variables: is this the registry's system definition?".into(),
        ));
    }
    Ok(system)
}

fn field<'f>(fields: &'f [(String, String)], name: &str) -> Option<&'f str> {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

fn number(fields: &[(String, String)], name: &str) -> Result<Option<usize>, String> {
    match field(fields, name) {
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| format!("`{name}` is `{v}`, not a whole number")),
    }
}

fn dictionary(fields: &[(String, String)]) -> Result<SystemDictionary, String> {
    let name = field(fields, "name").ok_or("has no `name`")?.to_string();
    let id =
        field(fields, "dictionary_id").ok_or_else(|| format!("`{name}` has no `dictionary_id`"))?;
    let id = id
        .parse()
        .map_err(|_| format!("`{name}` has `dictionary_id` `{id}`, not a number"))?;
    let kind = match field(fields, "type") {
        Some(t) if t.eq_ignore_ascii_case("compound") => DictionaryType::Compound,
        _ => DictionaryType::Simple,
    };
    Ok(SystemDictionary {
        id,
        name,
        kind,
        category_length: number(fields, "code_length")?.unwrap_or(0),
        full_length: number(fields, "full_dictionary_code_length")?.unwrap_or(0),
        description_length: number(fields, "full_dictionary_description_length")?.unwrap_or(0),
    })
}

fn variable(fields: &[(String, String)]) -> Result<SystemVariable, String> {
    let short_name = field(fields, "short_name")
        .ok_or("has no `short_name`")?
        .to_string();
    Ok(SystemVariable {
        full_name: field(fields, "full_name").unwrap_or("").to_string(),
        standard_name: field(fields, "standard_variable_name").map(str::to_string),
        kind: field(fields, "variable_type").unwrap_or("").to_string(),
        length: number(fields, "variable_length").map_err(|m| format!("{short_name}: {m}"))?,
        dictionary: field(fields, "use_dictionary").map(str::to_string),
        table: field(fields, "table").unwrap_or("").to_string(),
        short_name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_small_definition_and_refuses_other_xml() {
        let xml = r#"<?xml version="1.0"?>
<ns3:canreg xmlns:ns3="x"><ns3:general><ns3:registry_code>ABC</ns3:registry_code>
<ns3:registry_name>A &amp; B</ns3:registry_name></ns3:general>
<ns3:dictionaries><ns3:dictionary><ns3:dictionary_id>9</ns3:dictionary_id><ns3:name>Address</ns3:name>
<ns3:type>Compound</ns3:type><ns3:code_length>2</ns3:code_length>
<ns3:full_dictionary_code_length>3</ns3:full_dictionary_code_length></ns3:dictionary></ns3:dictionaries>
<ns3:variables><ns3:variable><ns3:short_name>Addr</ns3:short_name><ns3:variable_type>Dict</ns3:variable_type>
<ns3:use_dictionary>Address</ns3:use_dictionary><ns3:table>Patient</ns3:table>
<ns3:standard_variable_name>AddressCode</ns3:standard_variable_name></ns3:variable></ns3:variables></ns3:canreg>"#;
        let s = parse(xml, Path::new("r.xml")).unwrap();
        assert_eq!(s.registry_name, "A & B");
        assert_eq!(s.dictionaries[0].kind, DictionaryType::Compound);
        assert_eq!(s.dictionaries[0].full_length, 3);
        assert_eq!(
            s.variable("ADDR").unwrap().dictionary.as_deref(),
            Some("Address")
        );
        assert!(s.standard("AddressCode").is_some());
        let e = parse("<html/>", Path::new("r.xml")).unwrap_err();
        assert!(e.message.contains("canreg"), "{e}");
        let e = parse("<canreg><general>", Path::new("r.xml")).unwrap_err();
        assert!(
            e.message.contains("no variables") || e.message.contains("XML"),
            "{e}"
        );
    }
}
