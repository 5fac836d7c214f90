//! Library search over 100,000 initiatives through the real storage path (issue 7):
//! a fresh SQLite database (or PostgreSQL with SANGKIEN_TEST_DB=postgres) filled with
//! generated Vietnamese titles and texts, then `storage::library::search` for common and
//! rare queries, typed without diacritics as people do.
//!
//!   cargo bench -p sangkien-storage --bench library
#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use sangkien_storage::{
    Store,
    library::{self, Filter},
    testing,
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
    let mut seed = 0x2021_u64;
    let mut pick = |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize % n
    };
    let items: Vec<(String, String)> = (0..N)
        .map(|i| {
            let title = format!(
                "{} {} {} số {i}",
                SUBJECTS[pick(SUBJECTS.len())],
                HOW[pick(HOW.len())],
                PLACES[pick(PLACES.len())]
            );
            (title, format!("{BODY} {}", PLACES[pick(PLACES.len())]))
        })
        .collect();
    testing::fill_library(&store, &items).await.unwrap();
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
