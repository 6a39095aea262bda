//! Program rules, variables and actions as DHIS2's object bundle hooks check them on import:
//! rule names (E4057), variable names (E4051, E4052), variable sources (E4059, E4089-E4092),
//! action types and targets (E4033-E4050, E4058).

use super::fast::{FastMap, FastSet};
use super::references::{program_attributes, stage_data_elements};
use super::{Ctx, objects, ref_id, ref_ids, str_prop};
use serde_json::{Map, Value};

/// DHIS2 2.40 `ProgramRuleActionType`.
pub const ACTION_TYPES: &[&str] = &[
    "DISPLAYTEXT",
    "DISPLAYKEYVALUEPAIR",
    "HIDEFIELD",
    "HIDESECTION",
    "HIDEPROGRAMSTAGE",
    "ASSIGN",
    "SHOWWARNING",
    "WARNINGONCOMPLETE",
    "SHOWERROR",
    "ERRORONCOMPLETE",
    "CREATEEVENT",
    "SETMANDATORYFIELD",
    "SENDMESSAGE",
    "SCHEDULEMESSAGE",
    "HIDEOPTION",
    "SHOWOPTIONGROUP",
    "HIDEOPTIONGROUP",
];

/// The data elements and attributes of each program, and the program of each rule.
pub(crate) struct Programs<'a> {
    pub data_elements: FastMap<&'a str, FastSet<&'a str>>,
    pub attributes: FastMap<&'a str, FastSet<&'a str>>,
}

impl<'a> Programs<'a> {
    pub fn new(ctx: &Ctx<'a>) -> Self {
        let package = ctx.package;
        let mut data_elements: FastMap<&str, FastSet<&str>> = FastMap::default();
        let mut attributes: FastMap<&str, FastSet<&str>> = FastMap::default();
        let mut stage_program: FastMap<&str, &str> = FastMap::default();
        for (_, program) in objects(package, "programs") {
            let Some(pid) = str_prop(program, "id") else {
                continue;
            };
            for sid in ref_ids(program, "programStages") {
                stage_program.insert(sid, pid);
            }
            attributes
                .entry(pid)
                .or_default()
                .extend(program_attributes(program));
            data_elements.entry(pid).or_default();
        }
        for (_, stage) in objects(package, "programStages") {
            let Some(sid) = str_prop(stage, "id") else {
                continue;
            };
            let pid = stage_program
                .get(sid)
                .copied()
                .or_else(|| ref_id(stage, "program"));
            if let Some(pid) = pid {
                data_elements
                    .entry(pid)
                    .or_default()
                    .extend(stage_data_elements(stage));
            }
        }
        Programs {
            data_elements,
            attributes,
        }
    }
}

pub(super) fn run(ctx: &mut Ctx) {
    let package = ctx.package;
    let programs = Programs::new(ctx);
    rules(ctx);
    variables(ctx, &programs);
    // rule id -> program id
    let rule_program: FastMap<&str, &str> = objects(package, "programRules")
        .filter_map(|(_, r)| Some((str_prop(r, "id")?, ref_id(r, "program")?)))
        .collect();
    for (i, action) in objects(package, "programRuleActions") {
        let program = ref_id(action, "programRule").and_then(|r| rule_program.get(r).copied());
        check_action(ctx, i, action, program, &programs);
    }
}

fn rules(ctx: &mut Ctx) {
    let package = ctx.package;
    let mut seen: FastMap<(&str, &str), &str> = FastMap::default();
    for (i, rule) in objects(package, "programRules") {
        let (Some(program), Some(name)) = (ref_id(rule, "program"), str_prop(rule, "name")) else {
            continue;
        };
        let id = str_prop(rule, "id").unwrap_or("?");
        if let Some(other) = seen.get(&(program, name)) {
            ctx.report(
                "E4057",
                "programRules",
                rule,
                format!("programRules[{i}].name"),
                format!(
                    "the program rule name `{name}` is already used by rule `{other}` of program `{program}`: rename one"
                ),
            );
        } else {
            seen.insert((program, name), id);
        }
    }
}

fn variables(ctx: &mut Ctx, programs: &Programs) {
    let package = ctx.package;
    let mut seen: FastMap<(&str, &str), &str> = FastMap::default();
    for (i, var) in objects(package, "programRuleVariables") {
        let at = |p: &str| format!("programRuleVariables[{i}]{p}");
        let program = ref_id(var, "program");
        let name = str_prop(var, "name");
        if let (Some(program), Some(name)) = (program, name) {
            let id = str_prop(var, "id").unwrap_or("?");
            if let Some(other) = seen.get(&(program, name)) {
                ctx.report(
                    "E4051",
                    "programRuleVariables",
                    var,
                    at(".name"),
                    format!(
                        "a program rule variable named `{name}` already exists in program `{program}` (`{other}`): rename one"
                    ),
                );
            } else {
                seen.insert((program, name), id);
            }
        }
        if let Some(name) = name
            && name
                .split_whitespace()
                .any(|w| matches!(w, "and" | "or" | "not"))
        {
            ctx.report(
                "E4052",
                "programRuleVariables",
                var,
                at(".name"),
                format!(
                    "variable name `{name}` contains the word and, or or not, which DHIS2 forbids: rename it (e.g. with `_`)"
                ),
            );
        }
        let source = str_prop(var, "programRuleVariableSourceType").unwrap_or("");
        let de = ref_id(var, "dataElement");
        let tea = ref_id(var, "trackedEntityAttribute");
        if source == "DATAELEMENT_NEWEST_EVENT_PROGRAM_STAGE"
            && ref_id(var, "programStage").is_none()
        {
            ctx.report(
                "E4059",
                "programRuleVariables",
                var,
                at(".programStage"),
                format!("source type {source} needs a `programStage`"),
            );
        }
        if source.starts_with("DATAELEMENT_") {
            match de {
                None => ctx.report(
                    "E4089",
                    "programRuleVariables",
                    var,
                    at(".dataElement"),
                    format!("source type {source} needs a `dataElement`"),
                ),
                Some(de) => {
                    if let Some(des) = program.and_then(|p| programs.data_elements.get(p))
                        && ctx.get("dataElements", de).is_some()
                        && !des.contains(de)
                    {
                        ctx.report(
                            "E4091",
                            "programRuleVariables",
                            var,
                            at(".dataElement"),
                            format!(
                                "data element `{de}` is in no stage of program `{}`: add it to a stage or pick another",
                                program.unwrap_or("?")
                            ),
                        );
                    }
                }
            }
        }
        if source == "TEI_ATTRIBUTE" {
            match tea {
                None => ctx.report(
                    "E4090",
                    "programRuleVariables",
                    var,
                    at(".trackedEntityAttribute"),
                    format!("source type {source} needs a `trackedEntityAttribute`"),
                ),
                Some(tea) => {
                    if let Some(attrs) = program.and_then(|p| programs.attributes.get(p))
                        && ctx.get("trackedEntityAttributes", tea).is_some()
                        && !attrs.contains(tea)
                    {
                        ctx.report(
                            "E4092",
                            "programRuleVariables",
                            var,
                            at(".trackedEntityAttribute"),
                            format!(
                                "attribute `{tea}` is not an attribute of program `{}`: add it to programTrackedEntityAttributes or pick another",
                                program.unwrap_or("?")
                            ),
                        );
                    }
                }
            }
        }
    }
}

fn check_action(
    ctx: &mut Ctx,
    i: usize,
    action: &Map<String, Value>,
    program: Option<&str>,
    programs: &Programs,
) {
    const K: &str = "programRuleActions";
    let at = |p: &str| format!("programRuleActions[{i}]{p}");
    let Some(kind) = str_prop(action, "programRuleActionType") else {
        return; // E4000
    };
    if !ACTION_TYPES.contains(&kind) {
        ctx.report(
            "E4033",
            K,
            action,
            at(".programRuleActionType"),
            format!(
                "`{kind}` is not a program rule action type: use one of {}",
                ACTION_TYPES.join(", ")
            ),
        );
        return;
    }
    let de = ref_id(action, "dataElement");
    let tea = ref_id(action, "trackedEntityAttribute");
    // The target field's option set, when the field exists.
    let mut target_set: Option<&str> = None;
    if let Some(de) = de {
        if let Some(obj) = ctx.get("dataElements", de) {
            target_set = ref_id(obj, "optionSet");
            if let Some(des) = program.and_then(|p| programs.data_elements.get(p))
                && !des.contains(de)
            {
                ctx.report(
                    "E4047",
                    K,
                    action,
                    at(".dataElement"),
                    format!(
                        "data element `{de}` is not in any stage of the rule's program `{}`",
                        program.unwrap_or("?")
                    ),
                );
            }
        } else if !ctx.is_external(de) {
            ctx.report(
                "E4045",
                K,
                action,
                at(".dataElement"),
                format!("data element `{de}` does not exist"),
            );
        }
    }
    if let Some(tea) = tea {
        if let Some(obj) = ctx.get("trackedEntityAttributes", tea) {
            target_set = target_set.or(ref_id(obj, "optionSet"));
            if let Some(attrs) = program.and_then(|p| programs.attributes.get(p))
                && !attrs.contains(tea)
            {
                ctx.report(
                    "E4048",
                    K,
                    action,
                    at(".trackedEntityAttribute"),
                    format!(
                        "attribute `{tea}` is not an attribute of the rule's program `{}`",
                        program.unwrap_or("?")
                    ),
                );
            }
        } else if !ctx.is_external(tea) {
            ctx.report(
                "E4046",
                K,
                action,
                at(".trackedEntityAttribute"),
                format!("tracked entity attribute `{tea}` does not exist"),
            );
        }
    }
    let needs_field = matches!(
        kind,
        "HIDEFIELD" | "SETMANDATORYFIELD" | "HIDEOPTION" | "SHOWOPTIONGROUP" | "HIDEOPTIONGROUP"
    );
    if needs_field && de.is_none() && tea.is_none() {
        ctx.report(
            "E4044",
            K,
            action,
            at(".dataElement"),
            format!("{kind} needs a `dataElement` or a `trackedEntityAttribute`"),
        );
    }
    if kind == "ASSIGN"
        && de.is_none()
        && tea.is_none()
        && str_prop(action, "content").is_none_or(|c| c.trim().is_empty())
    {
        ctx.report(
            "E4050",
            K,
            action,
            at(".dataElement"),
            "ASSIGN needs a `dataElement`, a `trackedEntityAttribute` or a variable in `content`"
                .into(),
        );
    }
    match kind {
        "HIDESECTION" => match ref_id(action, "programStageSection") {
            None => ctx.report(
                "E4036",
                K,
                action,
                at(".programStageSection"),
                "HIDESECTION needs a `programStageSection`".into(),
            ),
            Some(s) if ctx.get("programStageSections", s).is_none() && !ctx.is_external(s) => ctx
                .report(
                    "E4037",
                    K,
                    action,
                    at(".programStageSection"),
                    format!("program stage section `{s}` does not exist"),
                ),
            _ => {}
        },
        "HIDEPROGRAMSTAGE" | "CREATEEVENT" => match ref_id(action, "programStage") {
            None => ctx.report(
                "E4038",
                K,
                action,
                at(".programStage"),
                format!("{kind} needs a `programStage`"),
            ),
            Some(s) if ctx.get("programStages", s).is_none() && !ctx.is_external(s) => ctx.report(
                "E4039",
                K,
                action,
                at(".programStage"),
                format!("program stage `{s}` does not exist"),
            ),
            _ => {}
        },
        "SENDMESSAGE" | "SCHEDULEMESSAGE" => match str_prop(action, "templateUid") {
            None => ctx.report(
                "E4035",
                K,
                action,
                at(".templateUid"),
                format!("{kind} needs a `templateUid` naming a program notification template"),
            ),
            Some(t)
                if ctx.get("programNotificationTemplates", t).is_none() && !ctx.is_external(t) =>
            {
                ctx.report(
                    "E4034",
                    K,
                    action,
                    at(".templateUid"),
                    format!("program notification template `{t}` does not exist"),
                )
            }
            _ => {}
        },
        "HIDEOPTION" => match ref_id(action, "option") {
            None => ctx.report(
                "E4040",
                K,
                action,
                at(".option"),
                "HIDEOPTION needs an `option`".into(),
            ),
            Some(o) => match ctx.get("options", o) {
                None if !ctx.is_external(o) => ctx.report(
                    "E4041",
                    K,
                    action,
                    at(".option"),
                    format!("option `{o}` does not exist"),
                ),
                Some(option) => {
                    let option_set = ref_id(option, "optionSet");
                    if let Some(target) = target_set
                        && let Some(set) = ctx.get("optionSets", target)
                        && !ref_ids(set, "options").contains(&o)
                    {
                        ctx.report(
                            "E4058",
                            K,
                            action,
                            at(".option"),
                            format!(
                                "option `{o}`{} is not an option of the target field's set `{target}`: HIDEOPTION would hide nothing",
                                option_set.map(|s| format!(" (of set `{s}`)")).unwrap_or_default()
                            ),
                        );
                    }
                }
                None => {}
            },
        },
        "SHOWOPTIONGROUP" | "HIDEOPTIONGROUP" => match ref_id(action, "optionGroup") {
            None => ctx.report(
                "E4042",
                K,
                action,
                at(".optionGroup"),
                format!("{kind} needs an `optionGroup`"),
            ),
            Some(g) => match ctx.get("optionGroups", g) {
                None if !ctx.is_external(g) => ctx.report(
                    "E4043",
                    K,
                    action,
                    at(".optionGroup"),
                    format!("option group `{g}` does not exist"),
                ),
                Some(group) => {
                    let group_set = ref_id(group, "optionSet");
                    if let (Some(target), Some(group_set)) = (target_set, group_set)
                        && target != group_set
                    {
                        ctx.report(
                            "E4058",
                            K,
                            action,
                            at(".optionGroup"),
                            format!(
                                "option group `{g}` belongs to set `{group_set}`, but the target field uses set `{target}`"
                            ),
                        );
                    }
                }
                None => {}
            },
        },
        _ => {}
    }
}
