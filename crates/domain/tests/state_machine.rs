//! The contest state machine, checked exhaustively and by property.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use sangkien_domain::{
    account::Role,
    contest::{self, ContestInput, ContestSettings, ContestState, check_transition, targets_from},
};

fn settings() -> ContestSettings {
    let mut input = ContestInput {
        title: "Cuộc thi".into(),
        year: 2021,
        organizer_unit_code: "SNV".into(),
        participant_unit_codes: vec!["STP".into()],
        opens_at: "2021-10-01".into(),
        submission_deadline: "2021-10-31".into(),
        ..ContestInput::default()
    };
    input.plan.number = "1/KH".into();
    input.plan.date = "2021-09-30".into();
    input.topics = vec![contest::TopicInput {
        code: "T".into(),
        name: "Chủ đề".into(),
        group: String::new(),
    }];
    input.criteria = vec![contest::CriterionInput {
        code: "c".into(),
        name: "Tiêu chí".into(),
        max_points: 10.0,
        ..Default::default()
    }];
    contest::validate(&input, &|_| true).expect("valid")
}

const BEFORE_DEADLINE: i64 = 1_634_000_000;
const AFTER_DEADLINE: i64 = 1_636_000_000;

#[test]
fn every_pair_of_states_is_allowed_exactly_when_it_is_an_edge() {
    let s = settings();
    for from in ContestState::ALL {
        for to in ContestState::ALL {
            let now = if from == ContestState::Draft {
                BEFORE_DEADLINE
            } else {
                AFTER_DEADLINE
            };
            let result = check_transition(&s, from, to, to.role_needed(), now, Some("lý do"));
            assert_eq!(
                result.is_ok(),
                targets_from(from).contains(&to),
                "{from:?} -> {to:?}: {result:?}"
            );
            if let Err(e) = result {
                assert_eq!(e.code, "invalid_transition");
            }
        }
    }
}

#[test]
fn the_wrong_role_is_forbidden_on_every_edge() {
    let s = settings();
    for from in ContestState::ALL {
        for to in targets_from(from) {
            for role in Role::ALL.into_iter().filter(|r| *r != to.role_needed()) {
                let e =
                    check_transition(&s, from, to, role, AFTER_DEADLINE, Some("x")).unwrap_err();
                assert_eq!(e.code, "forbidden", "{role:?} {from:?} -> {to:?}");
            }
        }
    }
}

proptest! {
    /// Whatever is asked, in whatever order, the state only moves along edges and never
    /// reaches `approved` without passing `deliberation`.
    #[test]
    fn random_requests_only_follow_edges(requests in prop::collection::vec((0usize..8, 0usize..5), 0..40)) {
        let s = settings();
        let mut state = ContestState::Draft;
        let mut seen_deliberation = false;
        for (target, role) in requests {
            let to = ContestState::ALL[target];
            let role = Role::ALL[role];
            let now = if state == ContestState::Draft { BEFORE_DEADLINE } else { AFTER_DEADLINE };
            if check_transition(&s, state, to, role, now, Some("lý do")).is_ok() {
                prop_assert!(targets_from(state).contains(&to));
                prop_assert_eq!(role, to.role_needed());
                state = to;
                seen_deliberation |= state == ContestState::Deliberation;
                if state == ContestState::Approved {
                    prop_assert!(seen_deliberation);
                }
            }
        }
    }
}

#[test]
fn next_years_contest_keeps_the_rules_and_moves_every_date_by_a_year() {
    let mut s = settings();
    s.title = "Cuộc thi sáng kiến cải cách hành chính năm 2021".into();
    let next = s.next_year();
    assert_eq!(next.year, 2022);
    assert_eq!(
        next.title,
        "Cuộc thi sáng kiến cải cách hành chính năm 2022"
    );
    assert_eq!(next.opens_at, "2022-10-01T00:00:00+07:00");
    assert_eq!(next.submission_deadline, "2022-10-31T23:59:59+07:00");
    assert!(next.plan.number.is_empty(), "a new plan must be cited");
    assert_eq!(next.criteria.len(), 1);
    assert_eq!(next.participant_unit_codes, vec!["STP".to_string()]);
    assert_eq!(next.parent_contest_id, None);
}
