//! A registry's CanReg5 setup as the config's `canreg5:` section names it: the system definition
//! and, optionally, the dictionary export holding the codes and labels.

use super::dictionary_text::{self, TextDictionary};
use super::system::{SystemDefinition, SystemDictionary, SystemError};
use crate::config::LoadedConfig;
use crate::config::address::DictionaryRef;
use std::path::PathBuf;

/// Larger than any real dictionary export (TRN's is 35 KB; a national address list a few MB).
const MAX_DICTIONARY_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    #[error(transparent)]
    System(#[from] SystemError),
    /// The dictionary export cannot be read, or the config names something absent.
    #[error("{}: {place}: {message}", file.display())]
    Input {
        file: PathBuf,
        place: String,
        message: String,
    },
}

/// The registry's CanReg5 setup.
#[derive(Debug, Clone)]
pub struct Registry {
    pub system: SystemDefinition,
    /// The dictionary export and its dictionaries.
    pub dictionaries: Option<(PathBuf, Vec<TextDictionary>)>,
    /// The system dictionary the source types correspond to, if known.
    pub source_dictionary: Option<SystemDictionary>,
}

impl Registry {
    /// Reads what `canreg5:` names; `None` without the section.
    pub fn load(config: &LoadedConfig) -> Result<Option<Registry>, RegistryError> {
        let Some(section) = &config.config.canreg5 else {
            return Ok(None);
        };
        let mut system = SystemDefinition::load(&config.resolve(&section.system))?;
        // Findings name the files as the config writes them: the same on every machine (they
        // reach release notes).
        system.file = section.system.clone();
        let dictionaries = match &section.dictionaries {
            None => None,
            Some(path) => Some((path.clone(), read_dictionaries(&config.resolve(path))?)),
        };
        let source_dictionary =
            match &section.source_dictionary {
                Some(wanted) => Some(system.dictionary(wanted).cloned().ok_or_else(|| {
                    RegistryError::Input {
                        file: config.path.clone(),
                        place: "canreg5.source_dictionary".into(),
                        message: format!(
                            "names {}, which {} does not declare; its dictionaries are: {}",
                            describe(wanted),
                            system.file.display(),
                            system.dictionary_list()
                        ),
                    }
                })?),
                None => system
                    .variable("SOUT")
                    .and_then(|v| v.dictionary.as_deref())
                    .and_then(|d| system.dictionary_named(d))
                    .cloned(),
            };
        Ok(Some(Registry {
            system,
            dictionaries,
            source_dictionary,
        }))
    }

    /// The dictionary export's entries for a system dictionary (matched by number, else name).
    pub fn entries(&self, dictionary: &SystemDictionary) -> Option<&TextDictionary> {
        let (_, all) = self.dictionaries.as_ref()?;
        all.iter()
            .find(|d| d.is(&DictionaryRef::Id(dictionary.id)))
            .or_else(|| {
                all.iter()
                    .find(|d| d.is(&DictionaryRef::Name(dictionary.name.clone())))
            })
    }
}

fn describe(wanted: &DictionaryRef) -> String {
    match wanted {
        DictionaryRef::Id(n) => format!("dictionary #{n}"),
        DictionaryRef::Name(s) => format!("dictionary `{s}`"),
    }
}

fn read_dictionaries(file: &std::path::Path) -> Result<Vec<TextDictionary>, RegistryError> {
    let err = |place: String, message: String| RegistryError::Input {
        file: file.to_path_buf(),
        place,
        message,
    };
    let meta =
        std::fs::metadata(file).map_err(|e| err("file".into(), format!("cannot read: {e}")))?;
    if !meta.is_file() || meta.len() > MAX_DICTIONARY_BYTES {
        return Err(err(
            "file".into(),
            format!(
                "is not a regular file of at most {MAX_DICTIONARY_BYTES} bytes: give the CanReg5 dictionary export (.txt)"
            ),
        ));
    }
    let text = crate::input::read_to_string(file)
        .map_err(|e| err("file".into(), format!("cannot read: {e}")))?;
    let dictionaries =
        dictionary_text::parse(&text).map_err(|e| err(format!("line {}", e.line), e.message))?;
    if dictionaries.is_empty() {
        return Err(err(
            "file".into(),
            "holds no `#<id>\\t----<name>` header: is this a CanReg5 dictionary export?".into(),
        ));
    }
    Ok(dictionaries)
}
