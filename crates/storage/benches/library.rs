//! Library search over 100,000 initiatives through the real storage path (issue 7):
//! a fresh SQLite database (or PostgreSQL with SANGKIEN_TEST_DB=postgres) filled with
//! generated Vietnamese titles and texts, then `storage::library::search` for common and
//! rare queries, typed without diacritics as people do.
//!
//!   cargo bench -p sangkien-storage --bench library
#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use sangkien_domain::{
    collate::sort_key_text,
    contest::{self, ContestInput, CriterionInput, PlanInput, TopicInput},
    library::search_fields,
    unit::{self, UnitKind},
};
use sangkien_storage::{
    Store,
    audit::Actor,
    contest as contests,
    library::{self, Filter},
    testing, unit as units,
};

const N: usize = 100_000;

const SUBJECTS: &[&str] = &[
    "Dịch vụ công trực tuyến",
    "Đăng ký kinh doanh",
    "Hồ sơ một cửa",
    "Cấp giấy chứng nhận quyền sử dụng đất",
    "Chứng thực bản sao điện tử",
    "Khám chữa bệnh",
    "Tuyển sinh đầu cấp",
    "Thanh toán không dùng tiền mặt",
    "Bảo hiểm xã hội",
    "Cấp phép xây dựng",
    "Hộ tịch",
    "Thuế hộ kinh doanh",
    "Khảo sát sự hài lòng",
    "Số hóa hồ sơ lưu trữ",
    "Tiếp công dân",
    "Giải quyết khiếu nại",
];
const PLACES: &[&str] = &[
    "cấp xã",
    "huyện Hòa An",
    "thành phố Cao Bằng",
    "huyện Bảo Lạc",
    "Sở Tư pháp",
    "bệnh viện tuyến tỉnh",
    "Trung tâm Phục vụ hành chính công",
    "vùng cao",
    "huyện Trùng Khánh",
    "Sở Tài nguyên và Môi trường",
];
const HOW: &[&str] = &[
    "qua Zalo",
    "bằng mã QR",
    "trên điện thoại",
    "liên thông điện tử",
    "trả kết quả tại nhà",
    "không giấy tờ",
    "theo lịch hẹn trực tuyến",
    "có hướng dẫn tại chỗ",
];
const BODY: &str = "Người dân và doanh nghiệp giảm thời gian đi lại, chi phí thực hiện thủ tục hành chính; \
                    cán bộ tiếp nhận hồ sơ nhanh hơn, tra cứu dễ dàng, công khai minh bạch kết quả giải quyết.";

async fn setup() -> (testing::TestDb, Store) {
    let db = testing::fresh(testing::backend_from_env()).await.unwrap();
    let store = Store::connect(&db.url).await.unwrap();
    store.migrate().await.unwrap();
    let actor = Actor::system(1_600_000_000);
    let mut tx = store.begin().await.unwrap();
    let u = unit::validate(
        "SNV",
        "Sở Nội vụ",
        UnitKind::Department.as_str(),
        None,
        &|_| true,
    )
    .unwrap();
    units::import(&mut tx, &actor, &[u]).await.unwrap();
    let input = ContestInput {
        title: "Cuộc thi đo hiệu năng thư viện".into(),
        year: 2021,
        plan: PlanInput {
            number: "1/KH".into(),
            date: "2021-09-30".into(),
            signer: String::new(),
        },
        organizer_unit_code: "SNV".into(),
        participant_unit_codes: vec!["SNV".into()],
        topics: vec![TopicInput {
            code: "TTHC".into(),
            name: "Thủ tục hành chính".into(),
            group: "CCHC".into(),
        }],
        opens_at: "2021-10-01".into(),
        submission_deadline: "2021-10-31".into(),
        criteria: vec![CriterionInput {
            code: "a".into(),
            name: "A".into(),
            max_points: 100.0,
            ..Default::default()
        }],
        ..Default::default()
    };
    let settings = contest::validate(&input, &|c| c == "SNV").unwrap();
    let c = contests::create(&mut tx, &actor, &settings).await.unwrap();
    let unit_id: i64 = sqlx::query_scalar("select unit_id from unit where code = 'SNV'")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    let pg = store.backend() == sangkien_storage::Backend::Postgres;
    let mut seed = 0x2021_u64;
    let mut pick = |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize % n
    };
    for i in 0..N {
        let title = format!(
            "{} {} {} số {i}",
            SUBJECTS[pick(SUBJECTS.len())],
            HOW[pick(HOW.len())],
            PLACES[pick(PLACES.len())]
        );
        let id: i64 = sqlx::query_scalar(
            "insert into entry (contest_id, unit_id, status, title, content, version, created_by, created_at, updated_at) \
             values ($1, $2, 'submitted', $3, '{}', 1, 'bench', 0, 0) returning entry_id",
        )
        .bind(c.id)
        .bind(unit_id)
        .bind(&title)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        let (st, sb) = search_fields(&title, &[BODY, PLACES[pick(PLACES.len())]]);
        sqlx::query(
            "insert into library_entry (entry_id, contest_id, unit_code, topic_code, year, tier, title, title_key, \
             document, search_title, search_body, published_at) values ($1, $2, 'SNV', 'TTHC', $3, null, $4, $5, '{}', $6, $7, $8)",
        )
        .bind(id)
        .bind(c.id)
        .bind(2015 + (i % 10) as i64)
        .bind(&title)
        .bind(sort_key_text(&title))
        .bind(&st)
        .bind(&sb)
        .bind(i as i64)
        .execute(&mut *tx)
        .await
        .unwrap();
        if !pg {
            sqlx::query("insert into library_fts (rowid, title, body) values ($1, $2, $3)")
                .bind(id)
                .bind(&st)
                .bind(&sb)
                .execute(&mut *tx)
                .await
                .unwrap();
        }
    }
    Store::commit(tx).await.unwrap();
    (db, store)
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let (_db, store) = rt.block_on(setup());
    let mut group = c.benchmark_group("library search, 100000 initiatives");
    for (name, q, sort) in [
        ("rare words", "dang ky kinh doanh qua zalo", ""),
        ("common words", "ho so", ""),
        ("prefix", "dich vu cong truc tuy", ""),
        ("by title, no query, page 1", "", "title"),
        ("newest, year filter", "", ""),
    ] {
        let filter = Filter {
            q: q.into(),
            sort: sort.into(),
            year: if name.starts_with("newest") { 2019 } else { 0 },
            ..Default::default()
        };
        group.bench_function(name, |b| {
            b.iter(|| {
                rt.block_on(async {
                    let mut conn = store.reader().await.unwrap();
                    library::search(&mut conn, &filter, 20, 0).await.unwrap()
                })
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
