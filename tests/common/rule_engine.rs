//! Drives the real DHIS2 rule engine (`@dhis2/rule-engine` on npm) from Rust tests.
//!
//! The engine runs in Node.js through `tests/rule-engine/driver.mjs`: one JSON
//! request on stdin, one JSON response on stdout (formats in
//! `tests/rule-engine/README.md`). On first use, if `tests/rule-engine/node_modules`
//! is missing or out of date, `npm ci` is run there, under a cross-process lock so
//! that test binaries running in parallel never install at the same time.
//!
//! Node.js 18+ and npm are required: without them the tests panic (they are never
//! skipped silently).

use serde::Deserialize;
use serde_json::{Value, json};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime};

const REQUIREMENT: &str = "Node.js 18+ and npm are required to run the rule-engine tests";

/// Minimum Node.js major version.
const MIN_NODE_MAJOR: u32 = 18;

/// Above this many cases, `evaluate` splits the work across several Node processes.
const CASES_PER_WORKER: usize = 200;

/// A lock older than this is taken to be left over by a killed process.
const STALE_LOCK: Duration = Duration::from_secs(15 * 60);

/// How long to wait for another process's `npm ci`.
const LOCK_TIMEOUT: Duration = Duration::from_secs(20 * 60);

/// Which DHIS2 validation endpoint an expression goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExprKind {
    /// A program rule condition (`RuleEngine.validate`, must be boolean).
    Condition,
    /// A program rule action's data expression (`validateDataFieldExpression`).
    Data,
}

impl ExprKind {
    fn as_str(self) -> &'static str {
        match self {
            ExprKind::Condition => "condition",
            ExprKind::Data => "data",
        }
    }
}

/// The engine's verdict on one expression.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Verdict {
    pub valid: bool,
    /// When valid: the engine's description (variables replaced by display
    /// names). When invalid: the engine's error message, as DHIS2 returns it
    /// (often only "N error(s), M warning(s)").
    pub message: String,
    /// When invalid: the parser's individual errors and warnings
    /// ("error: Unknown variable: `x`", "warning: ...").
    pub issues: Vec<String>,
}

/// One rule effect produced by the engine.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Effect {
    /// Program rule uid.
    pub rule: String,
    /// Program rule action uid (None for an `ERROR` effect: the rule failed).
    pub action: Option<String>,
    /// `programRuleActionType` (ASSIGN, SHOWERROR, SHOWOPTIONGROUP, ...), or
    /// `ERROR` when evaluating the rule raised an error.
    #[serde(rename = "type")]
    pub action_type: String,
    /// Target data element / attribute uid.
    pub field: Option<String>,
    #[serde(rename = "optionGroup")]
    pub option_group: Option<String>,
    pub option: Option<String>,
    /// The evaluated `data` expression (ASSIGN: the value; ERROR: the message).
    pub data: Option<String>,
    pub content: Option<String>,
}

/// Effects for one evaluated case.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct CaseResult {
    /// Effects on the event under test.
    pub effects: Vec<Effect>,
    /// Effects on the enrollment (rules without a program stage).
    #[serde(rename = "enrollmentEffects")]
    pub enrollment_effects: Vec<Effect>,
}

/// Effects and settled data values for one case of [`RuleEngine::evaluate_settled`].
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct SettledResult {
    /// Effects of the last evaluation of the target event.
    pub effects: Vec<Effect>,
    /// The target event's data values once settled (assigned values included).
    pub values: std::collections::BTreeMap<String, String>,
    /// Evaluations it took.
    pub rounds: usize,
    /// False when the values still changed after the driver's round limit.
    pub settled: bool,
}

/// Handle on the rule-engine driver. Cheap to copy around; see [`RuleEngine::get`].
#[derive(Debug)]
pub struct RuleEngine {
    dir: PathBuf,
}

impl RuleEngine {
    /// The shared handle; installs the npm dependencies on first use.
    pub fn get() -> &'static RuleEngine {
        static ENGINE: OnceLock<RuleEngine> = OnceLock::new();
        ENGINE.get_or_init(|| {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rule-engine");
            check_node();
            ensure_installed(&dir);
            RuleEngine { dir }
        })
    }

    /// Validates expressions as DHIS2's `POST /api/programRules/condition/description`
    /// (and `.../data/expression/description` for [`ExprKind::Data`]) would, with the
    /// rule variables, constants and environment variables of `program` (a DHIS2
    /// metadata package, or the part of it with `programRuleVariables`,
    /// `dataElements`, `trackedEntityAttributes` and `constants`).
    pub fn validate(&self, program: &Value, exprs: &[(String, ExprKind)]) -> Vec<Verdict> {
        let expressions: Vec<Value> = exprs
            .iter()
            .map(|(e, k)| json!({"expression": e, "kind": k.as_str()}))
            .collect();
        let request = json!({"op": "validate", "program": program, "expressions": expressions});
        let results: Vec<Verdict> = self.run(&request, "validate");
        assert_eq!(results.len(), exprs.len(), "driver returned a wrong count");
        results
    }

    /// Effects on the event of each case (see [`RuleEngine::evaluate_cases`]).
    pub fn evaluate(&self, package: &Value, program_id: &str, cases: &[Value]) -> Vec<Vec<Effect>> {
        self.evaluate_cases(package, program_id, cases)
            .into_iter()
            .map(|r| r.effects)
            .collect()
    }

    /// Runs the program rules of `program_id` in `package` on each case:
    /// `{"enrollment": {"attributes": {teaUid: value}, "enrollmentDate", "incidentDate"?},
    ///   "event": {"programStage", "eventDate", "dataValues": {deUid: value}},
    ///   "previousEvents": [event, ...]?}`.
    /// Large batches are split across several Node processes.
    pub fn evaluate_cases(
        &self,
        package: &Value,
        program_id: &str,
        cases: &[Value],
    ) -> Vec<CaseResult> {
        self.evaluate_parallel(package, program_id, cases, &json!({}))
    }

    /// As DHIS2 Capture does after each change: evaluates each case's target event,
    /// writes its ASSIGN effects back into its data values (and empties the fields a
    /// HIDEFIELD hides) and evaluates again until nothing changes; then applies the
    /// case's `"steps"` (data values entered afterwards, e.g. `{"<runChecksDe>": "true"}`)
    /// one at a time, settling after each. Chained rules such as NCD_CR's
    /// morphology → family → MUST list → flag need this; one evaluation is not enough.
    pub fn evaluate_settled(
        &self,
        package: &Value,
        program_id: &str,
        cases: &[Value],
    ) -> Vec<SettledResult> {
        self.evaluate_parallel(package, program_id, cases, &json!({"settle": true}))
    }

    /// [`RuleEngine::evaluate_settled`] with the driver's parse cache off (the engine
    /// parses every expression on every evaluation, as it does on its own): slow, for
    /// proving that the cache changes nothing.
    pub fn evaluate_settled_uncached(
        &self,
        package: &Value,
        program_id: &str,
        cases: &[Value],
    ) -> Vec<SettledResult> {
        self.evaluate_parallel(
            package,
            program_id,
            cases,
            &json!({"settle": true, "parseCache": false}),
        )
    }

    /// Runs `cases` with the request fields `options`, split across several Node
    /// processes when there are many.
    fn evaluate_parallel<T: for<'de> Deserialize<'de> + Send>(
        &self,
        package: &Value,
        program_id: &str,
        cases: &[Value],
        options: &Value,
    ) -> Vec<T> {
        let workers = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .min(cases.len().div_ceil(CASES_PER_WORKER))
            .max(1);
        let chunk = cases.len().div_ceil(workers).max(1);
        let run_chunk = |part: &[Value]| -> Vec<T> {
            let mut request = json!({"op": "evaluate", "package": package, "programId": program_id, "cases": part});
            for (k, v) in options.as_object().into_iter().flatten() {
                request[k] = v.clone();
            }
            let results: Vec<T> = self.run(&request, "evaluate");
            assert_eq!(results.len(), part.len(), "driver returned a wrong count");
            results
        };
        if workers == 1 {
            return run_chunk(cases);
        }
        std::thread::scope(|s| {
            let handles: Vec<_> = cases
                .chunks(chunk)
                .map(|part| s.spawn(move || run_chunk(part)))
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        })
    }

    /// Sends one request to the driver and returns its `results`.
    fn run<T: for<'de> Deserialize<'de>>(&self, request: &Value, op: &str) -> Vec<T> {
        let input = serde_json::to_vec(request).expect("request serialises");
        let mut child = Command::new("node")
            .arg("driver.mjs")
            .current_dir(&self.dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{REQUIREMENT}: cannot start `node`: {e}"));
        let mut stdin = child.stdin.take().expect("piped stdin");
        // Write from another thread so a large request cannot deadlock against the
        // driver's output.
        let writer = std::thread::spawn(move || stdin.write_all(&input));
        let output = child.wait_with_output().expect("wait for node");
        let written = writer.join().expect("stdin writer thread");
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !output.status.success() {
            panic!(
                "rule-engine driver failed ({op}, {}):\n{stderr}",
                output.status
            );
        }
        written.unwrap_or_else(|e| panic!("writing the {op} request to the driver: {e}"));
        #[derive(Deserialize)]
        struct Response<T> {
            results: Vec<T>,
        }
        let response: Response<T> = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
            panic!(
                "rule-engine driver gave unreadable output for {op}: {e}\nstdout starts: {}\nstderr:\n{stderr}",
                String::from_utf8_lossy(&output.stdout[..output.stdout.len().min(500)])
            )
        });
        response.results
    }
}

/// Panics unless `node --version` reports at least [`MIN_NODE_MAJOR`].
pub fn check_node() {
    let out = match Command::new("node").arg("--version").output() {
        Ok(out) => out,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            panic!("{REQUIREMENT}: `node` was not found on PATH")
        }
        Err(e) => panic!("{REQUIREMENT}: cannot run `node --version`: {e}"),
    };
    let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let major = version
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse::<u32>().ok());
    match major {
        Some(m) if out.status.success() && m >= MIN_NODE_MAJOR => {}
        _ => panic!("{REQUIREMENT}: found node {version:?}"),
    }
}

/// The dependencies are installed when `node_modules/.crtk-installed` holds a copy
/// of the `package-lock.json` they were installed from.
fn is_installed(dir: &Path) -> bool {
    let lock = std::fs::read(dir.join("package-lock.json"))
        .unwrap_or_else(|e| panic!("reading {}/package-lock.json: {e}", dir.display()));
    std::fs::read(dir.join("node_modules/.crtk-installed")).is_ok_and(|m| m == lock)
}

/// Runs `npm ci` in `dir` unless already done, holding a cross-process lock.
pub fn ensure_installed(dir: &Path) {
    if is_installed(dir) {
        return;
    }
    let _lock = InstallLock::acquire(dir.join(".npm-install.lock"));
    // Another process may have installed while we waited.
    if is_installed(dir) {
        return;
    }
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    let out = Command::new(npm)
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "{REQUIREMENT}: cannot run `npm ci` in {}: {e}",
                dir.display()
            )
        });
    if !out.status.success() {
        panic!(
            "`npm ci` failed in {} ({}):\n{}\n{}",
            dir.display(),
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    std::fs::copy(
        dir.join("package-lock.json"),
        dir.join("node_modules/.crtk-installed"),
    )
    .expect("write install marker");
}

/// A lock held by creating a directory (atomic on every platform); removed on drop.
struct InstallLock(PathBuf);

impl InstallLock {
    fn acquire(path: PathBuf) -> InstallLock {
        let start = Instant::now();
        loop {
            match std::fs::create_dir(&path) {
                Ok(()) => return InstallLock(path),
                Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                    let age = std::fs::metadata(&path)
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|t| SystemTime::now().duration_since(t).ok());
                    if age.is_some_and(|a| a > STALE_LOCK) {
                        // Left behind by a killed process: break it and retry.
                        let _ = std::fs::remove_dir(&path);
                        continue;
                    }
                    if start.elapsed() > LOCK_TIMEOUT {
                        panic!(
                            "timed out waiting for {} (another `npm ci`); remove it if stale",
                            path.display()
                        );
                    }
                    std::thread::sleep(Duration::from_millis(200));
                }
                Err(e) => panic!("cannot create lock {}: {e}", path.display()),
            }
        }
    }
}

impl Drop for InstallLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir(&self.0);
    }
}
