//! Which DHIS2 expression language a text is written in.
//!
//! DHIS2 has one expression syntax and several languages over it, each with its own functions
//! and result types (`ExpressionMode` in `dhis2/expression-parser`). crtk checks two of them:
//! program-rule expressions, as the rule engine does, and program-indicator expressions and
//! filters, as analytics does.

/// The language an expression is parsed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Program-rule conditions and action data (`@dhis2/rule-engine` 3.3.9).
    RuleEngine,
    /// Program-indicator expressions and filters (`PROGRAM_INDICATOR_EXPRESSION`).
    ProgramIndicator(Dialect),
}

/// Whose verdict a program-indicator expression follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// `@dhis2/expression-parser` 1.1.0 exactly (what the maintenance app's JS checks).
    Library,
    /// What DHIS2 core's analytics parser accepts, which is the library plus `PS_EVENTDATE:uid`
    /// as an argument of the date-difference functions (`d2:daysBetween(V{enrollment_date},
    /// PS_EVENTDATE:uid)`, used by AEFI and HIV_CS): core's grammar reads those arguments as
    /// `compareDate` (`expr | 'PS_EVENTDATE:' uid`), the library only as `expr`.
    Core,
}

impl Mode {
    /// Program-indicator mode with core's dialect: the one that decides on a server.
    pub const INDICATOR: Mode = Mode::ProgramIndicator(Dialect::Core);

    pub fn is_indicator(self) -> bool {
        matches!(self, Mode::ProgramIndicator(_))
    }

    /// Does this mode accept `PS_EVENTDATE:uid` where a date expression is expected?
    pub fn accepts_event_date_tag(self) -> bool {
        self == Mode::ProgramIndicator(Dialect::Core)
    }
}
