//! Building rule expressions: code sets as ranges, and balanced `||`/`&&` chains.
//!
//! DHIS2 2.42 crashes (`StackOverflowError`) on flat chains of hundreds of terms (fixed in NCD_CR
//! 1.0.1 by nesting); every chain built here nests in parentheses so that no flat chain has more
//! than [`MAX_FLAT`] terms.

/// The longest flat `||`/`&&` chain this module emits.
pub const MAX_FLAT: usize = 16;

/// `a || b || ...`, nested in parentheses so no flat chain exceeds [`MAX_FLAT`] terms.
pub fn any(terms: &[String]) -> String {
    balanced(terms, " || ", "false")
}

/// `a && b && ...`, nested like [`any`].
pub fn all(terms: &[String]) -> String {
    balanced(terms, " && ", "true")
}

fn balanced(terms: &[String], op: &str, empty: &str) -> String {
    match terms.len() {
        0 => empty.to_string(),
        1 => terms[0].clone(),
        n if n <= MAX_FLAT => terms.join(op),
        n => {
            let chunk = n.div_ceil(MAX_FLAT);
            let parts: Vec<String> = terms
                .chunks(chunk)
                .map(|part| format!("({})", balanced(part, op, empty)))
                .collect();
            parts.join(op)
        }
    }
}

/// Sorted, merged inclusive ranges of a set of integer codes.
pub fn ranges(codes: &[i64]) -> Vec<(i64, i64)> {
    let mut sorted = codes.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut out: Vec<(i64, i64)> = Vec::new();
    for code in sorted {
        match out.last_mut() {
            Some((_, hi)) if *hi + 1 == code => *hi = code,
            _ => out.push((code, code)),
        }
    }
    out
}

/// A condition that `var` (a numeric rule variable, `#{name}`) lies in one of `ranges`.
pub fn in_ranges(var: &str, ranges: &[(i64, i64)]) -> String {
    let terms: Vec<String> = ranges
        .iter()
        .map(|&(lo, hi)| {
            if lo == hi {
                format!("{var} == {lo}")
            } else {
                format!("({var} >= {lo} && {var} <= {hi})")
            }
        })
        .collect();
    let joined = any(&terms);
    if terms.len() > 1 {
        format!("({joined})")
    } else {
        joined
    }
}

/// `in_ranges` over a set of codes.
pub fn in_set(var: &str, codes: &[i64]) -> String {
    in_ranges(var, &ranges(codes))
}

/// Ranges covering `subset` within `universe` (the codes a field can hold): a run of universe
/// codes that are all in the subset becomes one range, whatever lies between them, so option
/// codes compress far better than by integer adjacency.
pub fn ranges_within(subset: &[i64], universe: &[i64]) -> Vec<(i64, i64)> {
    let wanted: std::collections::BTreeSet<i64> = subset.iter().copied().collect();
    let mut all: Vec<i64> = universe.to_vec();
    all.sort_unstable();
    all.dedup();
    let mut out: Vec<(i64, i64)> = Vec::new();
    let mut open = false;
    for code in all {
        if wanted.contains(&code) {
            match out.last_mut() {
                Some((_, hi)) if open => *hi = code,
                _ => out.push((code, code)),
            }
            open = true;
        } else {
            open = false;
        }
    }
    out
}

/// `in_ranges` over the subset of a field's codes (see [`ranges_within`]).
pub fn in_subset(var: &str, subset: &[i64], universe: &[i64]) -> String {
    in_ranges(var, &ranges_within(subset, universe))
}

/// Parenthesised negation.
pub fn not(expr: &str) -> String {
    format!("!({expr})")
}

/// The longest flat chain of `||` or `&&` operators at one parenthesis depth (for tests).
#[cfg(test)]
pub fn longest_flat_chain(expr: &str) -> usize {
    let bytes = expr.as_bytes();
    let mut stack: Vec<usize> = vec![1];
    let mut best = 1;
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'\'' {
            in_string = !in_string;
        } else if !in_string {
            match c {
                b'(' => stack.push(1),
                b')' => {
                    stack.pop();
                }
                b'|' | b'&' if i + 1 < bytes.len() && bytes[i + 1] == c => {
                    if let Some(top) = stack.last_mut() {
                        *top += 1;
                        best = best.max(*top);
                    }
                    i += 1;
                }
                _ => {}
            }
        }
        i += 1;
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_merge_neighbours() {
        assert_eq!(ranges(&[5, 1, 2, 3, 7]), vec![(1, 3), (5, 5), (7, 7)]);
        assert_eq!(in_set("#{m}", &[8000]), "#{m} == 8000");
        assert_eq!(
            in_set("#{m}", &[1, 2, 4]),
            "((#{m} >= 1 && #{m} <= 2) || #{m} == 4)"
        );
    }

    #[test]
    fn subsets_merge_across_codes_the_field_cannot_hold() {
        assert_eq!(
            ranges_within(&[10, 30, 50], &[10, 20, 30, 40, 50]),
            vec![(10, 10), (30, 30), (50, 50)]
        );
        assert_eq!(ranges_within(&[10, 30], &[10, 30, 40, 50]), vec![(10, 30)]);
    }

    #[test]
    fn long_chains_are_nested() {
        let terms: Vec<String> = (0..1000).map(|i| format!("#{{m}} == {i}")).collect();
        let expr = any(&terms);
        assert!(longest_flat_chain(&expr) <= MAX_FLAT, "{expr}");
        assert_eq!(expr.matches("==").count(), 1000);
        assert_eq!(longest_flat_chain("a || b || (c && d && e && f)"), 4);
    }
}
