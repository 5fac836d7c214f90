//! Embedded migrations. One list, so SQLite and PostgreSQL always share version
//! numbers and names; each entry carries the SQL of both.

use std::borrow::Cow;

use sqlx::migrate::{Migration, MigrationType, Migrator};

use crate::Backend;

struct Step {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const STEPS: &[Step] = &[
    Step {
        version: 1,
        name: "foundation",
        sqlite: include_str!("../migrations/sqlite/0001_foundation.sql"),
        postgres: include_str!("../migrations/postgres/0001_foundation.sql"),
    },
    Step {
        version: 2,
        name: "entries",
        sqlite: include_str!("../migrations/sqlite/0002_entries.sql"),
        postgres: include_str!("../migrations/postgres/0002_entries.sql"),
    },
    Step {
        version: 3,
        name: "judging",
        sqlite: include_str!("../migrations/sqlite/0003_judging.sql"),
        postgres: include_str!("../migrations/postgres/0003_judging.sql"),
    },
    Step {
        version: 4,
        name: "awards",
        sqlite: include_str!("../migrations/sqlite/0004_awards.sql"),
        postgres: include_str!("../migrations/postgres/0004_awards.sql"),
    },
    Step {
        version: 5,
        name: "library",
        sqlite: include_str!("../migrations/sqlite/0005_library.sql"),
        postgres: include_str!("../migrations/postgres/0005_library.sql"),
    },
    Step {
        version: 6,
        name: "adoptions",
        sqlite: include_str!("../migrations/sqlite/0006_adoptions.sql"),
        postgres: include_str!("../migrations/postgres/0006_adoptions.sql"),
    },
    Step {
        version: 7,
        name: "internal",
        sqlite: include_str!("../migrations/sqlite/0007_internal.sql"),
        postgres: include_str!("../migrations/postgres/0007_internal.sql"),
    },
    Step {
        version: 8,
        name: "adoption_evidence",
        sqlite: include_str!("../migrations/sqlite/0008_adoption_evidence.sql"),
        postgres: include_str!("../migrations/postgres/0008_adoption_evidence.sql"),
    },
    Step {
        version: 9,
        name: "library_indexes",
        sqlite: include_str!("../migrations/sqlite/0009_library_indexes.sql"),
        postgres: include_str!("../migrations/postgres/0009_library_indexes.sql"),
    },
    Step {
        version: 10,
        name: "library_version",
        sqlite: include_str!("../migrations/sqlite/0010_library_version.sql"),
        postgres: include_str!("../migrations/postgres/0010_library_version.sql"),
    },
    Step {
        version: 11,
        name: "library_search_vector",
        sqlite: include_str!("../migrations/sqlite/0011_library_search_vector.sql"),
        postgres: include_str!("../migrations/postgres/0011_library_search_vector.sql"),
    },
    Step {
        version: 12,
        name: "triggers",
        sqlite: include_str!("../migrations/sqlite/0012_triggers.sql"),
        postgres: include_str!("../migrations/postgres/0012_triggers.sql"),
    },
    Step {
        version: 13,
        name: "audit_head_seq",
        sqlite: include_str!("../migrations/sqlite/0013_audit_head_seq.sql"),
        postgres: include_str!("../migrations/postgres/0013_audit_head_seq.sql"),
    },
    Step {
        version: 14,
        name: "award_review",
        sqlite: include_str!("../migrations/sqlite/0014_award_review.sql"),
        postgres: include_str!("../migrations/postgres/0014_award_review.sql"),
    },
    Step {
        version: 15,
        name: "password_reset",
        sqlite: include_str!("../migrations/sqlite/0015_password_reset.sql"),
        postgres: include_str!("../migrations/postgres/0015_password_reset.sql"),
    },
    Step {
        version: 16,
        name: "unit_email",
        sqlite: include_str!("../migrations/sqlite/0016_unit_email.sql"),
        postgres: include_str!("../migrations/postgres/0016_unit_email.sql"),
    },
    Step {
        version: 17,
        name: "council_meeting",
        sqlite: include_str!("../migrations/sqlite/0017_council_meeting.sql"),
        postgres: include_str!("../migrations/postgres/0017_council_meeting.sql"),
    },
    Step {
        version: 18,
        name: "award_memo",
        sqlite: include_str!("../migrations/sqlite/0018_award_memo.sql"),
        postgres: include_str!("../migrations/postgres/0018_award_memo.sql"),
    },
    Step {
        version: 19,
        name: "entry_sworn",
        sqlite: include_str!("../migrations/sqlite/0019_entry_sworn.sql"),
        postgres: include_str!("../migrations/postgres/0019_entry_sworn.sql"),
    },
    Step {
        version: 20,
        name: "unit_validity",
        sqlite: include_str!("../migrations/sqlite/0020_unit_validity.sql"),
        postgres: include_str!("../migrations/postgres/0020_unit_validity.sql"),
    },
    Step {
        version: 21,
        name: "archive",
        sqlite: include_str!("../migrations/sqlite/0021_archive.sql"),
        postgres: include_str!("../migrations/postgres/0021_archive.sql"),
    },
];

/// The versions and names of all migrations, the same for both databases.
pub fn versions() -> Vec<(i64, &'static str)> {
    STEPS.iter().map(|s| (s.version, s.name)).collect()
}

pub(crate) fn migrator(backend: Backend) -> Migrator {
    let migrations: Vec<Migration> = STEPS
        .iter()
        .map(|s| {
            let sql = match backend {
                Backend::Sqlite => s.sqlite,
                Backend::Postgres => s.postgres,
            };
            Migration::new(
                s.version,
                Cow::Borrowed(s.name),
                MigrationType::Simple,
                Cow::Borrowed(sql),
                false,
            )
        })
        .collect();
    Migrator {
        migrations: Cow::Owned(migrations),
        ..Migrator::DEFAULT
    }
}

/// The newest migration this build knows.
pub fn latest_version() -> i64 {
    STEPS.last().map_or(0, |s| s.version)
}
