//! `crtk init`: scaffold a country config that builds at once.
//!
//! Writes `<DIR>/country.yaml` (every section with a real example, commented), an area table for
//! the declared levels (or a copy of the user's CSV with its header mapped to the levels) and a
//! `translations/` folder. Nothing is overwritten: an existing file stops the command before
//! anything is written.

use crtk::base::Base;
use crtk::output::write_atomic;
use std::path::{Component, Path, PathBuf};

/// The arguments of `crtk init`.
#[derive(clap::Args)]
pub struct InitArgs {
    /// The folder to write the config into (created when missing) [default: .].
    dir: Option<PathBuf>,
    /// The country's ISO 3166 code (2 or 3 upper-case letters), e.g. GH.
    #[arg(long)]
    country: String,
    /// The country's name, e.g. Ghana.
    #[arg(long)]
    name: String,
    /// The address levels, top first, comma-separated, e.g. Region,District (1 to 6).
    #[arg(long, value_delimiter = ',', required = true)]
    levels: Vec<String>,
    /// An existing area table (CSV): copied next to the config, its columns mapped to the levels
    /// (`<level>_code`/`<level>_name` per level, or `code`,`name`,`parent`).
    #[arg(long, value_name = "CSV")]
    from: Option<PathBuf>,
    /// Read the user-group names from this base package instead of the shipped one.
    #[arg(long, value_name = "FILE")]
    base: Option<PathBuf>,
}

const CONFIG: &str = "country.yaml";
const SCHEMA_FILE: &str = "country-config.schema.json";

pub fn run(args: InitArgs) -> Result<std::process::ExitCode, String> {
    let code = args.country.trim();
    if !(2..=3).contains(&code.len()) || !code.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(format!(
            "--country `{code}` is not an ISO 3166 code: give 2 or 3 upper-case letters, e.g. GH"
        ));
    }
    let name = args.name.trim();
    if name.is_empty() || name.contains(['\n', '\r']) {
        return Err("--name is empty or spans lines: give the country's name, e.g. Ghana".into());
    }
    let levels: Vec<String> = args.levels.iter().map(|l| l.trim().to_string()).collect();
    if levels.is_empty() || levels.len() > 6 || levels.iter().any(String::is_empty) {
        return Err(format!(
            "--levels `{}`: give 1 to 6 non-empty level names, top first, e.g. Region,District",
            args.levels.join(",")
        ));
    }
    for (i, level) in levels.iter().enumerate() {
        if levels[..i].contains(level) {
            return Err(format!(
                "--levels: `{level}` is given twice; give each level its own name"
            ));
        }
        if level.contains(['"', ':', '#', '{', '}', '[', ']', ',', '\n']) {
            return Err(format!(
                "--levels: `{level}` has a character YAML or CSV headers would need quoted (\" : # {{ }} [ ] ,); use letters, digits and spaces"
            ));
        }
    }
    let base = match &args.base {
        Some(path) => Base::load(path).map_err(|e| format!("--base: {e}"))?,
        None => Base::shipped(),
    };
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let config_path = dir.join(CONFIG);

    // Everything to write, decided before anything is written.
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let areas = match &args.from {
        Some(csv) => {
            let header = read_header(csv)?;
            let source =
                map_header(&header, &levels).map_err(|e| format!("{}: {e}", csv.display()))?;
            let file_name = csv
                .file_name()
                .ok_or_else(|| format!("--from {}: not a file", csv.display()))?
                .to_string_lossy()
                .into_owned();
            let bytes =
                crtk::input::read_bytes(csv).map_err(|e| format!("{}: {e}", csv.display()))?;
            files.push((dir.join(&file_name), bytes));
            Areas {
                file: file_name,
                source,
                template: false,
            }
        }
        None => {
            let (text, source) = template_csv(&levels);
            files.push((dir.join("areas.csv"), text.into_bytes()));
            Areas {
                file: "areas.csv".into(),
                source,
                template: true,
            }
        }
    };
    files.push((
        dir.join("translations").join("README.md"),
        translations_readme(code).into_bytes(),
    ));
    let schema = match find_schema(&dir) {
        Some(relative) => relative,
        None => {
            // No crtk checkout above DIR: ship the schema next to the config.
            files.push((
                dir.join(SCHEMA_FILE),
                crtk::config::schema::SCHEMA.as_bytes().to_vec(),
            ));
            SCHEMA_FILE.to_string()
        }
    };
    for path in files.iter().map(|(p, _)| p).chain([&config_path]) {
        if path.exists() {
            return Err(format!(
                "{} already exists: crtk init never overwrites; choose another folder or remove the file",
                path.display()
            ));
        }
    }
    let groups: Vec<String> = base
        .package
        .objects("userGroups")
        .iter()
        .filter_map(|g| g.get("name").and_then(|n| n.as_str()).map(String::from))
        .collect();
    let base_version = base
        .package
        .header
        .version()
        .filter(|v| !v.is_empty())
        .map(String::from);
    let yaml = config_yaml(&Scaffold {
        code,
        name,
        levels: &levels,
        areas: &areas,
        schema: &schema,
        groups: &groups,
        base_version: base_version.as_deref(),
        base: args.base.as_deref(),
    });
    files.push((config_path.clone(), yaml.into_bytes()));
    std::fs::create_dir_all(dir.join("translations"))
        .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for (path, bytes) in &files {
        write_atomic(path, bytes).map_err(|e| e.to_string())?;
        println!("wrote {}", path.display());
    }
    println!(
        "next: replace the placeholders (see the comments in {}), then `crtk build {} --out dist`",
        config_path.display(),
        config_path.display()
    );
    Ok(std::process::ExitCode::SUCCESS)
}

/// Where the area table's columns are.
enum Source {
    /// One row per leaf: a (code, name) column pair per level.
    Wide(Vec<(String, String)>),
    /// One row per area: code, name, parent code.
    Long {
        code: String,
        name: String,
        parent: String,
    },
}

struct Areas {
    file: String,
    source: Source,
    template: bool,
}

fn read_header(csv: &Path) -> Result<Vec<String>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(csv)
        .map_err(|e| format!("--from {}: {e}", csv.display()))?;
    let header = reader.headers().map_err(|e| {
        format!(
            "--from {}: the header row cannot be read: {e}",
            csv.display()
        )
    })?;
    Ok(header
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect())
}

fn normalize(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Maps a CSV header onto the levels: `<level>_code`/`<level>_name` (any case and separators)
/// per level, else `code`/`name`/`parent`.
fn map_header(header: &[String], levels: &[String]) -> Result<Source, String> {
    let find = |wanted: &[String]| {
        header
            .iter()
            .find(|h| wanted.contains(&normalize(h)))
            .cloned()
    };
    let mut pairs = Vec::new();
    let mut missing = Vec::new();
    for level in levels {
        let l = normalize(level);
        let code = find(&[format!("{l}code"), format!("{l}id"), format!("{l}pcode")]);
        let name = find(&[format!("{l}name"), l.clone()]);
        match (code, name) {
            (Some(c), Some(n)) => pairs.push((c, n)),
            _ => missing.push(level.as_str()),
        }
    }
    if missing.is_empty() {
        return Ok(Source::Wide(pairs));
    }
    let code = find(&["code".into()]);
    let name = find(&["name".into()]);
    let parent = find(&["parent".into(), "parentcode".into()]);
    if let (Some(code), Some(name), Some(parent)) = (code, name, parent) {
        return Ok(Source::Long { code, name, parent });
    }
    Err(format!(
        "the header ({}) has no code and name columns for {}: name them `<level>_code` and `<level>_name` (e.g. `{l}_code`, `{l}_name`), one pair per level, or use the columns `code`, `name`, `parent_code` (one row per area)",
        header.join(", "),
        missing.join(", "),
        l = normalize(missing[0])
    ))
}

/// A wide CSV with two placeholder areas under each parent; codes add one digit per level.
fn template_csv(levels: &[String]) -> (String, Source) {
    let columns: Vec<(String, String)> = levels
        .iter()
        .map(|l| {
            let slug = slug(l);
            (format!("{slug}_code"), format!("{slug}_name"))
        })
        .collect();
    let header: Vec<String> = columns
        .iter()
        .flat_map(|(c, n)| [c.clone(), n.clone()])
        .collect();
    let mut out = vec![header.join(",")];
    // Each leaf is a path of 1s and 2s, one digit per level.
    let leaves = 1usize << levels.len();
    for leaf in 0..leaves {
        let mut row = Vec::new();
        let mut code = String::new();
        for (depth, level) in levels.iter().enumerate() {
            let digit = (leaf >> (levels.len() - 1 - depth)) & 1;
            code.push(if digit == 0 { '1' } else { '2' });
            row.push(code.clone());
            row.push(format!("Example {level} {code}"));
        }
        out.push(row.join(","));
    }
    let mut text = out.join("\n");
    text.push('\n');
    (text, Source::Wide(columns))
}

fn slug(level: &str) -> String {
    let mut s = String::new();
    for c in level.chars() {
        if c.is_alphanumeric() {
            s.extend(c.to_lowercase());
        } else if !s.ends_with('_') {
            s.push('_');
        }
    }
    s.trim_matches('_').to_string()
}

/// The schema in a crtk checkout above `dir` (or above the current folder), relative to `dir`.
fn find_schema(dir: &Path) -> Option<String> {
    let dir = absolute(dir)?;
    let cwd = std::env::current_dir()
        .ok()
        .and_then(|d| std::fs::canonicalize(d).ok());
    let candidates = dir
        .ancestors()
        .chain(cwd.iter().flat_map(|c| c.ancestors()));
    for ancestor in candidates {
        let schema = ancestor.join("schemas").join(SCHEMA_FILE);
        if schema.is_file() {
            return relative(&dir, &schema);
        }
    }
    None
}

/// `path` made absolute through its nearest existing ancestor (DIR may not exist yet).
fn absolute(path: &Path) -> Option<PathBuf> {
    let path = std::path::absolute(path).ok()?;
    let mut tail = Vec::new();
    let mut existing = path.as_path();
    while !existing.exists() {
        tail.push(existing.file_name()?.to_os_string());
        existing = existing.parent()?;
    }
    let mut out = std::fs::canonicalize(existing).ok()?;
    for part in tail.iter().rev() {
        if part == ".." {
            out.pop();
        } else if part != "." {
            out.push(part);
        }
    }
    Some(out)
}

/// `to` relative to the folder `from` (both absolute), with `/` separators.
fn relative(from: &Path, to: &Path) -> Option<String> {
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return None;
    }
    let mut parts: Vec<String> = vec!["..".into(); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    Some(parts.join("/"))
}

fn translations_readme(code: &str) -> String {
    format!(
        "# Translations\n\n\
         One sheet per language. Export the texts to translate (the sheet lists every text of the\n\
         built package with its current translation), fill the translation column, then name the\n\
         file under `languages.translations` in `../country.yaml`:\n\n\
         ```sh\n\
         crtk translations export country.yaml --locale fr --out translations/fr.xlsx\n\
         ```\n\n\
         Translations of {code}'s own texts (area names, source types) are in the same sheet.\n"
    )
}

struct Scaffold<'a> {
    code: &'a str,
    name: &'a str,
    levels: &'a [String],
    areas: &'a Areas,
    schema: &'a str,
    groups: &'a [String],
    base_version: Option<&'a str>,
    base: Option<&'a Path>,
}

/// YAML double-quoted scalar.
fn quote(text: &str) -> String {
    serde_json::to_string(text).expect("a string serialises")
}

fn config_yaml(s: &Scaffold) -> String {
    let cc = s.code.to_ascii_lowercase();
    let version = format!("{}-{cc}.1.0", s.base_version.unwrap_or("1.0.1"));
    let mut y = String::new();
    let mut line = |text: &str| {
        y.push_str(text);
        y.push('\n');
    };
    line(&format!("# yaml-language-server: $schema={}", s.schema));
    line(&format!(
        "# {}: country config written by `crtk init`. Reference: docs/config.md.",
        s.name
    ));
    line("# Build it:  crtk build country.yaml --out dist   (exit 0: the package is in dist/)");
    line("# Lines starting with `#` are examples: uncomment and adapt them.");
    line("country:");
    line(&format!(
        "  code: {}        # ISO 3166 code; also the namespace of the new UIDs: never change it",
        s.code
    ));
    line(&format!("  name: {}", quote(s.name)));
    line("package:");
    line(&format!(
        "  # <base version>-<cc>.<major>.<minor> (docs/config.md: Versions): raise the minor for each\n  # release of {}'s package, the major (minor back to 0) when it breaks something",
        s.name
    ));
    line(&format!("  version: {version}"));
    line("  locale: en              # the language of the package's own texts");
    match s.base {
        Some(base) => line(&format!(
            "  # base: {}   # the base package init read; default: the NCD_CR base shipped with crtk",
            quote(&base.display().to_string())
        )),
        None => line("  # base: NCD_CR_1.0.1.json  # default: the NCD_CR base shipped with crtk"),
    }
    line(
        "  # previous: ../dist/gh/previous.json   # the last release, for diffs and release notes",
    );
    line("validate:");
    line("  # PLACEHOLDERS: the base's placeholder source types (and the example areas below) are");
    line("  # still in; this lets the build pass with warning CR806 until you replace them.");
    line("  # Set it to false (or delete it) once `source_types` and the areas are real.");
    line("  allow_placeholders: true");
    line("  # external: [bjDvmb4bfuf]   # UIDs the target instance already has");
    line("address:");
    line("  levels:");
    for level in s.levels {
        line(&format!("    - {}", quote(level)));
    }
    let longest = s.levels.len().max(5);
    line(&format!(
        "  code_length: {longest}            # the CanReg5 address variable's code length"
    ));
    line("  areas:");
    if s.areas.template {
        line(&format!(
            "    # PLACEHOLDERS: {} holds example areas; replace its rows with the real ones",
            s.areas.file
        ));
        line("    # (one row per leaf, the codes of the CanReg5 address dictionary).");
    }
    line("    csv:");
    line(&format!("      file: {}", quote(&s.areas.file)));
    match &s.areas.source {
        Source::Wide(pairs) => {
            line("      columns:               # level -> its code and name columns (by header)");
            for (level, (code, name)) in s.levels.iter().zip(pairs) {
                line(&format!(
                    "        {}: {{ code: {}, name: {} }}",
                    quote(level),
                    quote(code),
                    quote(name)
                ));
            }
        }
        Source::Long { code, name, parent } => {
            line("      # one row per area with its parent's code (empty for the top level)");
            line(&format!("      code: {}", quote(code)));
            line(&format!("      name: {}", quote(name)));
            line(&format!("      parent: {}", quote(parent)));
        }
    }
    line("  # fixes:                   # corrections of defects in the data, with the reason");
    line(&format!(
        "  #   - level: {}",
        quote(s.levels.last().expect("levels"))
    ));
    line("  #     code: \"0\"");
    line("  #     set_code: \"158\"");
    line("  #     reason: the source numbers it 0; the dictionary numbers it 158");
    line(
        "# The local source types replace the base's placeholders (codes of the CanReg5 source dictionary):",
    );
    line("# source_types:");
    line("#   - { code: \"11\", name: Teaching hospital }");
    line("#   - { code: \"31\", name: Pathology laboratory }");
    line("#   - { code: \"40\", name: Death certificate }");
    line("patient_id:");
    line("  # A DHIS2 TextPattern. A text segment is double-quoted inside the YAML string, e.g.");
    line(&format!(
        "  # pattern: '\"{}-\" + CURRENT_DATE(yyyy) + SEQUENTIAL(####)'",
        s.code
    ));
    line("  pattern: CURRENT_DATE(yyyy) + SEQUENTIAL(####)");
    line("  canreg5_regno_length: 8   # CanReg5's RegNo length; the build warns when it changes");
    line("# Extra person attributes; `pattern` is a regular expression checked on entry:");
    line("# identifiers:");
    line("#   - name: National ID");
    line(&format!("#     code: {}_NID", s.code));
    line("#     unique: true");
    line(&format!("#     pattern: \"^{}-[0-9]{{9}}-[0-9]$\"", s.code));
    line(&format!(
        "#     pattern_message: {} national IDs look like {}-123456789-0",
        s.name, s.code
    ));
    line("# The CR user groups of the base, mapped to the groups the target instance already has");
    line("# (their UIDs there); unmapped groups are imported as new groups:");
    line("# access:");
    line("#   user_groups:");
    for (i, group) in s.groups.iter().enumerate() {
        line(&format!("#     {}: Ab{:09}", quote(group), i + 1));
    }
    line("#   org_units: [ImspTQPwCqd]   # assign the program to these org units");
    line(
        "# Translations: export a sheet with `crtk translations export` (see translations/README.md):",
    );
    line("# languages:");
    line("#   default: en");
    line("#   translations:");
    line("#     fr: translations/fr.xlsx");
    y
}
