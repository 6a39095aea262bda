// Drives the real DHIS2 expression parser (@dhis2/expression-parser).
//
// validate (default): {"mode": "PROGRAM_INDICATOR_EXPRESSION", "expressions": ["...", ...]}
//   -> [{"valid": true|false, "message": "..."}, ...] in request order.
// evaluate: {"op": "evaluate", "mode": "...", "expressions": ["...", ...], "events": [
//     {"items": {"stageUid.dataElementUid": value, "attributeUid": value},
//      "variables": {"event_count": 1, ...}}, ...]}
//   -> [[value or null per event] per expression]; an item missing from an event is null, and
//   an evaluation that fails on a null (`null >= 5`) gives null, as SQL's NULL in analytics.
import {
  ExpressionJs,
  ExpressionMode,
  ExpressionDataJs,
} from '@dhis2/expression-parser';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const mode = ExpressionMode.valueOf(request.mode);

function validate(expression) {
  try {
    new ExpressionJs(expression, mode).validate(new Map());
    return { valid: true, message: '' };
  } catch (err) {
    return { valid: false, message: String(err?.message ?? err) };
  }
}

/** The key an event's values are given under: `stage.element` or `attribute`. */
function itemKey(item) {
  const ids = [item.uid0, ...item.uid1].filter((id) => id).map((id) => id.value);
  return ids.join('.');
}

function evaluate(expression, events) {
  const parsed = new ExpressionJs(expression, mode);
  const items = parsed.collectDataItems();
  return events.map((event) => {
    const values = new Map();
    for (const item of items) {
      const value = event.items[itemKey(item)];
      values.set(item, value === undefined ? null : value);
    }
    const variables = new Map(Object.entries(event.variables ?? {}));
    const data = new ExpressionDataJs(new Map(), variables, new Map(), values, new Map());
    try {
      const result = parsed.evaluate(() => null, data);
      return result === undefined ? null : result;
    } catch (err) {
      // A null in a comparison: analytics' SQL yields NULL there, i.e. no value.
      return null;
    }
  });
}

const out =
  request.op === 'evaluate'
    ? request.expressions.map((e) => evaluate(e, request.events))
    : request.expressions.map(validate);
process.stdout.write(JSON.stringify(out));
