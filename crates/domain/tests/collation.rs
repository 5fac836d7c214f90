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
