//! `tabara`: the one binary. Parses the command line, opens the register and calls the store;
//! formatting for people (tables) or scripts (`--json`) happens here and nowhere else.

/// `println!` for command output: a write error (a reader that closed the pipe,
/// `tabara case list | head`) is returned with `?` instead of panicking, and `main` ends quietly.
macro_rules! outln {
    () => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock())?
    }};
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)?
    }};
}

/// `print!` for command output, returning write errors like [`outln!`].
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        write!(std::io::stdout().lock(), $($arg)*)?
    }};
}

mod commands;
mod output;

use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Tabara: counter-trafficking case register (screening, referral, investigation, statistics).
#[derive(Debug, Parser)]
#[command(name = "tabara", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// Where the register lives: an SQLite file path (created by `init` or `demo`), `sqlite:PATH`,
    /// or a `postgres://user:password@host:5432/database` URL.
    #[arg(
        long,
        global = true,
        env = "TABARA_DATABASE",
        default_value = "tabara.db"
    )]
    pub database: String,

    /// The register's master key file (owner-only). Defaults to the SQLite file's name with
    /// `.key` added (`tabara.db.key`); a PostgreSQL register needs it named. `init` and `demo`
    /// create it when it is missing; every other command refuses to run without it.
    #[arg(long, global = true, env = "TABARA_KEY_FILE")]
    pub key_file: Option<std::path::PathBuf>,

    /// The key file that signs the audit log's checkpoints (owner-only). Defaults to the SQLite
    /// file's name with `.signing.key` added; `init` and `demo` create it beside the register
    /// (a PostgreSQL register's is named, and made with `tabara key create --signing`).
    #[arg(long, global = true, env = "TABARA_SIGNING_KEY")]
    pub signing_key: Option<std::path::PathBuf>,

    /// Keep files' sealed chunks in this folder instead of in the register (it must exist;
    /// every command and server of the register is given the same folder).
    #[arg(long, global = true, env = "TABARA_FILES_DIR")]
    pub files_dir: Option<std::path::PathBuf>,

    /// Print machine-readable JSON instead of tables.
    #[arg(long, global = true)]
    pub json: bool,

    /// Language of the output: en, fr or rn (Kirundi, falling back to French); another language
    /// is refused. Defaults to the environment's LANG, then English.
    #[arg(long, global = true, env = "TABARA_LANG")]
    pub lang: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new register with its first administrator account.
    ///
    /// The administrator's password is read from TABARA_ADMIN_PASSWORD; without it a strong
    /// random password is generated and printed once.
    Init(InitArgs),
    /// Fill a new register with a fictional, deterministic demo data set.
    ///
    /// Burundi's provinces, 17 border posts and police stations, the partner agencies, one
    /// account per role, persons with Kirundi and French names (some registered twice with
    /// spelling variants) and cases across every HTCDS exploitation type.
    Demo(DemoArgs),
    /// Read cases.
    #[command(subcommand)]
    Case(CaseCommand),
    /// Check or read the tamper-evident audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Read screenings of victims: the outcome, its reasons and the next steps.
    #[command(subcommand)]
    Screening(ScreeningCommand),
    /// Manage user accounts: add, disable, enable, reset a password.
    #[command(subcommand)]
    User(UserCommand),
    /// Serve the web application.
    ///
    /// Pages for every role, with sign-in, sessions and need-to-know access. Stops cleanly on
    /// Ctrl-C or SIGTERM, finishing the requests under way.
    Serve(ServeArgs),
    /// Read referrals between agencies (no personal data: ids, case references, agencies,
    /// services, status and deadlines).
    #[command(subcommand)]
    Referral(ReferralCommand),
    /// Export victims (one row per victim and case) with HTCDS field names as columns.
    ///
    /// Identifying fields are left out unless --with-identity is given; then every person's
    /// identity read is written to the audit log.
    Export(ExportArgs),
    /// Raise the alerts that are due (overdue referrals, high risks, due reassessments).
    #[command(subcommand)]
    Alerts(AlertsCommand),
    /// Manage the register's master key file.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Data-subject rights on persons: erasure.
    #[command(subcommand)]
    Person(PersonCommand),
    /// Retention: what the rules let go (persons of cases closed long ago, persons in no case,
    /// ended sessions, read notifications), as a dry run or carried out.
    #[command(subcommand)]
    Retention(RetentionCommand),
    /// Files about a person of a case (evidence, identity documents, consent forms), kept
    /// encrypted: attach one, list them, write one out (each read audited).
    #[command(subcommand)]
    File(FileCommand),
    /// Suspects in police custody and the time left before the legal limit (issue 14).
    #[command(subcommand)]
    Custody(CustodyCommand),
    /// Machine-readable zones of passports, identity cards and visas (ICAO Doc 9303).
    #[command(subcommand)]
    Mrz(MrzCommand),
    /// Phones for offline field capture (ODK Collect, KoboCollect): issue them to an account,
    /// list an agency's, revoke one (issue 16).
    #[command(subcommand)]
    Field(FieldCommand),
    /// Back up the register (encrypted, signed), check a backup, restore one (also from
    /// SQLite into PostgreSQL and back).
    #[command(subcommand)]
    Backup(BackupCommand),
}

/// `retention` subcommands.
#[derive(Debug, Subcommand)]
pub enum RetentionCommand {
    /// What the rules would let go now, changing nothing (a dry run).
    Report(RetentionArgs),
    /// Let it go: erase the persons due (a legal hold makes them wait), delete ended sessions
    /// and read notifications. `serve` does it once a day.
    Run(RetentionArgs),
}

/// Options of `retention report` and `retention run`.
#[derive(Debug, Args)]
pub struct RetentionArgs {
    /// Periods over the defaults, as `kind=days` or `kind=off` pairs separated by commas:
    /// closed_case_persons (3650), persons_without_case (365), ended_sessions (30),
    /// read_notifications (365).
    #[arg(long, env = "TABARA_RETENTION", default_value = "")]
    pub rules: String,
}

/// `field` subcommands.
#[derive(Debug, Subcommand)]
pub enum FieldCommand {
    /// Issue phones to an account (its agency's): prints each one's login, token and the two
    /// server addresses (by token; the agency's, with Digest). The token is shown only here.
    Issue(FieldIssueArgs),
    /// The phones of the account's agency, newest first: id, login, label, when last heard from.
    List(FieldListArgs),
    /// Revoke a phone by id: its token and login stop working at once.
    Revoke(FieldRevokeArgs),
}

/// Options of `field issue`.
#[derive(Debug, Args)]
pub struct FieldIssueArgs {
    /// The account the phones act for (its user name).
    #[arg(long)]
    pub user: String,
    /// What the agency calls the phone (a number is added when more than one is issued).
    #[arg(long)]
    pub label: String,
    /// How many phones to issue at once.
    #[arg(long, default_value_t = 1)]
    pub count: u32,
    /// The address Tabara is reached at, for the server addresses printed.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub public_url: String,
}

/// Options of `field list`.
#[derive(Debug, Args)]
pub struct FieldListArgs {
    /// An account of the agency (its user name).
    #[arg(long)]
    pub user: String,
}

/// Options of `field revoke`.
#[derive(Debug, Args)]
pub struct FieldRevokeArgs {
    /// The phone's id, as `field list` prints it.
    pub id: String,
}

/// `custody` subcommands.
#[derive(Debug, Subcommand)]
pub enum CustodyCommand {
    /// Everyone in custody, the soonest deadline first: case, custody id, person id, the
    /// deadline in the jurisdiction's time (Bujumbura), the time left or how long overdue.
    List(CustodyListArgs),
}

/// Options of `custody list`.
#[derive(Debug, Args)]
pub struct CustodyListArgs {
    /// Only those at or past their legal limit without a release, transfer or extension.
    #[arg(long)]
    pub overdue: bool,
}

/// `mrz` subcommands.
#[derive(Debug, Subcommand)]
pub enum MrzCommand {
    /// Check a zone: every field with its check digit, each problem with its line, position
    /// and rule, the warnings, and the repairs of OCR confusions the check digits prove (shown,
    /// never applied). Exit status 0 when valid, 1 when not. Needs no register.
    Check(MrzCheckArgs),
    /// Read the zone from a photo of the document page (JPEG or PNG): the lines as read, the
    /// characters the check digits proved and corrected, the places to look at closely, then
    /// the zone checked as `mrz check` does. Exit status 0 when a valid zone was read, 1
    /// otherwise. Needs no register; the photo is not kept.
    Read(MrzReadArgs),
    /// Import entries of the lost, stolen and fraudulent documents list from a CSV file with
    /// the header `issuing_state,number,reason,reported_on,source` (reason: lost, stolen,
    /// fraudulent or revoked; reported_on: YYYY-MM-DD). Good rows are added, or replace the
    /// entry of the same state and number; each bad row is reported by its line and left out
    /// (exit status 1 then). One audit entry per import.
    ImportLost(MrzImportLostArgs),
    /// The lost, stolen and fraudulent documents list, most recently reported first.
    Lost(MrzLostArgs),
}

/// Options of `mrz import-lost`.
#[derive(Debug, Args)]
pub struct MrzImportLostArgs {
    /// The CSV file (`-` for standard input).
    pub file: String,
}

/// Options of `mrz lost`.
#[derive(Debug, Args)]
pub struct MrzLostArgs {
    /// At most this many entries.
    #[arg(long, default_value_t = 100)]
    pub limit: i64,
}

/// Options of `mrz read`.
#[derive(Debug, Args)]
pub struct MrzReadArgs {
    /// The photo (JPEG or PNG).
    pub photo: String,
    /// Accept ICAO's specimen state UTO (training).
    #[arg(long)]
    pub specimen: bool,
    /// The day expiry and two-digit years are judged against (YYYY-MM-DD; default today).
    #[arg(long)]
    pub today: Option<String>,
}

/// Options of `mrz check`.
#[derive(Debug, Args)]
pub struct MrzCheckArgs {
    /// The zone's lines (quote each; `<` is special to the shell), or all of it on one; read
    /// from standard input when none is given.
    pub lines: Vec<String>,
    /// Accept ICAO's specimen state UTO (training).
    #[arg(long)]
    pub specimen: bool,
    /// The day expiry and two-digit years are judged against (YYYY-MM-DD; default today).
    #[arg(long)]
    pub today: Option<String>,
}

/// `file` subcommands.
#[derive(Debug, Subcommand)]
pub enum FileCommand {
    /// Attach a file to a person of a case: sealed under its own key, its SHA-256 recorded.
    /// A PDF or a JPEG, PNG, TIFF or WebP image (told by its content), at most --max-mb.
    Put(FilePutArgs),
    /// The files of a person in a case: id, what it is, type, size, SHA-256, when.
    List(FileListArgs),
    /// Write a file out (audited); its SHA-256 is checked before the output is kept.
    Get(FileGetArgs),
}

/// Options of `file put`.
#[derive(Debug, Args)]
pub struct FilePutArgs {
    /// The case, as TBR-000123 or its number.
    #[arg(long)]
    pub case: String,
    /// The person's id.
    #[arg(long)]
    pub person: String,
    /// What it is: evidence, identity_document, consent_form or other.
    #[arg(long)]
    pub purpose: String,
    /// The size limit in MB.
    #[arg(long, default_value_t = 50)]
    pub max_mb: u64,
    /// The file.
    pub path: std::path::PathBuf,
}

/// Options of `file list`.
#[derive(Debug, Args)]
pub struct FileListArgs {
    /// The case, as TBR-000123 or its number.
    #[arg(long)]
    pub case: String,
    /// The person's id.
    #[arg(long)]
    pub person: String,
}

/// Options of `file get`.
#[derive(Debug, Args)]
pub struct FileGetArgs {
    /// The file's id.
    pub file: String,
    /// Where to write it (refused when it exists).
    #[arg(long)]
    pub output: std::path::PathBuf,
}

/// `key` subcommands.
#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Create the master key file (--key-file, or beside the SQLite file) when there is none:
    /// for a register made before keys existed. Keep a copy apart from the register's
    /// backups: without it the register does not open.
    Create(KeyCreateArgs),
    /// Re-wrap every key of the register under a new master key (made in --new-key-file when
    /// that file is not there yet), without re-encrypting any data. Stop the server first.
    /// Interrupted, the register refuses to open until the same command is run again; it goes
    /// on where it stopped. Then put the new key file in the old one's place.
    Rotate(KeyRotateArgs),
    /// Write a key backup: every person's data key (wrapped by the master key) and the list of
    /// persons erased, sealed and signed. A backup holds no person's key: it restores with a
    /// key backup made after it. Keep key backups with the master key, apart from the backups,
    /// and only the last few: a person erased stays readable from older backups only through a
    /// key backup made before their erasure.
    Backup(BackupCreateArgs),
}

/// Options of `key rotate`.
#[derive(Debug, Args)]
pub struct KeyRotateArgs {
    /// The new master key file: made when missing, read when a rotation is being finished.
    #[arg(long)]
    pub new_key_file: std::path::PathBuf,
    /// Data keys re-wrapped per transaction.
    #[arg(long, default_value_t = 5000, hide = true)]
    pub batch: i64,
    /// Stop after this many batches (to try an interrupted rotation).
    #[arg(long, hide = true)]
    pub max_batches: Option<u64>,
}

/// Options of `key create`.
#[derive(Debug, Args)]
pub struct KeyCreateArgs {
    /// Create the checkpoint signing key file (--signing-key, or beside the SQLite file)
    /// instead of the master key file.
    #[arg(long)]
    pub signing: bool,
}

/// `alerts` subcommands.
#[derive(Debug, Subcommand)]
pub enum AlertsCommand {
    /// Raise every alert due now, once each (also when several servers or runs overlap), with
    /// a notification to each recipient's inbox; for a cron job. `serve` does it on its own
    /// (--alerts-every).
    Run(AlertsRunArgs),
}

/// Options of `alerts run`.
#[derive(Debug, Args)]
pub struct AlertsRunArgs {
    /// Then send the pending notifications over this channel.
    #[arg(long, value_enum)]
    pub deliver: Option<Channel>,
    /// Alerts of each kind raised (and notifications delivered) at most in this run.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(i64).range(1..=500))]
    pub limit: i64,
}

/// External channels of notifications.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Channel {
    /// One line per notification on standard error (ids and kinds, no personal data).
    Log,
}

/// Options of `init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Sign-in name of the first administrator.
    #[arg(long, default_value = "admin")]
    pub admin_username: String,
    /// Name of the organisation that runs this Tabara installation.
    #[arg(long, default_value = "Tabara administration")]
    pub organisation: String,
}

/// Options of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "TABARA_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,
    /// Tabara is reached through an HTTPS proxy: mark cookies Secure and send HSTS.
    #[arg(long, env = "TABARA_BEHIND_TLS")]
    pub behind_tls: bool,
    /// Let one administrator create or reset an account that reads identities or manages
    /// accounts, without a second administrator's approval (for an installation with a single administrator).
    /// Also `TABARA_ADMIN_APPROVAL=off`.
    #[arg(long)]
    pub single_admin_resets: bool,
    /// Raise the due alerts every this many seconds (0: never; then run `tabara alerts run`
    /// from cron).
    #[arg(long, env = "TABARA_ALERTS_EVERY", default_value_t = 60)]
    pub alerts_every: u64,
    /// The roles that sign in with a second factor (TOTP): `default` (every role that reads
    /// identities, and the administrator), `none`, or role names separated by commas.
    #[arg(long, env = "TABARA_SECOND_FACTOR_ROLES", default_value = "default")]
    pub second_factor_roles: String,
    /// Retention periods over the defaults (`kind=days` or `kind=off`, comma-separated; see
    /// `tabara retention report --help`), carried out once a day.
    #[arg(long, env = "TABARA_RETENTION", default_value = "")]
    pub retention: String,
    /// Make a signed checkpoint of the audit log every this many seconds when it has grown
    /// (0: never; then run `tabara audit checkpoint` from cron). Needs the signing key file.
    #[arg(long, env = "TABARA_CHECKPOINT_EVERY", default_value_t = 3600)]
    pub checkpoint_every: u64,
    /// Also write each new checkpoint to this folder (`checkpoint-<size>.txt`): point it at
    /// storage the register's host cannot rewrite (another machine's share, a witness).
    #[arg(long, env = "TABARA_CHECKPOINT_DIR")]
    pub checkpoint_dir: Option<std::path::PathBuf>,
}

/// Options of `demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Seed of the generator: the same seed gives the same data.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Number of persons to create (about 600 cases per 2,000 persons); up to millions for
    /// load and speed work.
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u64).range(1..=20_000_000))]
    pub persons: u64,
    /// Remove every table of an existing register first.
    #[arg(long)]
    pub reset: bool,
    /// Persons written per transaction.
    #[arg(long, default_value_t = 20_000, hide = true)]
    pub batch: usize,
    /// Serve the web application on the demo register once it is loaded.
    #[arg(long)]
    pub serve: bool,
    /// With --serve: address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,
}

/// `referral` subcommands.
#[derive(Debug, Subcommand)]
pub enum ReferralCommand {
    /// List the open referrals of an agency (urgent first, then overdue, then oldest), or
    /// every referral past its answer moment with --overdue.
    List(ReferralListArgs),
}

/// Options of `referral list`.
#[derive(Debug, Args)]
pub struct ReferralListArgs {
    /// The agency (part of its name, case-insensitive; must name one agency). Needed unless
    /// --overdue is given.
    #[arg(long)]
    pub agency: Option<String>,
    /// Which side of the agency's inbox: incoming (addressed to it) or outgoing (sent or
    /// drafted by it).
    #[arg(long, value_enum, default_value_t = ReferralSide::Incoming)]
    pub side: ReferralSide,
    /// Only referrals sent and not answered by their due moment (of the agency, or of every
    /// agency without --agency).
    #[arg(long)]
    pub overdue: bool,
    /// At most this many referrals (1 to 500).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(i64).range(1..=500))]
    pub limit: i64,
}

/// A side of an agency's referral inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReferralSide {
    /// Addressed to the agency.
    Incoming,
    /// Sent or drafted by the agency.
    Outgoing,
}

/// `case` subcommands.
#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// List cases, newest first, a page at a time.
    List(CaseListArgs),
    /// Show one case: facts, persons involved, comments, history.
    Show(CaseShowArgs),
    /// Place a legal hold on a case (under investigation, or before a court): its persons
    /// are not erased while it holds; an erasure asked meanwhile waits.
    Hold(CaseHoldArgs),
    /// List a case's legal holds, lifted ones included.
    Holds(CaseHoldsArgs),
    /// Lift a legal hold; the erasures it was the last to stop are carried out at once.
    Release(CaseReleaseArgs),
}

/// Options of `case hold`.
#[derive(Debug, Args)]
pub struct CaseHoldArgs {
    /// The case's reference (TBR-000123).
    pub case: String,
    /// Why it is held: investigation or court.
    #[arg(long)]
    pub kind: String,
    /// The investigation or court file number (never a name).
    #[arg(long)]
    pub reference: String,
}

/// Options of `case holds`.
#[derive(Debug, Args)]
pub struct CaseHoldsArgs {
    /// The case's reference (TBR-000123).
    pub case: String,
}

/// Options of `case release`.
#[derive(Debug, Args)]
pub struct CaseReleaseArgs {
    /// The hold's id, as `case holds` shows it.
    pub hold: String,
}

/// `backup` subcommands.
#[derive(Debug, Subcommand)]
pub enum BackupCommand {
    /// Write a backup of the whole register to a new file: one consistent snapshot (the server
    /// may keep running), sealed under a key the master key wraps, signed with the signing key.
    Create(BackupCreateArgs),
    /// Restore a backup into a scratch register and check it: its signature, every chunk, the
    /// row counts, the audit chain and the database's integrity; prints "ok" or what is wrong.
    Verify(BackupFileArgs),
    /// Restore a backup into the register named by --database, which must be new or empty
    /// (SQLite or PostgreSQL, whichever the backup came from).
    Restore(BackupRestoreArgs),
}

/// Options of `backup create`.
#[derive(Debug, Args)]
pub struct BackupCreateArgs {
    /// The new backup file (never replaced).
    #[arg(long, short)]
    pub output: std::path::PathBuf,
}

/// Where a restore takes the persons' data keys from.
#[derive(Debug, Args)]
pub struct KeySourceArgs {
    /// A key backup (`tabara key backup`) made after the backup: it gives every person their
    /// key, and the persons erased before it was made are erased in the restored register.
    #[arg(long, conflicts_with = "keys_from")]
    pub keys: Option<std::path::PathBuf>,
    /// A register whose persons' keys to take instead (the one the backup was made from, still
    /// open with the same key file): its erasures are carried out on the restored register.
    #[arg(long)]
    pub keys_from: Option<String>,
}

/// Options of `backup verify`.
#[derive(Debug, Args)]
pub struct BackupFileArgs {
    /// The backup file.
    pub file: std::path::PathBuf,
    /// The public key (64 hex digits) whose backups are trusted; by default the public half
    /// of the signing key file.
    #[arg(long)]
    pub public_key: Option<String>,
    /// With a key source, the verification also opens every identity with its key.
    #[command(flatten)]
    pub source: KeySourceArgs,
}

/// Options of `backup restore`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("key_source").required(true).args(["keys", "keys_from"])))]
pub struct BackupRestoreArgs {
    /// The backup file.
    pub file: std::path::PathBuf,
    /// The public key (64 hex digits) whose backups are trusted; by default the public half
    /// of the signing key file.
    #[arg(long)]
    pub public_key: Option<String>,
    /// Where the persons' keys come from (one of the two is needed).
    #[command(flatten)]
    pub source: KeySourceArgs,
}

/// `person` subcommands.
#[derive(Debug, Subcommand)]
pub enum PersonCommand {
    /// Erase a person: their data key is destroyed, so their identity, its history and their
    /// files no longer open in the register, nor in a backup taken before once restored with
    /// a key backup made after the erasure; held by a case under investigation
    /// or before a court, the erasure waits and says which cases hold it.
    Erase(PersonEraseArgs),
    /// Everything the register holds about a person (their access request): facts, identity,
    /// cases, consents, screenings, the history of changes, and who read or changed the
    /// record; as JSON or PDF. Audited, with the identity read.
    Report(PersonReportArgs),
}

/// Options of `person report`.
#[derive(Debug, Args)]
pub struct PersonReportArgs {
    /// The person's id.
    pub person: String,
    /// json or pdf.
    #[arg(long, value_enum, default_value = "json")]
    pub format: ReportFormat,
    /// Write to this new file instead of standard output (a PDF needs a file).
    #[arg(long, short)]
    pub output: Option<std::path::PathBuf>,
}

/// Formats of `person report`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    /// One JSON document.
    Json,
    /// A printable PDF.
    Pdf,
}

/// Options of `person erase`.
#[derive(Debug, Args)]
pub struct PersonEraseArgs {
    /// The person's id (as the person page and `case show` give it).
    pub person: String,
    /// Why: subject_request, consent_withdrawn, retention_ended or registered_in_error.
    #[arg(long)]
    pub ground: String,
}

/// Options of `case list`.
#[derive(Debug, Args)]
pub struct CaseListArgs {
    /// Only cases with this HTCDS status: Active, FollowUp, Closed or ClosedReferred (any
    /// case; the label, such as "Follow up", is accepted too).
    #[arg(long)]
    pub status: Option<String>,
    /// Only cases with a victim of this HTCDS type of exploitation (e.g. ForcedLabour).
    #[arg(long)]
    pub exploitation: Option<String>,
    /// Only cases opened at an office whose name contains this text (e.g. Gatumba).
    #[arg(long)]
    pub office: Option<String>,
    /// Only cases opened on or after this day (YYYY-MM-DD).
    #[arg(long)]
    pub from: Option<chrono::NaiveDate>,
    /// Only cases opened on or before this day (YYYY-MM-DD).
    #[arg(long)]
    pub to: Option<chrono::NaiveDate>,
    /// Continue after this case number (the "next page" value printed below a page).
    #[arg(long)]
    pub after: Option<i64>,
    /// Cases per page.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(i64).range(1..=500))]
    pub limit: i64,
}

/// Options of `case show`.
#[derive(Debug, Args)]
pub struct CaseShowArgs {
    /// Case reference (TBR-000123) or number.
    pub case: String,
    /// Also show names and other identifying data of the persons (each read is audited).
    #[arg(long)]
    pub with_identity: bool,
}

/// `user` subcommands.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account with a one-time password: read from TABARA_USER_PASSWORD, or
    /// generated and printed once. It is valid 72 hours and only lets its holder choose their
    /// own password at first sign-in.
    Add(UserAddArgs),
    /// Disable an account: it can no longer sign in, and its sessions end.
    Disable(UserNameArg),
    /// Enable a disabled account again.
    Enable(UserNameArg),
    /// Give an account a new one-time password (generated, printed once, valid 72 hours, only
    /// to choose a new password at the next sign-in); its sessions end.
    Reset(UserNameArg),
    /// Create an API token for a machine client acting as this account (printed once).
    Token(UserTokenArgs),
    /// Remove an account's second factor and recovery codes (a lost phone without a recovery
    /// code): it enrols again at its next sign-in.
    ResetSecondFactor(UserNameArg),
}

/// Options of `user token`.
#[derive(Debug, Args)]
pub struct UserTokenArgs {
    /// Sign-in name of the account the client acts as.
    pub username: String,
    /// What the token is for (shown in the audit and to administrators).
    #[arg(long)]
    pub name: String,
    /// Days until the token expires.
    #[arg(long, default_value_t = 90, value_parser = clap::value_parser!(i64).range(1..=730))]
    pub days: i64,
}

/// Options of `user add`.
#[derive(Debug, Args)]
pub struct UserAddArgs {
    /// Sign-in name (letters, digits, `.`, `-`, `_`).
    #[arg(long)]
    pub username: String,
    /// Name shown in the interface.
    #[arg(long)]
    pub display_name: String,
    /// Role: officer, investigator, supervisor, prosecutor, caseworker, child_protection,
    /// legal_aid, trainer, analyst or admin.
    #[arg(long)]
    pub role: String,
    /// The user's agency: a unique part of its name.
    #[arg(long)]
    pub organisation: String,
    /// The user's office: a unique part of its name.
    #[arg(long)]
    pub office: Option<String>,
}

/// An account named on the command line.
#[derive(Debug, Args)]
pub struct UserNameArg {
    /// Sign-in name.
    pub username: String,
}

/// `screening` subcommands.
#[derive(Debug, Subcommand)]
pub enum ScreeningCommand {
    /// Print a screening's outcome, the reasons for it, the next steps, the trafficking or
    /// smuggling findings and the officer's decision.
    Explain(ScreeningExplainArgs),
}

/// Options of `screening explain`.
#[derive(Debug, Args)]
pub struct ScreeningExplainArgs {
    /// The screening's id, as shown on its page.
    pub id: String,
}

/// `audit` subcommands.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check every entry of the hash chain; exit status 1 and the first broken entry if any.
    /// With --checkpoint, also check the log against a signed checkpoint kept elsewhere: a
    /// rewrite of its entries, even with every hash recomputed, is found.
    Verify(AuditVerifyArgs),
    /// Print entries of the log.
    Log(AuditLogArgs),
    /// Make a signed checkpoint of the log now (size, Merkle root, last entry), keep it in
    /// the register and print it (or write it with --output) for a witness to keep.
    Checkpoint(AuditCheckpointArgs),
    /// Print the proof that an entry is in the log's Merkle tree (RFC 6962 audit path).
    Prove(AuditProveArgs),
    /// Print the proof that the tree of an older checkpoint's size is the start of the log's
    /// tree now (RFC 6962 consistency proof).
    Consistency(AuditConsistencyArgs),
}

/// Options of `audit verify`.
#[derive(Debug, Args)]
pub struct AuditVerifyArgs {
    /// A checkpoint file (`tabara audit checkpoint --output`) to check the log against.
    #[arg(long)]
    pub checkpoint: Option<std::path::PathBuf>,
    /// The public key (64 hex digits) whose checkpoints are trusted; by default the public
    /// half of the register's signing key file.
    #[arg(long, requires = "checkpoint")]
    pub public_key: Option<String>,
}

/// Options of `audit checkpoint`.
#[derive(Debug, Args)]
pub struct AuditCheckpointArgs {
    /// Write the checkpoint to this new file instead of standard output.
    #[arg(long, short)]
    pub output: Option<std::path::PathBuf>,
}

/// Options of `audit prove`.
#[derive(Debug, Args)]
pub struct AuditProveArgs {
    /// The entry's number (`audit log` shows them).
    pub entry: i64,
    /// The tree's size, e.g. a checkpoint's (default: the whole log).
    #[arg(long)]
    pub size: Option<i64>,
}

/// Options of `audit consistency`.
#[derive(Debug, Args)]
pub struct AuditConsistencyArgs {
    /// The older tree's size (a checkpoint's `size`).
    #[arg(long)]
    pub from: i64,
    /// The newer tree's size (default: the whole log).
    #[arg(long)]
    pub to: Option<i64>,
}

/// Options of `audit log`.
#[derive(Debug, Args)]
pub struct AuditLogArgs {
    /// Start after this entry number.
    #[arg(long, default_value_t = 0)]
    pub after: i64,
    /// Entries to print.
    #[arg(long, default_value_t = 50)]
    pub limit: i64,
}

/// Export formats.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// Comma-separated values with a header row of HTCDS field names.
    Csv,
    /// One JSON array of objects keyed by HTCDS field names.
    Json,
}

/// Options of `export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Output format.
    #[arg(long, value_enum)]
    pub format: Format,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    pub output: Option<std::path::PathBuf>,
    /// Include identifying fields (names, date of birth, contacts, free text); audited.
    #[arg(long)]
    pub with_identity: bool,
}

/// The allocator: glibc's malloc gives every allocating thread an arena of its own and keeps
/// their freed memory, which doubled the server's resident size under load; mimalloc returns
/// it (see ARCHITECTURE.md, "Speed and weight").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    use clap::{CommandFactory, FromArgMatches};
    let matches = Cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let lang = tabara_i18n::lang_from(cli.lang.as_deref());
    // A language asked for by name must be one Tabara speaks; from the environment
    // (TABARA_LANG, LANG) an unknown one falls back quietly.
    if matches.value_source("lang") == Some(clap::parser::ValueSource::CommandLine)
        && let Some(tag) = cli.lang.as_deref()
        && tabara_core::Lang::from_tag(tag).is_none()
    {
        let supported: Vec<&str> = tabara_core::Lang::ALL.iter().map(|l| l.tag()).collect();
        eprintln!(
            "{}: {}",
            tabara_i18n::t!(lang, "error-prefix"),
            tabara_i18n::t!(
                lang,
                "error-lang",
                value = tag,
                supported = supported.join(", ")
            )
        );
        return ExitCode::from(2);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!(
                "{}: {}",
                tabara_i18n::t!(lang, "error-prefix"),
                tabara_i18n::t!(lang, "error-start", reason = e.to_string())
            );
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(code) => code,
        // A reader that stops early (`tabara export … | head`) is not an error.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!(
                "{}: {}",
                tabara_i18n::t!(lang, "error-prefix"),
                commands::describe_error(&e, lang)
            );
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || cause
                .downcast_ref::<csv::Error>()
                .is_some_and(|c| matches!(c.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe))
            || cause
                .downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    })
}
