//! A 50 MB upload never sits whole in memory (issue 13): the bytes allocated at once while a
//! file of the default limit is uploaded and read back stay a small fraction of its size, on
//! both backends. This is its own test binary because it counts every allocation of the
//! process with a global allocator, which other tests running beside it would disturb.

use peak_alloc::PeakAlloc;
use sha2::{Digest, Sha256};
use tabara_core::files::{CHUNK_BYTES, DEFAULT_MAX_BYTES, FilePurpose};
use tabara_core::htcds::{Gender, OrgType};
use tabara_core::ids::{CaseId, OrganisationId, PersonId};
use tabara_core::records::{
    CaseFacts, Involvement, Organisation, Person, PersonFacts, PersonIdentity, VictimContext,
};
use tabara_store::files::NewFile;
use tabara_store::testing::TestDb;
use tabara_store::{Actor, NewCase};

#[global_allocator]
static ALLOCATOR: PeakAlloc = PeakAlloc;

/// `len` bytes of a PDF made as they are read: nothing of it is held.
struct Generated {
    len: usize,
    at: usize,
}

impl tokio::io::AsyncRead for Generated {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let head = b"%PDF-1.7\n";
        let n = buf.remaining().min(self.len - self.at).min(8192);
        let mut chunk = vec![0u8; n];
        for (i, b) in chunk.iter_mut().enumerate() {
            let at = self.at + i;
            *b = head.get(at).copied().unwrap_or((at % 251) as u8);
        }
        buf.put_slice(&chunk);
        self.at += n;
        std::task::Poll::Ready(Ok(()))
    }
}

async fn expected_hash(len: usize) -> String {
    use tokio::io::AsyncReadExt as _;
    let mut g = Generated { len, at: 0 };
    let mut h = Sha256::new();
    let mut buf = vec![0u8; CHUNK_BYTES];
    loop {
        let n = g.read(&mut buf).await.unwrap();
        if n == 0 {
            return hex::encode(h.finalize());
        }
        h.update(&buf[..n]);
    }
}

async fn fifty_megabytes(db: &TestDb, hash: &str) {
    let s = &db.store;
    let system = Actor::system("test");
    let org = Organisation {
        id: OrganisationId::new(),
        name: "Police judiciaire".into(),
        org_type: OrgType::CentralGovernmentOrganisation,
        street: None,
        city: None,
        province: None,
        country: None,
        phone: None,
        version: 1,
    };
    s.create_organisation(&system, &org).await.unwrap();
    let case = s
        .create_case(
            &system,
            &NewCase {
                id: CaseId::new(),
                organisation_id: org.id,
                office_id: None,
                owner_id: None,
                facts: CaseFacts::opened(chrono::NaiveDate::from_ymd_opt(2026, 1, 10).unwrap()),
            },
        )
        .await
        .unwrap();
    let person = Person {
        id: PersonId::new(),
        organisation_id: org.id,
        facts: PersonFacts {
            gender: Gender::Feminine,
            age_at_registration: Some(30),
            age_uncertain: false,
            citizenship: vec![],
            marital_status: None,
            number_of_children: None,
            primary_language: None,
            secondary_language: None,
            education: None,
            deceased: false,
            registered_on: chrono::NaiveDate::from_ymd_opt(2026, 1, 10).unwrap(),
        },
        version: 1,
    };
    s.create_person(&system, &person, &PersonIdentity::default())
        .await
        .unwrap();
    s.add_case_person(
        &system,
        case.id,
        person.id,
        &Involvement::Victim(VictimContext::default()),
    )
    .await
    .unwrap();
    let len = DEFAULT_MAX_BYTES as usize;
    let before = ALLOCATOR.current_usage();
    ALLOCATOR.reset_peak_usage();
    let f = s
        .put_file(
            &system,
            NewFile {
                case: case.id,
                person: person.id,
                purpose: FilePurpose::Evidence,
                name: "statement.pdf",
                declared_type: Some("application/pdf"),
                limit: DEFAULT_MAX_BYTES,
            },
            Generated { len, at: 0 },
        )
        .await
        .unwrap();
    let upload_peak = ALLOCATOR.peak_usage().saturating_sub(before);
    assert_eq!(f.size, len as u64);
    assert_eq!(f.sha256, hash);
    assert_eq!(f.chunks as usize, len / CHUNK_BYTES);
    let before = ALLOCATOR.current_usage();
    ALLOCATOR.reset_peak_usage();
    let (_, mut r) = s.read_file(&system, f.id).await.unwrap();
    let mut h = Sha256::new();
    let mut n = 0;
    while let Some(c) = r.next_chunk().await.unwrap() {
        n += c.len();
        h.update(&c);
    }
    let read_peak = ALLOCATOR.peak_usage().saturating_sub(before);
    assert_eq!(n, len);
    assert_eq!(hex::encode(h.finalize()), hash);
    eprintln!(
        "{:?}: at most {upload_peak} bytes held at once by the upload, {read_peak} by the read",
        s.dialect()
    );
    // Whole in memory would be 50 MB; streamed, a few chunks and the backend's buffers.
    let bound = 8 * 1024 * 1024;
    assert!(
        upload_peak < bound && read_peak < bound,
        "{:?}: upload held {upload_peak} bytes at once, the read {read_peak}",
        s.dialect()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fifty_megabyte_file_is_streamed_in_and_out_on_both_backends() {
    let hash = expected_hash(DEFAULT_MAX_BYTES as usize).await;
    let db = TestDb::sqlite().await;
    fifty_megabytes(&db, &hash).await;
    db.finish().await;
    if let Some(db) = TestDb::postgres().await {
        fifty_megabytes(&db, &hash).await;
        db.finish().await;
    }
}
