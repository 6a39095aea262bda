// Memoises the expression parser of @dhis2/rule-engine 3.3.9 (Kotlin/JS).
//
// The engine parses every rule condition and action expression again on every
// evaluation (RuleConditionEvaluator.process: `new Expression(condition, ...)`).
// NCD_CR has conditions of up to 17,000 characters, so parsing dominates a test
// run. The parsed tree is only read by evaluation, so the parse of each distinct
// (expression, mode, annotate) is kept and reused. Results are unchanged: the
// tests compare a cached and an uncached run (request field `"parseCache": false`).
//
// The parser is not exported, so it is found when the module defines it: this
// file must be imported BEFORE '@dhis2/rule-engine'. A setter on Object.prototype
// catches the minified method `p10` being assigned to a prototype; it defines the
// property normally on that prototype, wrapping the one whose body is the
// expression parser (recognised by its text). If the pinned build ever changes,
// nothing is wrapped and the engine runs uncached (slower, still correct).

const NAME = 'p10';
const cache = new Map();
export const parseCache = { enabled: true, installed: false, hits: 0, misses: 0 };

function isParser(fn) {
  const src = Function.prototype.toString.call(fn);
  return src.includes('withFragments') && src.includes('Empty expression');
}

Object.defineProperty(Object.prototype, NAME, {
  configurable: true,
  enumerable: false,
  get() {
    return undefined;
  },
  set(fn) {
    let value = fn;
    if (typeof fn === 'function' && !parseCache.installed && isParser(fn)) {
      parseCache.installed = true;
      value = function (expr, fragments, annotate) {
        if (!parseCache.enabled) return fn.call(this, expr, fragments, annotate);
        let byFragments = cache.get(fragments);
        if (!byFragments) cache.set(fragments, (byFragments = new Map()));
        const key = `${annotate ? 1 : 0}${expr}`;
        let root = byFragments.get(key);
        if (root === undefined) {
          parseCache.misses++;
          root = fn.call(this, expr, fragments, annotate); // throws on a bad expression: not cached
          byFragments.set(key, root);
        } else {
          parseCache.hits++;
        }
        return root;
      };
    }
    Object.defineProperty(this, NAME, { value, writable: true, configurable: true, enumerable: true });
  },
});
