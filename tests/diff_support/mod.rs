pub mod areas;
