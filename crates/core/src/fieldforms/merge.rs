//! A phone's edit against what the register holds: the rule of a three-way merge, per field.
//! `base` is the value the phone's copy was filled from, `mine` the phone's value now, `theirs`
//! the register's value now.

/// What becomes of one field of an edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Merge {
    /// Nothing to do: the phone did not change it, or the register already holds its value.
    Unchanged,
    /// The phone's value is written: nobody changed the field in the register since.
    Take,
    /// Both changed it, differently: the register's value stays and the phone's is kept beside
    /// it, never written over it.
    Conflict,
}

/// The merge of one field.
pub fn three_way(base: &str, mine: &str, theirs: &str) -> Merge {
    if mine == base || mine == theirs {
        Merge::Unchanged
    } else if theirs == base {
        Merge::Take
    } else {
        Merge::Conflict
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_case_of_the_merge() {
        assert_eq!(three_way("Aline", "Aline", "Aline-Marie"), Merge::Unchanged);
        assert_eq!(three_way("Aline", "Alina", "Alina"), Merge::Unchanged);
        assert_eq!(three_way("24", "25", "24"), Merge::Take);
        assert_eq!(three_way("Aline", "Alina", "Aline-Marie"), Merge::Conflict);
    }
}
