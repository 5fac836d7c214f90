//! The audit chain: each record's hash covers its content and the previous hash, so
//! an edited or deleted record breaks the chain at a point that can be named.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The hash before the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The content of one audit record, as hashed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditContent {
    pub seq: i64,
    pub at: i64,
    pub actor: Option<String>,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub contest_id: Option<i64>,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// SHA-256 (hex) of the previous hash and the record's content in a fixed order.
/// The content is serialised as a JSON array, so field boundaries are unambiguous.
pub fn record_hash(prev_hash: &str, c: &AuditContent) -> String {
    let canonical = serde_json::json!([
        prev_hash,
        c.seq,
        c.at,
        c.actor,
        c.action,
        c.object_type,
        c.object_id,
        c.contest_id,
        c.before,
        c.after
    ]);
    let mut h = Sha256::new();
    h.update(canonical.to_string().as_bytes());
    hex::encode(h.finalize())
}

/// A stored record: its content and the hashes it was stored with.
#[derive(Debug, Clone)]
pub struct StoredRecord {
    pub content: AuditContent,
    pub prev_hash: String,
    pub hash: String,
}

/// Why the chain is broken, naming the first bad record by its sequence number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    #[error("bản ghi nhật ký số {seq} đã bị sửa: mã băm không khớp nội dung")]
    Altered { seq: i64 },
    #[error("chuỗi nhật ký bị đứt trước bản ghi số {seq}: bản ghi liền trước đã bị xóa hoặc sửa")]
    Broken { seq: i64 },
    #[error("thiếu bản ghi nhật ký số {expected_seq}: bản ghi đã bị xóa")]
    Missing { expected_seq: i64 },
    #[error("bản ghi nhật ký cuối cùng (số {last_seq}) đã bị xóa hoặc sửa so với đầu chuỗi đã lưu")]
    HeadMismatch { last_seq: i64 },
}

/// Checks records one at a time, in sequence order, so a long chain is verified
/// without holding it in memory.
#[derive(Debug)]
pub struct ChainVerifier {
    prev: String,
    expected_seq: i64,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self::new()
    }
}

impl ChainVerifier {
    pub fn new() -> Self {
        Self {
            prev: GENESIS.to_string(),
            expected_seq: 1,
        }
    }

    /// Checks the next record: its number, its link to the previous one, its hash.
    pub fn push(&mut self, r: StoredRecord) -> Result<(), ChainError> {
        if r.content.seq != self.expected_seq {
            return Err(ChainError::Missing {
                expected_seq: self.expected_seq,
            });
        }
        if r.prev_hash != self.prev {
            return Err(ChainError::Broken { seq: r.content.seq });
        }
        if record_hash(&r.prev_hash, &r.content) != r.hash {
            return Err(ChainError::Altered { seq: r.content.seq });
        }
        self.prev = r.hash;
        self.expected_seq += 1;
        Ok(())
    }

    /// Compares the end of the chain with the stored head (last number and hash), which
    /// catches a deleted last record. Returns the number of records checked.
    pub fn finish(self, head: (i64, &str)) -> Result<i64, ChainError> {
        let count = self.expected_seq - 1;
        if head.0 != count || head.1 != self.prev {
            return Err(ChainError::HeadMismatch { last_seq: count });
        }
        Ok(count)
    }
}

/// Verifies records given in sequence order against the stored head.
pub fn verify_chain(
    records: impl IntoIterator<Item = StoredRecord>,
    head: (i64, &str),
) -> Result<i64, ChainError> {
    let mut v = ChainVerifier::new();
    for r in records {
        v.push(r)?;
    }
    v.finish(head)
}

/// What an audited action did, in words a civil servant reads; `None` for an action
/// this list does not know (the page then shows its code).
pub fn action_vi(action: &str) -> Option<&'static str> {
    Some(match action {
        "account.create" => "Tạo tài khoản",
        "account.update" => "Sửa tài khoản",
        "account.username" => "Đổi tên đăng nhập",
        "adoption.add" => "Ghi nhận áp dụng sáng kiến",
        "adoption.evidence" => "Tải lên minh chứng áp dụng",
        "assignment.replace" => "Phân công chấm",
        "attachment.add" => "Tải lên tệp",
        "attachment.delete" => "Xóa tệp",
        "awards.approve" => "Phê duyệt khen thưởng",
        "awards.propose" => "Đề xuất giải theo thứ hạng",
        "awards.put" => "Điều chỉnh danh sách giải",
        "awards.return" => "Trả lại danh sách giải",
        "awards.submit" => "Trình phê duyệt khen thưởng",
        "conflict.declare" => "Khai báo xung đột lợi ích",
        "contest.create" => "Tạo cuộc thi",
        "contest.extension" => "Gia hạn nộp bài",
        "contest.remind" => "Nhắc đơn vị nộp bài",
        "contest.remind_judges" => "Nhắc thành viên Hội đồng chấm",
        "contest.transition" => "Chuyển bước cuộc thi",
        "contest.update" => "Sửa thiết lập cuộc thi",
        "council.put" => "Thành lập, sửa Hội đồng",
        "entry.create" => "Tạo sáng kiến",
        "entry.forward" => "Chuyển sáng kiến lên cấp trên",
        "entry.screen" => "Xét điều kiện sáng kiến",
        "entry.status" => "Đổi trạng thái sáng kiến",
        "entry.submit" => "Nộp sáng kiến",
        "entry.update" => "Sửa sáng kiến",
        "library.put" => "Đưa vào thư viện",
        "library.remove" => "Rút khỏi thư viện",
        "results.publish" => "Công bố kết quả",
        "settings.update" => "Sửa thiết lập hệ thống",
        "sheet.submit" => "Nộp phiếu chấm",
        "sheet.unlock" => "Mở lại phiếu chấm",
        "unit.code" => "Đổi mã đơn vị",
        "unit.create" => "Thêm đơn vị",
        "unit.delete" => "Xóa đơn vị",
        "unit.update" => "Sửa đơn vị",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<StoredRecord> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let content = AuditContent {
                    seq,
                    at: 1_600_000_000 + seq,
                    actor: Some("snv.organizer".into()),
                    action: "contest.create".into(),
                    object_type: "contest".into(),
                    object_id: seq.to_string(),
                    contest_id: Some(seq),
                    before: None,
                    after: Some(format!("{{\"n\":{seq}}}")),
                };
                let hash = record_hash(&prev, &content);
                let r = StoredRecord {
                    content,
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                r
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies() {
        let c = chain(5);
        let head = c.last().map(|r| r.hash.clone()).unwrap_or_default();
        assert_eq!(verify_chain(c, (5, &head)), Ok(5));
    }

    #[test]
    fn an_edit_names_the_edited_record() {
        let mut c = chain(5);
        let head = c[4].hash.clone();
        c[2].content.after = Some("{\"n\":99}".into());
        assert_eq!(
            verify_chain(c, (5, &head)),
            Err(ChainError::Altered { seq: 3 })
        );
    }

    #[test]
    fn a_deletion_names_the_gap() {
        let mut c = chain(5);
        let head = c[4].hash.clone();
        c.remove(1);
        assert_eq!(
            verify_chain(c, (5, &head)),
            Err(ChainError::Missing { expected_seq: 2 })
        );
    }

    #[test]
    fn deleting_the_last_record_is_caught_by_the_head() {
        let mut c = chain(5);
        let head = c[4].hash.clone();
        c.pop();
        assert_eq!(
            verify_chain(c, (5, &head)),
            Err(ChainError::HeadMismatch { last_seq: 4 })
        );
    }
}
