//! The demo of SPEC §7: Cao Bằng's units of 2021, one user per role, the council-to-be,
//! and the 2021 contest of plan 2684/KH-UBND with example rubric and prizes. `full`
//! walks it through judging, approval and publication.

mod full;

pub use full::{Stage, load_full, load_stage};

use sangkien_domain::entry::{self, Author, Description, EntryContent};
use sangkien_domain::{
    account::{self, Role},
    contest::{self, ContestInput, ContestState},
    time::{self, DayEdge},
    unit,
};
use sangkien_export::table;
use sangkien_files::{FileKind, FileStore};
use sangkien_storage::{
    StorageError, Store, account as accounts,
    audit::Actor,
    contest as contests,
    entry::{self as entries, NewAttachment},
    unit as units,
};

/// The password of every demo account (printed by `serve --demo`).
pub const DEMO_PASSWORD: &str = "CaoBang@2021";

/// Demo accounts: username, full name, role, unit, position.
pub const DEMO_USERS: &[(&str, &str, Role, &str, &str)] = &[
    (
        "quantri",
        "Nguyễn Quản Trị",
        Role::Admin,
        "SNV",
        "Chuyên viên Trung tâm tin học",
    ),
    (
        "snv.tochuc",
        "Hoàng Thị Thu",
        Role::Organizer,
        "SNV",
        "Trưởng phòng Cải cách hành chính",
    ),
    (
        "hoaan.daumoi",
        "Nông Văn Hải",
        Role::Focal,
        "HHA",
        "Chánh Văn phòng HĐND và UBND huyện",
    ),
    (
        "hoaan.tochuc",
        "Lương Văn Tuấn",
        Role::Organizer,
        "HHA",
        "Chánh Văn phòng HĐND và UBND huyện (tổ chức cuộc thi cấp huyện)",
    ),
    (
        "stp.daumoi",
        "Bế Thị Lan",
        Role::Focal,
        "STP",
        "Chánh Văn phòng Sở",
    ),
    (
        "ubnd.pheduyet",
        "Lê Hải Hòa",
        Role::Approver,
        "VPUBND",
        "Phó Chủ tịch UBND tỉnh",
    ),
    (
        "hoaan.pheduyet",
        "Nông Đức Thịnh",
        Role::Approver,
        "HHA",
        "Chủ tịch UBND huyện Hòa An",
    ),
    (
        "theodoi",
        "Đàm Văn Minh",
        Role::Viewer,
        "VPUBND",
        "Chuyên viên theo dõi CCHC",
    ),
    (
        "hd.vpubnd",
        "Triệu Văn Đức",
        Role::Viewer,
        "VPUBND",
        "Phó Chánh Văn phòng UBND tỉnh",
    ),
    (
        "hd.snv",
        "Lương Thị Hạnh",
        Role::Viewer,
        "SNV",
        "Phó Giám đốc Sở Nội vụ",
    ),
    (
        "hd.skhcn",
        "Hà Văn Sơn",
        Role::Viewer,
        "SKHCN",
        "Phó Giám đốc Sở Khoa học và Công nghệ",
    ),
    (
        "hd.stc",
        "Mã Thị Hoa",
        Role::Viewer,
        "STC",
        "Trưởng phòng Quản lý ngân sách",
    ),
    (
        "hd.stp",
        "Chu Văn Tùng",
        Role::Viewer,
        "STP",
        "Phó Giám đốc Sở Tư pháp",
    ),
    (
        "hd.stttt",
        "Vi Thị Ngọc",
        Role::Viewer,
        "STTTT",
        "Phó Giám đốc Sở Thông tin và Truyền thông",
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("cơ sở dữ liệu đã có dữ liệu; dữ liệu minh họa chỉ nạp vào cơ sở dữ liệu trống")]
    NotEmpty,
    #[error("dữ liệu minh họa không hợp lệ: {0}")]
    Invalid(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// The contest of plan 2684/KH-UBND (settings marked as examples where the plan is silent).
pub fn contest_input(participants: Vec<String>) -> ContestInput {
    let topic = |code: &str, name: &str, group: &str| contest::TopicInput {
        code: code.into(),
        name: name.into(),
        group: group.into(),
    };
    let g1 = "Các lĩnh vực cải cách hành chính";
    let g2 = "Cải thiện, nâng cao các chỉ số";
    let g3 = "Ứng dụng CNTT, nâng cao chất lượng phục vụ";
    let criterion = |code: &str, name: &str, description: &str, max: f64| contest::CriterionInput {
        code: code.into(),
        name: name.into(),
        description: description.into(),
        max_points: max,
        bands: Vec::new(),
    };
    let mut input = ContestInput {
        title: "Cuộc thi Sáng kiến, giải pháp về cải cách hành chính tỉnh Cao Bằng năm 2021".into(),
        year: 2021,
        organizer_unit_code: "SNV".into(),
        description: "Huy động, tìm kiếm và triển khai, nhân rộng các sáng kiến, giải pháp hữu ích trong thực hiện cải cách hành chính để nâng cao chất lượng phục vụ nhân dân, tổ chức và doanh nghiệp. Mỗi cơ quan, đơn vị, địa phương đề xuất ít nhất 01 sáng kiến, giải pháp đã được triển khai hoặc đang được triển khai thực hiện.".into(),
        participant_unit_codes: participants,
        min_entries_per_unit: 1,
        opens_at: "2021-09-30".into(),
        submission_deadline: "2021-10-31".into(),
        evaluation_ends_at: Some("2021-11-30".into()),
        tie_break: vec!["effectiveness".into(), "novelty".into(), "applicability".into()],
        aggregation: "mean".into(),
        award_min_score: 50.0,
        example_settings: true,
        ..ContestInput::default()
    };
    input.plan.number = "2684/KH-UBND".into();
    input.plan.date = "2021-09-30".into();
    input.plan.signer = "Lê Hải Hòa".into();
    input.topics = vec![
        topic(
            "VBQPPL",
            "Xây dựng và tổ chức thực hiện văn bản quy phạm pháp luật",
            g1,
        ),
        topic("TTHC", "Cải cách thủ tục hành chính", g1),
        topic("TCBM", "Cải cách tổ chức bộ máy hành chính nhà nước", g1),
        topic("CDCV", "Cải cách chế độ công vụ", g1),
        topic("TCC", "Cải cách tài chính công", g1),
        topic(
            "CQS",
            "Xây dựng và phát triển chính quyền điện tử, chính quyền số",
            g1,
        ),
        topic("PARINDEX", "Chỉ số cải cách hành chính (PAR INDEX)", g2),
        topic(
            "SIPAS",
            "Chỉ số hài lòng của người dân, tổ chức (SIPAS)",
            g2,
        ),
        topic(
            "PAPI",
            "Chỉ số hiệu quả quản trị và hành chính công (PAPI)",
            g2,
        ),
        topic(
            "ICT",
            "Chỉ số sẵn sàng cho phát triển và ứng dụng CNTT-TT (ICT Index)",
            g2,
        ),
        topic("PCI", "Chỉ số năng lực cạnh tranh cấp tỉnh (PCI)", g2),
        topic(
            "CNTT",
            "Ứng dụng công nghệ thông tin trong quản lý, điều hành, cung cấp dịch vụ công",
            g3,
        ),
        topic(
            "THAMMUU",
            "Nâng cao chất lượng tham mưu, xây dựng môi trường làm việc chuyên nghiệp",
            g3,
        ),
    ];
    input.criteria = vec![
        criterion(
            "novelty",
            "Tính mới, tính sáng tạo",
            "Giải pháp mới hoặc cải tiến so với giải pháp đã có; không sao chép.",
            30.0,
        ),
        criterion(
            "effectiveness",
            "Tính hiệu quả",
            "Lợi ích mang lại cho người dân, tổ chức, doanh nghiệp và cơ quan.",
            30.0,
        ),
        criterion(
            "applicability",
            "Khả năng áp dụng, nhân rộng",
            "Có thể triển khai ở các cơ quan, đơn vị, địa phương khác.",
            30.0,
        ),
        criterion(
            "presentation",
            "Hình thức trình bày, tính phù hợp",
            "Kết cấu theo quy định, trình bày rõ ràng, đúng chủ đề.",
            10.0,
        ),
    ];
    input.prizes = [
        ("first", 1, 5_000_000),
        ("second", 2, 3_000_000),
        ("third", 3, 2_000_000),
        ("consolation", 4, 1_000_000),
    ]
    .into_iter()
    .map(|(tier, count, amount_vnd)| contest::PrizeInput {
        tier: tier.into(),
        count,
        amount_vnd,
    })
    .collect();
    input
}

/// The units of a demo file (header `code,name,kind,parent_code[,valid_from,valid_to,
/// successor_code]`).
fn unit_rows(bytes: &[u8]) -> Result<Vec<unit::NewUnit>, DemoError> {
    let t = table::read(bytes).map_err(|e| DemoError::Invalid(e.to_string()))?;
    let col = |name: &str| t.header.iter().position(|h| h == name);
    t.rows
        .iter()
        .map(|(_, cells)| {
            let cell = |name: &str| col(name).and_then(|i| cells.get(i)).map(String::as_str);
            let input = unit::UnitInput {
                code: cell("code").unwrap_or(""),
                name: cell("name").unwrap_or(""),
                kind: cell("kind").unwrap_or(""),
                parent_code: cell("parent_code"),
                valid_from: cell("valid_from"),
                valid_to: cell("valid_to"),
                successor_code: cell("successor_code"),
                email: None,
            };
            unit::validate(&input, &|_| true).map_err(|e| DemoError::Invalid(e.to_string()))
        })
        .collect()
}

/// Loads the demo into an empty database. The contest is opened as the organizer did on
/// 30/09/2021, so its deadline (31/10/2021) has passed and it can be closed.
pub async fn load(store: &Store, files: &FileStore, now: i64) -> Result<(), DemoError> {
    let mut tx = store.begin().await?;
    if !units::list(&mut tx).await?.is_empty() {
        return Err(DemoError::NotEmpty);
    }
    let system = Actor::system(now);
    // The units of 2021, then what changed in 2025 as a province would import it: the
    // departments merged on 01/3/2025, the districts ended on 30/6/2025, the communes.
    let rows = unit_rows(include_bytes!("caobang-units-2021.csv"))?;
    units::import(&mut tx, &system, &rows).await?;
    units::import(
        &mut tx,
        &system,
        &unit_rows(include_bytes!("caobang-units-2025.csv"))?,
    )
    .await?;
    for (username, full_name, role, unit_code, position) in DEMO_USERS {
        let new = account::validate_new(
            username,
            full_name,
            role.as_str(),
            unit_code,
            None,
            Some(position),
            &|_| true,
        )
        .map_err(|e| DemoError::Invalid(e.to_string()))?;
        let hash = account::hash_password(DEMO_PASSWORD).map_err(DemoError::Invalid)?;
        accounts::create(&mut tx, &system, &new, &hash).await?;
    }
    let codes: Vec<String> = rows.iter().map(|u| u.code.clone()).collect();
    let settings = contest::validate(&contest_input(codes), &|_| true)
        .map_err(|e| DemoError::Invalid(e.to_string()))?;
    let organizer = Actor::user("snv.tochuc", now);
    let record = contests::create(&mut tx, &organizer, &settings).await?;
    let opened_on = time::parse_instant("2021-09-30T08:00:00+07:00", DayEdge::Start)
        .unwrap_or(settings.opens_at);
    contest::check_transition(
        &settings,
        ContestState::Draft,
        ContestState::Open,
        Role::Organizer,
        opened_on,
        None,
    )
    .map_err(|e| DemoError::Invalid(e.message))?;
    contests::set_state(
        &mut tx,
        &organizer,
        record.id,
        ContestState::Draft,
        ContestState::Open,
        None,
    )
    .await?;
    Store::commit(tx).await?;
    load_entries(store, files, record.id).await
}

/// The whole demo as `demo` and `serve --demo` load it: [`load`], and the 2026 contest
/// beside it (tests load the 2021 contest alone).
pub async fn load_with_2026(store: &Store, files: &FileStore, now: i64) -> Result<(), DemoError> {
    load(store, files, now).await?;
    load_2026(store, now).await
}

/// A small contest of 2026 beside the 2021 one, still a draft for the organizer to
/// finish: after the 2025 reform its participants are the units that exist on its
/// opening day (the departments after their mergers and the new communes, no district).
async fn load_2026(store: &Store, now: i64) -> Result<(), DemoError> {
    let mut tx = store.begin().await?;
    let mut input = contest_input(Vec::new());
    input.title =
        "Cuộc thi Sáng kiến, giải pháp về cải cách hành chính tỉnh Cao Bằng năm 2026".into();
    input.year = 2026;
    input.opens_at = "2026-09-01".into();
    input.submission_deadline = "2026-10-31".into();
    input.evaluation_ends_at = Some("2026-11-30".into());
    // The plan is still being drafted: no number is invented for it.
    input.plan.number = "Dự thảo".into();
    input.plan.date = "2026-08-15".into();
    input.plan.signer = String::new();
    let opens_on = time::parse_date(&input.opens_at)
        .ok_or_else(|| DemoError::Invalid("ngày mở cuộc thi 2026".into()))?;
    input.participant_unit_codes = units::list(&mut tx)
        .await?
        .into_iter()
        .filter(|u| u.validity.valid_on(opens_on))
        .map(|u| u.code)
        .collect();
    let settings =
        contest::validate(&input, &|_| true).map_err(|e| DemoError::Invalid(e.to_string()))?;
    contests::create(&mut tx, &Actor::user("snv.tochuc", now), &settings).await?;
    Store::commit(tx).await?;
    Ok(())
}

/// Sample entries (SPEC §7): some submitted with their PDF, some drafts, and units
/// with none, so the coverage view shows something real. Dated October 2021.
const DEMO_ENTRIES: &[(&str, &str, &str, &str, bool)] = &[
    (
        "HHA",
        "Số hóa quy trình tiếp nhận hồ sơ một cửa cấp xã tại huyện Hòa An",
        "TTHC",
        "Nông Văn Hải",
        true,
    ),
    (
        "HHA",
        "Tổ công tác hỗ trợ người dân nộp hồ sơ trực tuyến tại nhà văn hóa xóm",
        "CNTT",
        "Nông Văn Hải",
        false,
    ),
    (
        "STP",
        "Chứng thực điện tử bản sao từ bản chính tại Sở Tư pháp",
        "TTHC",
        "Lục Thị Mai",
        true,
    ),
    (
        "TPCB",
        "Ứng dụng bản đồ số quản lý hồ sơ đất đai tại thành phố Cao Bằng",
        "CNTT",
        "Bế Văn Thành",
        true,
    ),
    (
        "SYT",
        "Đặt lịch khám bệnh trực tuyến tại các bệnh viện tuyến tỉnh",
        "CNTT",
        "Hoàng Thị Lan",
        true,
    ),
    (
        "HTK",
        "Phiếu khảo sát mức độ hài lòng bằng mã QR tại bộ phận một cửa huyện Trùng Khánh",
        "SIPAS",
        "Đàm Văn Dũng",
        false,
    ),
];

async fn load_entries(store: &Store, files: &FileStore, contest_id: i64) -> Result<(), DemoError> {
    let invalid = |e: String| DemoError::Invalid(e);
    let mut tx = store.begin().await?;
    let contest = contests::get(&mut tx, contest_id)
        .await?
        .ok_or_else(|| invalid("demo contest vanished".into()))?;
    let mut at = time::parse_instant("2021-10-05T09:00:00+07:00", DayEdge::Start).unwrap_or(0);
    for (unit_code, title, topic, author, submitted) in DEMO_ENTRIES {
        at += 86_400;
        let topic = if contest.settings.topics.iter().any(|t| t.code == *topic) {
            topic.to_string()
        } else {
            contest
                .settings
                .topics
                .first()
                .map(|t| t.code.clone())
                .unwrap_or_default()
        };
        let unit_name = units::get(&mut tx, unit_code)
            .await?
            .map(|u| u.name)
            .unwrap_or_default();
        let content = EntryContent {
            title: title.to_string(),
            topic_code: topic,
            form: "scheme".into(),
            authors: vec![Author {
                full_name: author.to_string(),
                workplace: unit_name.clone(),
                position: "Chuyên viên".into(),
                qualification: "Cử nhân".into(),
                contribution_percent: Some(100.0),
                ..Author::default()
            }],
            field_of_application: "Cải cách hành chính".into(),
            first_applied_on: "2021-03-01".into(),
            implementation_status: "implemented".into(),
            description: Description {
                current_situation: format!("Trước đây, {unit_name} tiếp nhận và xử lý hồ sơ hoàn toàn bằng giấy; người dân phải đi lại nhiều lần."),
                solution: format!("{title}: xây dựng quy trình, tập huấn cán bộ, áp dụng thử tại hai xã rồi mở rộng."),
                novelty: "Lần đầu áp dụng tại địa phương, kết hợp phần mềm sẵn có với cách làm mới.".into(),
                conditions: "Cán bộ một cửa được tập huấn; đường truyền Internet ổn định.".into(),
                benefits: "Rút ngắn thời gian giải quyết hồ sơ khoảng 30%, giảm chi phí đi lại cho người dân.".into(),
                replication_scope: "Có thể áp dụng tại các huyện, thành phố khác trong tỉnh.".into(),
            },
            ..EntryContent::default()
        };
        let content =
            entry::validate(&content, &contest.settings).map_err(|e| invalid(e.to_string()))?;
        let actor = Actor::user("snv.tochuc", at);
        let unit = entries::entry_unit(&mut tx, contest_id, unit_code)
            .await?
            .ok_or_else(|| invalid(format!("unit {unit_code}")))?;
        let e = entries::create(&mut tx, &actor, contest_id, &unit, &content).await?;
        if *submitted {
            let pdf = sangkien_files::sample_pdf(&[
                title,
                &unit_name,
                "Cuoc thi sang kien CCHC tinh Cao Bang 2021",
            ]);
            let mut incoming = files
                .incoming(u64::MAX)
                .await
                .map_err(|e| invalid(e.to_string()))?;
            incoming
                .write(&pdf)
                .await
                .map_err(|e| invalid(e.to_string()))?;
            let staged = incoming
                .finish()
                .await
                .map_err(|e| invalid(e.to_string()))?;
            let size = staged.size as i64;
            let sha = files
                .commit(staged)
                .await
                .map_err(|e| invalid(e.to_string()))?;
            entries::add_attachment(
                &mut tx,
                &actor,
                &e,
                &NewAttachment {
                    kind: "main",
                    filename: &format!("sang-kien-{}.pdf", unit_code.to_lowercase()),
                    size,
                    sha256: &sha,
                    content_type: FileKind::Pdf.content_type(),
                },
            )
            .await?;
            let sworn = entries::Sworn::Ticked(sangkien_domain::entry::SWORN_STATEMENT);
            entries::write_version(&mut tx, &actor, e.id, sworn).await?;
        }
    }
    Store::commit(tx).await?;
    Ok(())
}
