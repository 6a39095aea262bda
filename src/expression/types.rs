//! The expression language's static value types and their compatibility rules.

/// Semantic type of an expression node, as the engine's type checker sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueType {
    /// Unknown statically (e.g. `#{uid}` data items, variables missing from the store).
    Mixed,
    Number,
    Boolean,
    Date,
    String,
    /// "Same as the other SAME argument"; also the type of the `null` literal.
    Same,
}

impl ValueType {
    pub fn name(self) -> &'static str {
        match self {
            ValueType::Mixed => "MIXED",
            ValueType::Number => "NUMBER",
            ValueType::Boolean => "BOOLEAN",
            ValueType::Date => "DATE",
            ValueType::String => "STRING",
            ValueType::Same => "SAME",
        }
    }

    /// Can a value of this type definitely be used where `other` is required?
    pub fn is_assignable_to(self, other: ValueType) -> bool {
        self != ValueType::Same
            && (self == other
                || self == ValueType::Mixed
                || other == ValueType::Mixed
                || other == ValueType::Same
                || (self == ValueType::String && other == ValueType::Date))
    }

    /// Might a value of this type be converted to `other` at run time?
    pub fn is_maybe_assignable_to(self, other: ValueType) -> bool {
        if self.is_assignable_to(other) {
            return true;
        }
        match other {
            ValueType::String => true,
            ValueType::Number => matches!(self, ValueType::String | ValueType::Boolean),
            ValueType::Date => self == ValueType::String,
            ValueType::Boolean => matches!(self, ValueType::String | ValueType::Number),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ValueType::*;

    #[test]
    fn assignability() {
        assert!(String.is_assignable_to(Date));
        assert!(!Date.is_assignable_to(String));
        assert!(Date.is_maybe_assignable_to(String));
        assert!(!Date.is_maybe_assignable_to(Number));
        assert!(!Same.is_assignable_to(Number));
        assert!(Number.is_assignable_to(Same));
        assert!(Mixed.is_assignable_to(Boolean));
    }
}
