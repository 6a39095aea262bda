// Validates expressions with the real DHIS2 expression parser (@dhis2/expression-parser).
// Request on stdin: {"mode": "PROGRAM_INDICATOR_EXPRESSION", "expressions": ["...", ...]}
// Response on stdout: [{"valid": true|false, "message": "..."}, ...] in request order.
import { ExpressionJs, ExpressionMode } from '@dhis2/expression-parser';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const mode = ExpressionMode.valueOf(request.mode);
const verdicts = request.expressions.map((expression) => {
  try {
    new ExpressionJs(expression, mode).validate(new Map());
    return { valid: true, message: '' };
  } catch (err) {
    return { valid: false, message: String(err?.message ?? err) };
  }
});
process.stdout.write(JSON.stringify(verdicts));
