// Test driver: runs expressions and program rules through the real DHIS2 rule
// engine (@dhis2/rule-engine, the Kotlin/JS build used by DHIS2 itself).
//
// Protocol: ONE JSON request on stdin, ONE JSON response on stdout.
// On any error: a message on stderr and a non-zero exit code.
// See README.md in this folder for the request/response formats.
//
// The mapping from DHIS2 metadata to the engine's model follows what the DHIS2
// server does (dhis2-core: DefaultProgramRuleEntityMapperService and
// DefaultProgramRuleEngine):
//  - validation item store: rule-variable name -> (display name, value type of
//    its field), constant uid -> NUMBER, environment variable -> its type;
//  - evaluation: RuleEngineContext(rules, variables, {}, constants) and
//    evaluateAll(enrollment, events), from which the target event's effects are
//    picked.

// Must come first: it has to see the engine's modules being defined.
import { parseCache } from './parse-cache.mjs';
import {
  DataItemJs,
  ItemValueType,
  Option,
  RuleActionJs,
  RuleAttributeValue,
  RuleDataValue,
  RuleEngineContextJs,
  RuleEngineJs,
  RuleEnrollmentJs,
  RuleEnrollmentStatus,
  RuleEventJs,
  RuleEventStatus,
  RuleJs,
  RuleValueType,
  RuleVariableJs,
  RuleVariableType,
  TrackerObjectType,
} from '@dhis2/rule-engine';
// The expression parser ships inside the rule-engine package; it is used only
// to explain *why* the engine rejected an expression (the engine itself reports
// just "N error(s), M warning(s)").
import {
  ExpressionJs,
  ExpressionMode,
} from './node_modules/@dhis2/rule-engine/expression-parser.mjs'; // not in the package's "exports"
import { Instant, LocalDate, LocalDateTime, ZoneId } from '@js-joda/core';

// ---------------------------------------------------------------------------
// DHIS2 value types -> engine types (dhis2-core ValueType.isDate/isNumeric/...)
// ---------------------------------------------------------------------------

const DATE_TYPES = new Set(['DATE', 'DATETIME', 'AGE']);
const NUMERIC_TYPES = new Set([
  'INTEGER',
  'INTEGER_POSITIVE',
  'INTEGER_NEGATIVE',
  'INTEGER_ZERO_OR_POSITIVE',
  'NUMBER',
  'UNIT_INTERVAL',
  'PERCENTAGE',
]);
const BOOLEAN_TYPES = new Set(['BOOLEAN', 'TRUE_ONLY']);

/** ItemValueType used by validation (default TEXT). */
function itemValueType(valueType) {
  if (DATE_TYPES.has(valueType)) return ItemValueType.DATE;
  if (NUMERIC_TYPES.has(valueType)) return ItemValueType.NUMBER;
  if (BOOLEAN_TYPES.has(valueType)) return ItemValueType.BOOLEAN;
  return ItemValueType.TEXT;
}

/** RuleValueType used by evaluation (default TEXT). */
function ruleValueType(valueType) {
  if (BOOLEAN_TYPES.has(valueType)) return RuleValueType.BOOLEAN;
  if (NUMERIC_TYPES.has(valueType)) return RuleValueType.NUMERIC;
  if (DATE_TYPES.has(valueType)) return RuleValueType.DATE;
  return RuleValueType.TEXT;
}

// Environment variables DHIS2 puts in the validation store, with their types
// (rule engine RuleEngineUtils.ENV_VARIABLES; the *_id ones really are NUMBER).
const ENV_VARIABLES = {
  completed_date: 'DATE',
  current_date: 'DATE',
  event_date: 'DATE',
  incident_date: 'DATE',
  enrollment_date: 'DATE',
  due_date: 'DATE',
  event_count: 'NUMBER',
  tei_count: 'NUMBER',
  enrollment_count: 'NUMBER',
  event_id: 'NUMBER',
  program_stage_id: 'NUMBER',
  enrollment_id: 'NUMBER',
  enrollment_status: 'TEXT',
  event_status: 'TEXT',
  org_unit: 'TEXT',
  orgunit_code: 'TEXT',
  environment: 'TEXT',
  program_name: 'TEXT',
  program_stage_name: 'TEXT',
};

// ---------------------------------------------------------------------------
// Metadata helpers
// ---------------------------------------------------------------------------

const ref = (x) => (x && typeof x === 'object' ? x.id ?? null : x ?? null);

function byId(list) {
  const m = new Map();
  for (const o of list ?? []) m.set(o.id, o);
  return m;
}

function sourceType(prv) {
  const t = prv.programRuleVariableSourceType ?? prv.sourceType;
  if (!t) throw new Error(`programRuleVariable ${prv.id ?? prv.name} has no programRuleVariableSourceType`);
  return t;
}

/** Index of the metadata a package holds, with lookups that fail loudly. */
class Metadata {
  constructor(pkg) {
    this.pkg = pkg ?? {};
    this.dataElements = byId(pkg.dataElements);
    this.attributes = byId(pkg.trackedEntityAttributes);
    this.optionSets = byId(pkg.optionSets);
    this.optionsBySet = new Map();
    const options = byId(pkg.options);
    for (const set of pkg.optionSets ?? []) {
      let opts;
      if (Array.isArray(set.options) && set.options.length > 0) {
        // The set lists its options (by reference or inline), in order.
        opts = set.options.map((o) => options.get(ref(o)) ?? o);
      } else {
        opts = (pkg.options ?? [])
          .filter((o) => ref(o.optionSet) === set.id)
          .sort((a, b) => (a.sortOrder ?? 0) - (b.sortOrder ?? 0));
      }
      this.optionsBySet.set(set.id, opts);
    }
  }

  dataElement(id) {
    const de = this.dataElements.get(id);
    if (!de) throw new Error(`unknown dataElement ${id}`);
    return de;
  }

  attribute(id) {
    const tea = this.attributes.get(id);
    if (!tea) throw new Error(`unknown trackedEntityAttribute ${id}`);
    return tea;
  }

  /** The DE or TEA a rule variable reads, or null for CALCULATED_VALUE. */
  fieldOf(prv) {
    const st = sourceType(prv);
    if (st === 'CALCULATED_VALUE') return null;
    if (st === 'TEI_ATTRIBUTE') return this.attribute(ref(prv.trackedEntityAttribute));
    return this.dataElement(ref(prv.dataElement));
  }

  /** DHIS2 value type of the variable (its field's, or its own when calculated). */
  valueTypeOf(prv) {
    const field = this.fieldOf(prv);
    return field ? field.valueType : prv.valueType ?? 'TEXT';
  }

  /** Program rule variables, restricted to one program when programId is given. */
  variables(programId) {
    return (this.pkg.programRuleVariables ?? []).filter(
      (v) => !programId || ref(v.program) === programId,
    );
  }
}

// ---------------------------------------------------------------------------
// validate
// ---------------------------------------------------------------------------

/**
 * Item store as DHIS2 builds it for /api/programRules/condition/description:
 * key -> DataItemJs(displayName, ItemValueType).
 */
function buildItemStore(meta, programId) {
  const store = new Map();
  for (const prv of meta.variables(programId)) {
    const field = meta.fieldOf(prv);
    let display;
    if (!field) display = prv.displayName ?? prv.name;
    else if (sourceType(prv) === 'TEI_ATTRIBUTE') display = field.displayName ?? field.displayFormName ?? field.name;
    else display = field.displayFormName ?? field.formName ?? field.name;
    store.set(prv.name ?? prv.displayName, new DataItemJs(display ?? prv.name, itemValueType(meta.valueTypeOf(prv))));
  }
  for (const c of meta.pkg.constants ?? []) {
    store.set(c.id, new DataItemJs(c.displayName ?? c.displayFormName ?? c.name ?? c.id, ItemValueType.NUMBER));
  }
  for (const [name, type] of Object.entries(ENV_VARIABLES)) {
    store.set(name, new DataItemJs(name, ItemValueType[type]));
  }
  return store;
}

// Field names of IllegalExpressionException / Issue in this exact (pinned)
// build of the expression parser; only used to produce diagnostics.
const ISSUE_LISTS = ['v1g_1', 'w1g_1'];
const ISSUE_MESSAGE = 'y1g_1';

/** Best-effort explanation of a rejection: the parser's own error/warning texts. */
function explain(expression, mode, store) {
  const types = new Map();
  for (const [k, item] of store) types.set(k, item.valueType.toValueType().name);
  try {
    new ExpressionJs(expression, mode).validate(types);
  } catch (e) {
    const issues = [];
    for (const [i, key] of ISSUE_LISTS.entries()) {
      const list = e?.[key];
      if (list && typeof list.toArray === 'function') {
        for (const issue of list.toArray()) {
          issues.push(`${i === 0 ? 'error' : 'warning'}: ${issue?.[ISSUE_MESSAGE] ?? String(issue)}`);
        }
      }
    }
    if (issues.length === 0 && e?.message) issues.push(e.message);
    return issues;
  }
  return [];
}

function validate(req, engine) {
  const meta = new Metadata(req.program ?? {});
  const store = buildItemStore(meta, req.programId);
  return {
    results: (req.expressions ?? []).map(({ expression, kind }) => {
      let r;
      let mode;
      if (kind === 'condition') {
        r = engine.validate(expression, store);
        mode = ExpressionMode.RULE_ENGINE_CONDITION;
      } else if (kind === 'data') {
        r = engine.validateDataFieldExpression(expression, store);
        mode = ExpressionMode.RULE_ENGINE_ACTION;
      } else {
        throw new Error(`expression kind must be "condition" or "data", got ${JSON.stringify(kind)}`);
      }
      if (r.valid) return { valid: true, message: r.description ?? '', issues: [] };
      return {
        valid: false,
        message: r.errorMessage ?? String(r.exception?.message ?? 'invalid'),
        issues: explain(expression, mode, store),
      };
    }),
  };
}

// ---------------------------------------------------------------------------
// evaluate
// ---------------------------------------------------------------------------

const VARIABLE_TYPES = {
  DATAELEMENT_NEWEST_EVENT_PROGRAM_STAGE: RuleVariableType.DATAELEMENT_NEWEST_EVENT_PROGRAM_STAGE,
  DATAELEMENT_NEWEST_EVENT_PROGRAM: RuleVariableType.DATAELEMENT_NEWEST_EVENT_PROGRAM,
  DATAELEMENT_CURRENT_EVENT: RuleVariableType.DATAELEMENT_CURRENT_EVENT,
  DATAELEMENT_PREVIOUS_EVENT: RuleVariableType.DATAELEMENT_PREVIOUS_EVENT,
  CALCULATED_VALUE: RuleVariableType.CALCULATED_VALUE,
  TEI_ATTRIBUTE: RuleVariableType.TEI_ATTRIBUTE,
};

function toRuleVariable(meta, prv) {
  const st = sourceType(prv);
  const type = VARIABLE_TYPES[st];
  if (!type) throw new Error(`programRuleVariable ${prv.name}: unsupported source type ${st}`);
  const field = meta.fieldOf(prv);
  const useCode = prv.useCodeForOptionSet === true;
  // As on the server: options only when names (not codes) are wanted.
  let options = [];
  const setId = field ? ref(field.optionSet) : null;
  if (!useCode && setId) {
    options = (meta.optionsBySet.get(setId) ?? []).map((o) => new Option(o.name, o.code));
  }
  return new RuleVariableJs(
    type,
    prv.name,
    useCode,
    options,
    field ? field.id : prv.id,
    ruleValueType(meta.valueTypeOf(prv)),
    ref(prv.programStage),
  );
}

function toRuleAction(pra) {
  const values = new Map();
  const de = ref(pra.dataElement);
  const tea = ref(pra.trackedEntityAttribute);
  values.set('attributeType', de ? 'DATA_ELEMENT' : tea ? 'TRACKED_ENTITY_ATTRIBUTE' : 'UNKNOWN');
  if (de || tea) values.set('field', de ?? tea);
  if (pra.content != null) values.set('content', pra.content);
  // Not read by the engine, carried through to the effect for reporting.
  values.set('actionId', pra.id);
  for (const [key, prop] of [
    ['optionGroup', 'optionGroup'],
    ['option', 'option'],
    ['programStage', 'programStage'],
    ['programStageSection', 'programStageSection'],
  ]) {
    if (ref(pra[prop])) values.set(key, ref(pra[prop]));
  }
  if (pra.location) values.set('location', pra.location);
  return new RuleActionJs(pra.data ?? null, pra.programRuleActionType, values);
}

function buildContext(meta, programId) {
  const pkg = meta.pkg;
  const program = (pkg.programs ?? []).find((p) => p.id === programId);
  if (!program) throw new Error(`program ${programId} not found in package`);
  const actionsById = byId(pkg.programRuleActions);
  const rules = (pkg.programRules ?? [])
    .filter((r) => ref(r.program) === programId)
    .map((r) => {
      let actions = (r.programRuleActions ?? []).map((a) => actionsById.get(ref(a)) ?? a);
      if (actions.length === 0) {
        actions = (pkg.programRuleActions ?? []).filter((a) => ref(a.programRule) === r.id);
      }
      return new RuleJs(
        r.condition ?? '',
        actions.map(toRuleAction),
        r.id,
        r.name ?? null,
        ref(r.programStage) ?? '',
        r.priority ?? null,
      );
    });
  const variables = meta.variables(programId).map((v) => toRuleVariable(meta, v));
  // The server passes constants as Double.toString(value).
  const constants = new Map(
    (pkg.constants ?? []).map((c) => {
      const v = Number(c.value ?? 0);
      return [c.id, Number.isInteger(v) ? `${v}.0` : String(v)];
    }),
  );
  const stageNames = new Map((pkg.programStages ?? []).map((s) => [s.id, s.name ?? s.id]));
  return { program, context: new RuleEngineContextJs(rules, variables, new Map(), constants), stageNames };
}

/** "YYYY-MM-DD" (or a local date-time) -> LocalDate. */
function localDate(s, what) {
  if (typeof s !== 'string' || s.length < 10) throw new Error(`${what}: expected a date "YYYY-MM-DD", got ${JSON.stringify(s)}`);
  return s.length === 10 ? LocalDate.parse(s) : LocalDateTime.parse(s.replace(/Z$/, '')).toLocalDate();
}

/** A date or local date-time -> Instant in the system zone (the engine converts back with it). */
function instant(s, what) {
  if (typeof s !== 'string') throw new Error(`${what}: expected a date, got ${JSON.stringify(s)}`);
  if (s.length === 10) return LocalDate.parse(s).atStartOfDay(ZoneId.SYSTEM).toInstant();
  if (s.endsWith('Z')) return Instant.parse(s);
  return LocalDateTime.parse(s).atZone(ZoneId.SYSTEM).toInstant();
}

function toRuleEvent(ev, id, stageNames, orgUnit) {
  if (!ev || !ev.programStage) throw new Error(`event ${id}: programStage is required`);
  const date = instant(ev.eventDate ?? ev.occurredAt, `event ${id} eventDate`);
  const dataValues = Object.entries(ev.dataValues ?? {})
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([de, v]) => new RuleDataValue(de, String(v)));
  return new RuleEventJs(
    id,
    ev.programStage,
    stageNames.get(ev.programStage) ?? ev.programStage,
    RuleEventStatus[ev.status ?? 'ACTIVE'],
    date,
    date,
    ev.dueDate ? localDate(ev.dueDate, `event ${id} dueDate`) : null,
    ev.completedDate ? localDate(ev.completedDate, `event ${id} completedDate`) : null,
    orgUnit,
    null,
    dataValues,
  );
}

function toRuleEnrollment(en, id, program, orgUnit) {
  const enrollmentDate = localDate(en.enrollmentDate, `enrollment ${id} enrollmentDate`);
  const incidentDate = en.incidentDate ? localDate(en.incidentDate, `enrollment ${id} incidentDate`) : enrollmentDate;
  const attributes = Object.entries(en.attributes ?? {})
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([tea, v]) => new RuleAttributeValue(tea, String(v)));
  return new RuleEnrollmentJs(
    id,
    program.name ?? program.id,
    incidentDate,
    enrollmentDate,
    RuleEnrollmentStatus[en.status ?? 'ACTIVE'],
    orgUnit,
    null,
    attributes,
  );
}

function effectToJson(effect) {
  const a = effect.ruleAction;
  const v = a.values;
  return {
    rule: effect.ruleId,
    action: v.get('actionId') ?? null,
    type: a.type,
    field: v.get('field') ?? null,
    optionGroup: v.get('optionGroup') ?? null,
    option: v.get('option') ?? null,
    data: effect.data ?? null,
    content: v.get('content') ?? null,
  };
}

function evaluate(req, engine) {
  const meta = new Metadata(req.package ?? {});
  const { program, context, stageNames } = buildContext(meta, req.programId);
  const orgUnit = req.orgUnit ?? 'OrgUnitUid01';
  const opts = evaluateOptions(req, meta);
  // Identical cases give identical results (generated test sets repeat a lot):
  // evaluate each distinct case once.
  const memo = new Map();
  const results = (req.cases ?? []).map((c) => {
    const key = JSON.stringify(c);
    if (!memo.has(key)) memo.set(key, evaluateCase(engine, context, program, stageNames, orgUnit, c, opts));
    return memo.get(key);
  });
  return { results };
}

/**
 * Optional request fields (all off by default, so older requests behave as before):
 *  - "settle": true | {"maxRounds": n}  as DHIS2 Capture does after each change:
 *    write the target event's ASSIGN effects back into its data values (an empty
 *    value clears the field) and evaluate again, until the values stop changing.
 *    Each result then also has "values" (the settled data values), "rounds" and
 *    "settled" (false when maxRounds, default 25, was reached first). Fields a
 *    HIDEFIELD hides are emptied, as Capture does (`{"clearHidden": false}` keeps them). A case may
 *    add "steps": data values entered afterwards, in order, each settled in turn.
 *  - "parseCache": false  parse every expression on every evaluation, as the engine
 *    does on its own (see parse-cache.mjs; on by default, same results).
 */
function evaluateOptions(req, meta) {
  const settle = req.settle === true ? {} : req.settle || null;
  return {
    settle: settle ? { maxRounds: settle.maxRounds ?? 25, clearHidden: settle.clearHidden !== false } : null,
    dataElements: meta.dataElements,
  };
}

// Each case is evaluated on its own, so its objects can use fixed ids (they
// appear in the engine's ERROR messages).
const TARGET_EVENT = 'targetEvent';
const ENROLLMENT = 'enrollment';

function evaluateOnce(engine, context, program, stageNames, orgUnit, c, opts) {
  const target = toRuleEvent(c.event, TARGET_EVENT, stageNames, orgUnit);
  const previous = (c.previousEvents ?? []).map((ev, j) => toRuleEvent(ev, `previousEvent${j}`, stageNames, orgUnit));
  const enrollment = c.enrollment ? toRuleEnrollment(c.enrollment, ENROLLMENT, program, orgUnit) : null;
  // As the DHIS2 server does: evaluate enrollment and events together, then
  // keep the effects for the event under test (and for the enrollment).
  const all = engine.evaluateAll(enrollment, [target, ...previous], context);
  const pick = (type, uid) =>
    (all.find((r) => r.trackerObjectType === type && r.trackerObjectUid === uid)?.ruleEffects ?? []).map(effectToJson);
  return {
    effects: pick(TrackerObjectType.EVENT, TARGET_EVENT),
    enrollmentEffects: enrollment ? pick(TrackerObjectType.ENROLLMENT, ENROLLMENT) : [],
  };
}

/**
 * The event's data values with the ASSIGN effects on its data elements applied
 * and, when clearHidden, the fields a HIDEFIELD hides emptied (Capture blanks a
 * hidden field; a user cannot tick a field that is hidden).
 */
function applyAssigns(values, effects, dataElements, clearHidden) {
  const next = { ...values };
  if (clearHidden) {
    for (const e of effects) if (e.type === 'HIDEFIELD' && e.field) delete next[e.field];
  }
  for (const e of effects) {
    if (e.type !== 'ASSIGN' || !e.field || !dataElements.has(e.field)) continue;
    if (e.data === null || e.data === '') delete next[e.field];
    else next[e.field] = e.data;
  }
  return next;
}

function sameValues(a, b) {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => String(a[k]) === String(b[k]));
}

function evaluateCase(engine, context, program, stageNames, orgUnit, c, opts) {
  if (!opts.settle) return evaluateOnce(engine, context, program, stageNames, orgUnit, c, opts);
  let values = {};
  let rounds = 0;
  let result;
  // "steps": data values the user enters afterwards, one step at a time (e.g. ticking
  // "Run checks"), each followed by settling again. null or "" clears a field.
  for (const patch of [c.event?.dataValues ?? {}, ...(c.steps ?? [])]) {
    values = { ...values };
    for (const [k, v] of Object.entries(patch)) {
      if (v === null || v === undefined || v === '') delete values[k];
      else values[k] = String(v);
    }
    for (let round = 1; ; round++) {
      rounds++;
      const event = { ...c.event, dataValues: values };
      result = evaluateOnce(engine, context, program, stageNames, orgUnit, { ...c, event }, opts);
      const next = applyAssigns(values, result.effects, opts.dataElements, opts.settle.clearHidden);
      const settled = sameValues(values, next);
      values = next;
      if (!settled && round >= opts.settle.maxRounds) return { ...result, values, rounds, settled: false };
      if (settled) break;
    }
  }
  return { ...result, values, rounds, settled: true };
}

// ---------------------------------------------------------------------------
// main
// ---------------------------------------------------------------------------

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

async function main() {
  // stdout carries exactly one JSON document: route any engine logging to stderr.
  for (const level of ['log', 'info', 'debug', 'warn']) console[level] = (...args) => console.error(...args);
  const req = JSON.parse(await readStdin());
  // CRTK_ENGINE_PARSE_CACHE=0 turns the cache off for a whole run (to measure it).
  parseCache.enabled = req.parseCache !== false && process.env.CRTK_ENGINE_PARSE_CACHE !== '0';
  const engine = new RuleEngineJs(false);
  let res;
  if (req.op === 'validate') res = validate(req, engine);
  else if (req.op === 'evaluate') res = evaluate(req, engine);
  else throw new Error(`unknown op ${JSON.stringify(req.op)} (expected "validate" or "evaluate")`);
  process.stdout.write(JSON.stringify(res));
}

main().catch((e) => {
  process.stderr.write(`rule-engine driver: ${e?.stack ?? e}\n`);
  process.exit(1);
});
