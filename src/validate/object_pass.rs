//! One pass over the package's objects for the three families that read every object whole:
//! structure, references and hygiene. Each object is read by all three in turn, while it is in
//! the cache: on a large package separate passes are bound by memory reads, not by the checks.
//! Each family keeps its own findings, in the order its own pass would have given them.

use super::Ctx;
use super::finding::Finding;
use super::hygiene::{self, Hygiene};
use super::references::{self, References};
use super::structure::Structure;

/// The findings of the pass, per family: `[structure, references, hygiene]`.
pub(super) fn run(ctx: &mut Ctx) -> [Vec<Finding>; 3] {
    let package = ctx.package;
    let mut found: [Vec<Finding>; 3] = Default::default();
    let [structure_found, references_found, hygiene_found] = &mut found;
    let mut structure = into(ctx, structure_found, Structure::start);
    let mut references = References::start(ctx);
    let mut hygiene = Hygiene::start(ctx);
    for kind in package.kinds() {
        structure.kind(kind);
        hygiene.kind(kind);
        for (i, value) in package.objects(kind).iter().enumerate() {
            let Some(map) = value.as_object() else {
                continue;
            };
            into(ctx, structure_found, |ctx| {
                structure.object(ctx, kind, i, value, map)
            });
            into(ctx, references_found, |ctx| {
                references.object(ctx, kind, i, map)
            });
            hygiene.object(kind, i, map);
        }
        into(ctx, hygiene_found, |ctx| hygiene.end_kind(ctx, kind));
    }
    into(ctx, references_found, references::inline_agreement);
    into(ctx, hygiene_found, hygiene::placeholders);
    found
}

/// Runs `check` with its findings going to `findings` instead of the context's.
fn into<'a, T>(
    ctx: &mut Ctx<'a>,
    findings: &mut Vec<Finding>,
    check: impl FnOnce(&mut Ctx<'a>) -> T,
) -> T {
    std::mem::swap(&mut ctx.findings, findings);
    let result = check(ctx);
    std::mem::swap(&mut ctx.findings, findings);
    result
}
