//! Vietnamese alphabetical order of real unit names (Cao Bằng, 2021).

use sangkien_domain::collate::{cmp_vi, sort_by_vi};

#[test]
fn cao_bang_units_sort_as_a_vietnamese_reader_expects() {
    let mut names = vec![
        "Văn phòng Ủy ban nhân dân tỉnh",
        "Sở Tư pháp",
        "Sở Thông tin và Truyền thông",
        "Sở Tài chính",
        "Sở Tài nguyên và Môi trường",
        "Sở Nông nghiệp và Phát triển nông thôn",
        "Sở Nội vụ",
        "Sở Ngoại vụ",
        "Sở Khoa học và Công nghệ",
        "Sở Kế hoạch và Đầu tư",
        "Sở Y tế",
        "Sở Xây dựng",
        "Ban Quản lý Khu kinh tế tỉnh",
        "Ban Dân tộc",
        "huyện Bảo Lâm",
        "huyện Bảo Lạc",
        "huyện Hạ Lang",
        "huyện Hà Quảng",
        "huyện Hòa An",
        "Đài Phát thanh - Truyền hình",
        "Sở Du lịch",
    ];
    sort_by_vi(&mut names, |n| n);
    assert_eq!(
        names,
        vec![
            "Ban Dân tộc",
            "Ban Quản lý Khu kinh tế tỉnh",
            "Đài Phát thanh - Truyền hình",
            "huyện Bảo Lạc",
            "huyện Bảo Lâm",
            "huyện Hà Quảng",
            "huyện Hạ Lang",
            "huyện Hòa An",
            "Sở Du lịch",
            "Sở Kế hoạch và Đầu tư",
            "Sở Khoa học và Công nghệ",
            "Sở Ngoại vụ",
            "Sở Nội vụ",
            "Sở Nông nghiệp và Phát triển nông thôn",
            "Sở Tài chính",
            "Sở Tài nguyên và Môi trường",
            "Sở Thông tin và Truyền thông",
            "Sở Tư pháp",
            "Sở Xây dựng",
            "Sở Y tế",
            "Văn phòng Ủy ban nhân dân tỉnh",
        ]
    );
    // Syllable by syllable: hà before hạ, whatever follows.
    assert!(cmp_vi("huyện Hà Quảng", "huyện Hạ Lang").is_lt());
    // Byte order would put "Bảo Lâm" (â = U+00E2) before "Bảo Lạc" (ạ = U+1EA1), and
    // "Đài" after every Latin letter.
    assert!("huyện Bảo Lâm" < "huyện Bảo Lạc");
    assert!(cmp_vi("huyện Bảo Lạc", "huyện Bảo Lâm").is_lt());
}

mod text_key {
    use proptest::prelude::*;
    use sangkien_domain::collate::{cmp_vi, sort_key_text};

    fn word() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            proptest::sample::select(vec![
                'a', 'à', 'ả', 'ã', 'á', 'ạ', 'ă', 'â', 'ầ', 'b', 'c', 'd', 'đ', 'Đ', 'e', 'ê',
                'ế', 'h', 'i', 'n', 'o', 'ô', 'ơ', 'ợ', 'u', 'ư', 'ữ', 'y', 'A', 'B', '1', '2',
                '-',
            ]),
            1..5,
        )
        .prop_map(|cs| cs.into_iter().collect())
    }

    proptest! {
        /// Sorting by the text key is sorting in Vietnamese order.
        #[test]
        fn text_key_order_is_vietnamese_order(a in proptest::collection::vec(word(), 1..4), b in proptest::collection::vec(word(), 1..4)) {
            let (a, b) = (a.join(" "), b.join(" "));
            prop_assert_eq!(sort_key_text(&a).cmp(&sort_key_text(&b)), cmp_vi(&a, &b), "{} / {}", a, b);
        }
    }
}
