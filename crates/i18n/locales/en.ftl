# Tabara — English catalogue. Keys are shared by every language; a test checks that English and
# French have exactly the same keys.

## Command line: case list
case-list-col-case = CASE
case-list-col-opened = OPENED
case-list-col-status = STATUS
case-list-col-office = OFFICE
case-list-col-victims = VICTIMS/PERSONS
case-list-col-exploitation = EXPLOITATION
case-list-empty = No cases match.
case-list-next = next page: --after { $after }

## Command line: case show
case-show-title = Case { $reference }  (version { $version })
case-show-status = status
case-show-opened = opened
case-show-closed = closed
case-show-organisation = organisation
case-show-office = office
case-show-referred = referred by
case-show-referred-on = { $organisation } on { $date }
case-show-persons = Persons ({ $count })
case-show-col-role = ROLE
case-show-col-name = NAME
case-show-col-gender = GENDER
case-show-col-age = AGE
case-show-col-details = DETAILS
case-show-person-hidden = [person { $id }]
case-show-names-hidden = (names hidden: add --with-identity to read them; each read is audited)
case-show-comments = Comments ({ $count })
case-show-history = History

## Command line: audit
audit-ok = ok, { $entries } entries
audit-broken = BROKEN at entry { $seq }: { $problem }
audit-problem-missing = the entry is missing (the next entry found is { $next })
audit-problem-unlinked = the entry does not link to the one before it: an entry was changed or removed
audit-problem-altered = the entry was altered: its content does not match its hash
audit-problem-tail-removed = the log ends at entry { $last } but the chain head records entry { $head }: entries were removed
audit-problem-head-mismatch = the entry does not match the chain head
audit-problem-beyond-head = the entry lies beyond the chain head (entry { $head }): it was not appended by Tabara
audit-col-seq = SEQ
audit-col-at = AT (UTC)
audit-col-actor = ACTOR
audit-col-action = ACTION
audit-col-record = RECORD
audit-col-hash = HASH

## Command line: init and demo
init-ready = Register ready at { $location }
init-admin = Administrator: { $username }
init-password = Password (shown once, change it at first sign-in): { $password }
demo-screenings = { $count } screenings of victims, with every outcome, some still drafts
demo-training = { $sessions } training sessions with { $participants } participants and { $certificates } certificates; { $distributions } distributions of awareness materials to border posts and police stations
demo-ready = Demo register ready at { $location }
demo-counts = { $organisations } organisations, { $offices } offices, { $persons } persons, { $cases } cases, { $audit } audit entries
demo-speed = loaded in { $seconds } s ({ $rate } persons per second)
demo-accounts = Demo accounts (password: { $password }):
demo-progress = persons

## Command line: export
export-written = { $rows } victims written to { $path }

## Errors
error-prefix = error
error-open = cannot open the register at { $location }
error-init-has-users = this register already has user accounts; `init` only sets up a new one
error-admin-password-weak = TABARA_ADMIN_PASSWORD is too weak
error-organisation-required = --organisation: a name is required
error-demo-has-data = the register at { $location } already holds data; pass --reset to replace it with the demo, or choose another --database
error-exploitation = --exploitation: '{ $value }' is not a type of exploitation; expected one of { $allowed }
error-office-none = --office: no office name contains '{ $name }'
error-office-many = --office: '{ $name }' matches several offices: { $offices }
error-case-reference = '{ $value }' is not a case reference: give TBR-000123 or 123
error-create-file = cannot create { $path }
error-not-found = { $kind } { $id } not found
error-conflict = { $kind } { $id } was changed by someone else (you edited version { $expected }, it is now at version { $actual }); reload it and apply your change again
error-duplicate = { $what } '{ $value }' already exists
error-location-empty = the database location is empty
error-location-scheme = unknown database scheme '{ $scheme }': use a file path, sqlite:PATH or postgres://…
error-location-missing-file = no Tabara database at { $path }: create one with `tabara init` or `tabara demo`, or pass --database
error-location-missing-folder = folder { $path } does not exist

## Kinds of record, in error messages
kind-case = case
kind-organisation = organisation
kind-person = person
kind-person-identity = person identity
kind-person-in-case = person in case
kind-person-in-this-case = person in this case
kind-user-name = user name
error-start = cannot start: { $reason }

## Web: navigation and sign-in
nav-dashboard = Dashboard
nav-cases = Cases
nav-language = Language
nav-language-apply = Change language
nav-signout = Sign out
signin-title = Sign in to Tabara
signin-username = User name
signin-password = Password
signin-submit = Sign in
signin-error-invalid = Incorrect user name or password.
signin-error-locked = Too many failed attempts: this account is locked for a while. Try again later or ask your administrator.
signin-error-expired = The sign-in form expired. Please try again.

## Web: errors
error-404-title = Not found
error-404-text = There is nothing here, or you do not have access to it.
error-403-title = Not allowed
error-403-text = Your role does not allow this, or the form expired or did not come from Tabara. Go back, reload the page and try again.
error-500-title = Something went wrong
error-500-text = Tabara could not complete this request. Nothing was changed. Try again, and tell your administrator if it happens again.

## Web: dashboard and case list
dashboard-title = Your work
dashboard-assigned = Cases assigned to you
dashboard-recent = Newest cases you can see
dashboard-none = Nothing yet.
dashboard-all-cases = All cases
dashboard-no-cases-role = Your role does not give access to case records.
cases-title = Cases
cases-col-case = Case
cases-col-opened = Opened
cases-col-status = Status
cases-col-office = Office
cases-col-victims = Victims/persons
cases-col-exploitation = Exploitation
cases-any = Any
cases-from = Opened from
cases-to = Opened until
cases-filter = Filter
cases-none = No cases match these filters.
cases-next = Next page →
cases-filter-bad-date = Dates must be written as YYYY-MM-DD; that date filter was ignored.

## Web: case and person pages
case-title = Case { $reference }
case-closed = Closed
case-organisation = Organisation
case-version = Version
case-persons = Persons involved
case-col-role = Role
case-col-gender = Gender
case-col-age = Age
case-col-details = Details
case-open-person = Open
case-open-person-identity = Open (identity)
case-identity-audited = Every opening of a person's identity is recorded in the audit log.
case-comments = Comments
case-shares = Shared with
case-history = History of changes
case-audit = Audit trail
case-audit-when = When (UTC)
case-audit-who = Who
case-audit-what = What
person-citizenship = Citizenship
person-identity = Identity
person-name = Name
person-birthdate = Date of birth
person-identity-number = Identity number
person-phone = Mobile phone
person-notes = Notes
person-identity-hidden = Your role does not give access to this person's identity.

## Command line: serve
serve-ready = Tabara is serving at { $address } (Ctrl-C stops it)
error-listen = cannot listen on { $address }

## Command line: user accounts
user-added = Account { $username } created ({ $role }).
user-disabled = Account { $username } disabled; its sessions have ended.
user-enabled = Account { $username } enabled.
user-reset = Account { $username } has a new password; its sessions have ended.
error-user-unknown = no account named '{ $username }'
error-username-format = a user name has 1 to 64 letters, digits, '.', '-' or '_'
error-role = '{ $value }' is not a role; expected one of { $allowed }
error-user-password-weak = TABARA_USER_PASSWORD is too weak
error-name-none = { $option }: nothing contains '{ $name }'
error-name-many = { $option }: '{ $name }' matches several: { $matches }

## Web: intake
nav-new-case = New case
intake-title = Open a case
intake-has-errors = Some answers need correcting: see the messages next to the fields.
intake-case = The case
intake-victim = The person assisted
intake-first-name = First name (or the name the person uses)
intake-second-name = Surname
intake-age-uncertain = The age is an estimate
intake-status = Trafficking status (your assessment)
intake-consent = The person was informed and agreed to the interview and the recording of their data
intake-submit = Open the case
rule-not-in-future = This date is in the future.
rule-matches-birthdate = This age does not match the date of birth.
rule-iso3166-alpha2 = Use two-letter country codes such as BI, CD, TZ (separate several with a comma).
rule-date = Write the date as YYYY-MM-DD.
rule-required = This answer is needed.
rule-range = This number is out of range.
rule-integer = Write a whole number.
rule-plausible = This date is not plausible.
user-token = API token for { $username }, valid { $days } days (shown once; keep it secret):

## Web: own account
nav-password = Password
password-title = Change your password
password-rule = At least 12 characters, mixing at least two of letters, digits and symbols. Every session of your account ends: you sign in again with the new password.
password-current = Current password
password-new = New password
password-repeat = New password again
password-submit = Change the password
password-error-current = The current password is not correct.
password-error-repeat = The two new passwords differ.
password-error-short = The new password needs at least 12 characters.
password-error-kinds = The new password must mix at least two of letters, digits and symbols.
password-error-same = The new password must differ from the current one.
cases-search = Name of a person

# Editing cases and persons
case-edit = Edit the case
case-edit-person = Edit
case-closure-reason = Reason for closing
case-owner = Assigned to
case-comment-add = Add a comment
case-comment-submit = Add the comment
case-share-with = Share with the agency
case-share-reason = Reason for sharing
case-share-submit = Share the case
case-share-choose = Choose the agency to share with.
case-share-reason-needed = Give the reason for sharing: it is kept with the share and in the audit log.
case-share-reason-long = The reason is too long.
case-share-already = This agency already has access to the case.
case-lists-truncated = Only the newest 100 entries of each list are shown here; the full record is in the register (tabara case show, tabara audit log).
edit-case-title = Edit case { $reference }
edit-person-title = Edit a person of case { $reference }
edit-save = Save the changes
edit-cancel = Cancel
edit-conflict = Someone else saved this case while you were editing it. Your changes are kept in the form below; compare them with what is stored now, then save again.
edit-conflict-person = Someone else saved this person while you were editing. Your changes are kept in the form below; reload the person in another tab to compare, then save again.
edit-stored-now = Stored now
person-middle-name = Middle name
person-facts = About the person
person-language = Main language (ISO 639 code, e.g. rn, fr, sw)
rule-required-when-closed = A closed case needs a closing date.
rule-only-when-closed = Only a closed case has a closing date.
rule-after-opening = The closing date is before the opening date.
rule-max-length = This text is too long.
rule-picklist = Choose one of the values offered.
rule-iso639 = Use a language code such as rn, fr, sw or en.
rule-email = This is not an e-mail address.
rule-e164 = Write the number in international form, e.g. +25779123456.

# Administration
nav-admin-users = Users
nav-admin-organisations = Organisations
admin-users-title = User accounts
admin-users-new = New account
admin-col-username = User name
admin-col-name = Name
admin-col-role = Role
admin-col-organisation = Agency
admin-col-office = Office
admin-col-state = State
admin-state-active = active
admin-state-disabled = disabled
admin-user-title = Account { $username }
admin-user-disable = Disable the account
admin-user-enable = Enable the account
admin-user-reset = Reset the password
admin-user-new-password = New password for { $username }: { $password } (shown once; hand it over in person and ask for a change at first sign-in).
admin-user-created = Account { $username } created. Password: { $password } (shown once; hand it over in person).
admin-user-disabled-done = The account is disabled and its sessions have ended.
admin-user-enabled-done = The account is enabled.
admin-user-self = You cannot disable your own account.
admin-new-user-title = New user account
admin-display-name = Name shown
admin-create-user = Create the account
rule-username-taken = This user name is already taken.
rule-username-format = 1 to 64 letters, digits, '.', '-' or '_'.
rule-office-of-agency = Choose an office of the chosen agency, or none.
admin-organisations-title = Organisations and offices
admin-organisations-new = New organisation
admin-col-type = Type
admin-col-city = City
admin-col-offices = Offices
admin-organisation-title = Organisation: { $name }
admin-new-organisation-title = New organisation
admin-org-name = Name
admin-org-street = Street
admin-org-province = Province
admin-org-country = Country (ISO code, e.g. BI)
admin-org-phone = Telephone
admin-save-organisation = Save the organisation
admin-offices = Offices
admin-office-kind = Kind
admin-office-name = Office name
admin-office-province = Province
admin-office-border = Border with (country code, for border posts)
admin-add-office = Add the office
admin-previous = Previous page
admin-next = Next page

# Screening: outcomes, reasons, next steps
outcome-no-indicators = No indicators
outcome-needs-full-interview = Needs a full interview
outcome-exploitation-only = Exploitation only (not trafficking)
outcome-presumed-victim = Presumed victim of trafficking
outcome-presumed-child-victim = Presumed child victim of trafficking
screening-reason-child-age = Treated as a child: age { $age }. The means are not required and the child-protection pathway applies.
screening-reason-child-presumed = Presumed a child (age uncertain or unknown; signs: { $signs }). The means are not required and the child-protection pathway applies.
screening-reason-dimension = { $dimension } is positive ({ $rule }): { $indicators }.
screening-reason-partial = { $dimension }: some signs, not enough on their own ({ $indicators }).
screening-reason-act = The act is shown: { $indicators }.
screening-reason-unanswered = Exploitation is not ruled out: { $count ->
    [one] 1 question on working conditions and coercion was
   *[other] { $count } questions on working conditions and coercion were
} not answered "no".
screening-rule-two-strong = two strong indicators
screening-rule-strong-and-other = one strong indicator and another
screening-rule-three-medium = three medium indicators
screening-rule-two-medium-one-weak = two medium indicators and a weak one
screening-combination-recruitment-exploitation-destination = Recruitment, exploitation and coercion or abuse at destination all hold: the person is presumed a victim of trafficking.
screening-combination-exploitation-without-means = Exploitative work, without signs of how the person was recruited or held: exploitation, not trafficking on these answers.
screening-combination-child-act-and-exploitation = A child was recruited, moved or housed by others and exploited: presumed a child victim; no means are needed.
screening-combination-indicators-not-conclusive = Some indicators are present, not enough to presume trafficking: a full interview is needed.
screening-combination-all-answered-no = Every question on exploitation and coercion was answered "no", and nothing else points to trafficking.
screening-combination-exploitation-not-ruled-out = No indicator so far, but the questions on exploitation were not all answered: a full interview is needed.
screening-step-child-protection = Refer the child to child protection now; do not detain the child; a guardian or representative must be appointed.
screening-step-assistance = Refer to assistance (shelter, medical care, psychosocial support, legal aid). Assistance never depends on cooperation with the police.
screening-step-full-interview = Arrange a full interview in private, in the person's language, with an interpreter of the gender they choose, after their immediate needs are met.
screening-step-labour = Refer to the labour inspection and legal aid; screen again if new facts appear.
screening-step-none = Record the result and give the person the contacts where they can find help.
screening-step-rights = Inform the person of their rights, in a language they understand: assistance, protection, legal aid, and that they are not punished for acts they were forced into.

# Trafficking or smuggling
verdict-trafficking-indicated = Trafficking indicated
verdict-smuggling-indicated = Smuggling indicated
verdict-both = Both trafficking and smuggling
verdict-neither = Neither trafficking nor smuggling
verdict-insufficient-facts = Not enough facts yet
finding-trafficking-met = The act, the purpose of exploitation and the means (or a child) are all established.
finding-child-no-means = The person is a child: no means are required.
finding-consent-irrelevant = Means were used: the person's consent to the journey does not count.
finding-trafficking-ruled-out = An element of trafficking is ruled out.
finding-exploitation-without-means = An adult exploited without means: labour or other offences, not trafficking; keep the file open.
finding-smuggling-met = Someone procured an illegal crossing into a country not the person's own, for a benefit.
finding-smuggling-ruled-out = An element of smuggling is ruled out (for example no illegal crossing).
finding-relationship-continues = The relationship with the facilitators goes on after arrival: look for exploitation.
finding-screen-for-exploitation = Smuggled, with exploitation not ruled out: screen the person for trafficking. A smuggled migrant is not prosecuted for having been smuggled.
finding-missing = Still missing: { $facts }.
fact-act = whether someone recruited, moved or housed the person
fact-means = whether force, threats, deception or abuse were used
fact-exploitation = whether exploitation is intended or under way
fact-child = whether the person is under 18
fact-consent-to-movement = whether the person agreed to the journey
fact-illegal-crossing = whether the border was crossed illegally
fact-benefit-from-crossing = whether someone was paid for the crossing
fact-foreign-to-destination = whether the destination is a country not the person's own
fact-relationship-continues = whether the relationship goes on after arrival

# tabara screening explain
error-screening-id = '{ $value }' is not a screening id (a UUID, as shown on the screening's page)
screening-explain-title = Screening { $id } — case { $case }, person { $person }
screening-explain-state = State: { $state } (catalogue { $version })
screening-state-draft = draft, provisional result
screening-state-completed = completed
screening-explain-outcome = Outcome: { $outcome }
screening-explain-why = Why:
screening-explain-next = Next steps:
screening-explain-distinction = Trafficking or smuggling: { $verdict }
screening-explain-undecided = Decision: not taken yet (the officer confirms or overrides the suggestion).
screening-explain-confirmed = Decision: confirmed, { $status }, by { $by } on { $at }.
screening-explain-overridden = Decision: overridden to { $status } by { $by } on { $at }. Reason: { $reason }

# Screening pages
screening-title = Screening interview
screening-result-title = Screening result
screening-step-title-age = Age
screening-step-title-recruitment = Recruitment
screening-step-title-movement = The journey
screening-step-title-exploitation = Work and life at destination
screening-step-title-facts = Trafficking or smuggling: the facts
screening-kindness = Ask in the person's language, in private, after their immediate needs are met. Every question may be skipped: a question not asked is recorded as "not asked", never as "no".
screening-minority-signs = Signs that the person may be a child
screening-facts-help = Mark what is established; leave "not known" where it is not.
answer-yes = Yes
answer-no = No
answer-dont-know = Does not know
answer-refused = Prefers not to answer
answer-not-asked = Not asked
fact-value-yes = Yes
fact-value-no = No
fact-value-unknown = Not known
screening-back = Back
screening-save-draft = Save the draft
screening-next = Save and continue
screening-to-review = Save and see the result
screening-saved = Draft saved. You can continue now or later.
screening-conflict = This screening was changed by someone else meanwhile; the page shows what is stored now. Enter your answers again.
screening-provisional = Provisional result of a draft: complete the screening to record it.
screening-complete = Complete the screening
screening-why = Why
screening-next-steps = Next steps
screening-distinction = Trafficking or smuggling
screening-decision = Decision
screening-confirm = Confirm: { $status }
screening-override = Decide otherwise (the reason is required)
screening-reason = Reason
screening-record-decision = Record the decision
screening-no-decision = No decision yet.
screening-decision-confirmed = Confirmed
screening-decision-overridden = Decided otherwise
screening-decision-error-required = Choose the status and give the reason for deciding otherwise.
screening-decision-error-nothing-to-confirm = There is no suggestion to confirm: choose the status and give the reason.
screening-decision-error-already-decided = This screening was already decided; screen the person again to revise.
screening-decision-error-not-completed = Complete the screening before deciding.
screening-decision-error-max-length = The reason is too long.
screening-history = Screenings
screening-col-result = Result
screening-start = Start a screening

# Training programme
nav-training = Training
nav-certificates = My certificates
training-title = Training sessions
training-new-session = New session
training-create-session = Create the session
training-col-session = Session
training-col-dates = Dates
training-col-venue = Venue
training-starts = First day
training-ends = Last day
training-funding = Funding
training-trainers = Trainers (separate names with commas)
training-facilitator = Facilitating organisation
training-min-attendance = Attendance needed to complete (% of days)
training-min-post-test = Post-test score needed to complete (%)
training-rule = Completion rule (attendance, post-test)
training-participants = Participants
training-pre-test = Pre-test %
training-post-test = Post-test %
training-completion = Completion
training-completed = Completed
training-short-attendance = too few days attended
training-short-noposttest = no post-test
training-short-posttest = post-test under the threshold
training-save-register = Save attendance and scores
training-register-saved = Attendance and scores saved.
training-register-conflict = Someone else changed these scores meanwhile; the page shows what is stored now.
training-score-range = Scores are whole numbers from 0 to 100; the others were saved.
training-issue-certificates = Issue certificates to everyone who completed
training-print-certificates = Print all certificates (PDF)
training-revoke = Revoke
training-revoke-label = Revoke certificate { $code }
training-certificate-revoked = The certificate is revoked; the verification page now says so.
training-revoke-reason-needed = Give the reason for revoking the certificate.
training-add-participant = Add a participant
training-account = Tabara account (user name, if any)
training-rank = Rank
training-unit = Unit
training-add = Add
training-unknown-account = No account has that user name.
training-participant-name-needed = The participant needs a name.
training-participant-already = This account is already a participant of the session.
cert-title = Certificate of completion
cert-certifies = This certifies that
cert-completed = has completed the training session
cert-modules = Modules
cert-hours = hours
cert-total = Total
cert-issued-by = Issued by
cert-code = Verification code
cert-verify-at = Check this certificate at:
cert-trainer = Trainer
cert-organiser = Organiser
verify-title = Check a certificate
verify-help = Enter the code printed on the certificate. For a valid certificate this page shows the holder's name, the course and its dates, and nothing more.
verify-submit = Check
verify-valid = This certificate is valid.
verify-revoked = This certificate has been revoked.
verify-unknown = No certificate has this code.
verify-malformed = This is not a certificate code: it has 12 letters and digits, e.g. ABCD-EFGH-JKMN.

# Programme reports
report-title = Programme report
report-csv = Download as CSV
report-by-sex = People trained by sex
report-by-rank = People trained by rank
report-by-province = People trained by province of their office
report-by-session = People trained by session
report-gain = Knowledge gain per session (average scores, %)
report-materials = Awareness materials received per post
report-col-label = Group
report-col-participants = Participants
report-col-completed = Completed
report-col-gain = Gain (points)
report-col-pre = Pre-test
report-col-post = Post-test
report-col-post-office = Post or station
report-col-posters = Posters
report-col-flyers = Flyers
report-col-brochures = Brochures

# Awareness materials
material-title = Awareness materials
material-items = Items
material-item = Item
material-poster = Poster
material-flyer = Flyer
material-brochure = Brochure
material-language = Language
material-campaign = Campaign
material-stock = Stock per store
material-store = Store
material-quantity = Quantity
material-to = To
material-date = Date
material-received = What each post received, and when
material-distribute = Distribute
material-receive = Receive into a store
material-new = New item
material-create = Add the item
material-stock-now = Done. Now in that store: { $quantity }.
material-error-form = Choose the item and the offices, and give a quantity and a date.
material-error-insufficient-stock = Not enough in that store: the stock cannot go below zero.
material-error-range = The quantity is a whole number from 1 to 1,000,000.
material-error-different = Distribute to another office than the store.
material-error-picklist = Choose poster, flyer or brochure.
material-error-iso639 = Give a two-letter language code such as rn, fr or sw.
material-error-required = The item needs a title.
material-error-max-length = This text is too long.
training-test-title = Pre- and post-test
training-test-help = The same questions before and after the session; one point per right answer, the score is the share of right answers (%).
training-test-key = Answer key (for the trainer)
training-grade-title = Grade a test
training-grade-submit = Score and record
training-grade-pre = grade pre-test
training-grade-post = grade post-test
training-graded = { $name }: { $score } % recorded.

## issue 10: lead
error-400-title = Request not understood
error-400-text = Tabara could not read this request: a link or a value in it is not valid. Go back and try again from the page.
cases-filter-unknown-value = A filter value is not one of the list's values; that filter was ignored.
rule-control-characters = This text holds a control character (such as one pasted from another program); remove it.
rule-date-range = This date is outside the range Tabara accepts for it.
material-error-date-range = The date must be between 1 January 1990 and today.
material-error-control-characters = This text holds a control character; remove it.
verify-holder = Holder
verify-course = Course
verify-dates = Dates
verify-compare = Compare the name with the person's identity document.
## issue 10: access
case-share-may-edit = The agency may also edit the case (without this it reads and comments only)
case-share-may-edit-mark = may edit
case-share-read-only-mark = reads and comments
intake-no-office = Your agency has no office registered: the case is opened without an office.
demo-shares = { $count } shares: cases sent to the prosecution, and to IOM for victim assistance (some for editing)
## issue 10: screening
screening-victim-only = Only a possible victim of the case is screened. This person is recorded as a suspect, a witness or another person: change their role in the case if they may be a victim.
screening-reason-child-estimate = Presumed a child: the age ({ $age }) is an estimate, and an estimate under 21 may be a child's age. The means are not required and the child-protection pathway applies.
screening-step-verify-age = Verify the age (a document, a birth record, the family) and correct the person's record.
screening-step-short-facts = Facts
screening-steps = Steps of the screening
screening-state-done = done
screening-state-partial = { $answered } of { $total } answered
screening-state-todo = to do
screening-state-current = current step
screening-age-carried = Carried over from the registration. Correct it if the person, a document or the family says otherwise.
screening-confirm-as = Confirm: { $outcome } — recorded as the HTCDS status “{ $status }”
screening-decided-by = Decided by { $name } on { $when }
## issue 10: accounts
account-reset-by = Your account was reset by { $name } on { $when }.
account-reset-by-operator = Your account was reset from the command line (by an operator) on { $when }.
account-reset-approved-by = Approved by { $name }.
password-choose-title = Choose your new password
password-choose-help = You signed in with a one-time password. Choose your own password now: nothing else opens until you do.
password-error-locked = Too many wrong attempts: wait a while before trying again, or ask your administrator.
admin-one-time-credential = One-time password for { $username }: { $password } (shown once; valid 72 hours, it only lets its holder choose a new password; hand it over in person).
admin-reset-requested = Reset requested. Another administrator must approve it; the one-time password is produced then.
admin-create-requested = Account { $username } created without a password. Another administrator must approve it; the one-time password is produced then.
admin-request-waiting = A request for this account is already waiting for another administrator.
admin-request-refused = The request is refused.
admin-request-not-yours = Another administrator must decide on a request you made.
admin-requests-title = Waiting for a second administrator
admin-requests-help = Accounts that can read identities are created or reset only when a second administrator approves.
admin-col-request = Request
admin-col-requested-by = Asked by
admin-request-create = new account
admin-request-reset = password reset
admin-request-awaiting-other = waiting for another administrator
admin-request-approve = Approve
admin-request-refuse = Refuse
admin-office-help = Only an office of the chosen agency is accepted.
user-one-time = One-time password (shown once; valid 72 hours, it only lets its holder choose a new password): { $password }
user-reset-one-time = Account { $username } has a new one-time password; its sessions have ended.
## issue 10: cli
audit-problem-head-missing = the chain head (the record of the last entry) is missing: the audit tables were tampered with
audit-problem-unrecorded = the register holds { $records } records of kind { $kind } but the log has only { $entries } “{ $action }” entries ({ $kind } { $example } has none): entries were removed from the end of the log
audit-problem-written-after-log = a record in { $table } was written at { $written }, after the log's last entry ({ $last }): entries were removed from the end of the log
audit-problem-written-empty-log = a record in { $table } was written at { $written } but the log is empty: its entries were removed
error-lang = '{ $value }' is not a language of Tabara; use one of { $supported }
error-status = --status: '{ $value }' is not a case status; expected one of { $allowed } (any case, or the label)
kind-certificate = certificate
kind-participant = participant
kind-person-of-the-case = person of the case
kind-screening = screening
kind-training-session = training session
kind-user = user
kind-share = share
audit-problem-unrecorded-count = the register holds { $records } records of kind { $kind } but the log has only { $entries } “{ $action }” entries: entries were removed from the end of the log
actor-system = system ({ $name })
actor-unknown = an account no longer known
history-field-status = Status
history-field-opened-on = Opened on
history-field-closed-on = Closed on
history-field-closure-reason = Reason for closing
history-field-referring-organisation-id = Referring organisation
history-field-incoming-referral-date = Incoming referral date
history-field-incoming-referral-reason = Reason for the incoming referral
history-field-incoming-referral-details = Incoming referral details
history-field-owner-id = Assigned to
history-field-office-id = Office
history-text-changed = (text changed)
history-unknown-record = (unknown)
audit-action-case-create = case opened
audit-action-case-update = case changed
audit-action-case-share = case shared
case-col-actions = Actions
screening-decision-error-picklist = Choose one of the statuses offered.
screening-decision-error-control-characters = The reason holds a control character; remove it.
kind-account-request = account request
kind-pending-request-for-account = waiting request for this account
history-person = person { $number } ({ $role })
history-field-involvement = Involvement in the case
history-field-role = Role in the case
history-field-trafficking-status = Trafficking status
history-field-exploitation-types = Types of exploitation
history-field-victim-details = Other details of the victim's involvement
history-field-suspect-roles = Roles in the process
history-field-suspect-details = Other details of the suspect's involvement
history-details-changed = (changed)

## issue 10: accounts 2
account-created-by = Your account was created by { $name } on { $when }.
account-created-by-operator = Your account was created from the command line (by an operator) on { $when }.
admin-state-awaiting-approval = waiting for approval
## issue 10: training 2
training-trainers-heading = Trainers
training-certificates-valid = Certificates issued: { $count ->
    [0] the session has no valid certificate (no participant completed without already holding one).
    [one] the session now has 1 valid certificate.
   *[other] the session now has { $count } valid certificates.
}
rule-after-start = The last day is before the first day.
rule-session-length = A session lasts at most 60 days: check the last day.
rule-facilitator = Choose a facilitating organisation of the directory, or none.
training-error-full-name-required = The participant needs a name (or a Tabara account that has one).
training-error-full-name-max-length = The name is too long: at most 200 characters.
training-error-full-name-control-characters = The name holds a control character (such as one pasted from another program); remove it.
training-error-rank-max-length = The rank is too long: at most 200 characters.
training-error-rank-control-characters = The rank holds a control character (such as one pasted from another program); remove it.
training-error-unit-max-length = The unit is too long: at most 200 characters.
training-error-unit-control-characters = The unit holds a control character (such as one pasted from another program); remove it.
training-error-sex-picklist = Choose one of the values offered for sex.
material-error-title-control-characters = The title holds a control character; remove it.
material-error-title-max-length = The title is too long: at most 200 characters.
material-error-campaign-control-characters = The campaign holds a control character; remove it.
material-error-campaign-max-length = The campaign is too long: at most 200 characters.
## issue 11: demo
demo-assignments = { $count } cases assigned to the officer, the investigator or the caseworker who follows them up at their office


## issue 11: web
case-list-more = More than { $count } entries: only the first { $count } are shown here; the full record is in the register (tabara case show).
audit-action-organisation-create = organisation registered
audit-action-organisation-update = organisation changed
audit-action-office-create = office registered
audit-action-user-create = account created
audit-action-user-create-request = account creation awaiting approval
audit-action-user-reset-request = password reset awaiting approval
audit-action-user-request-approve = request approved
audit-action-user-request-refuse = request refused
audit-action-user-one-time-credential = one-time credential issued
audit-action-user-password = password set
audit-action-user-disable = account disabled
audit-action-user-enable = account enabled
audit-action-user-login = signed in
audit-action-user-login-failed = sign-in refused (wrong password)
audit-action-user-login-locked = sign-in refused (account locked)
audit-action-user-login-unknown = sign-in refused (unknown account)
audit-action-user-login-one-time = signed in with a one-time credential
audit-action-user-password-check-failed = current password refused
audit-action-user-password-check-locked = current password refused (account locked)
audit-action-api-token-create = API token created
audit-action-person-create = person registered
audit-action-person-update = person changed
audit-action-person-identity-read = identity read
audit-action-person-identity-update = identity changed
audit-action-person-identity-export = identity exported
audit-action-person-identity-search = search by name
audit-action-case-share-for-editing = case shared for editing
audit-action-case-person-add = person added to the case
audit-action-case-person-update = person's involvement changed
audit-action-case-comment-create = comment added
audit-action-consent-create = consent recorded
audit-action-screening-create = screening started
audit-action-screening-save = screening saved
audit-action-screening-complete = screening completed
audit-action-screening-confirm = screening result confirmed
audit-action-screening-override = screening result overridden
audit-action-training-session-create = training session planned
audit-action-training-participant-create = participant added
audit-action-training-participant-scores = scores recorded
audit-action-training-attendance-present = attendance recorded (present)
audit-action-training-attendance-absent = attendance recorded (absent)
audit-action-certificate-issue = certificate issued
audit-action-certificate-revoke = certificate revoked
audit-action-material-create = material registered
audit-action-material-receipt = material received
audit-action-material-distribution = material distributed

## issue 12: referrals
audit-action-referral-consent-record = consent to a referral recorded
audit-action-referral-consent-withdraw = consent to a referral withdrawn
audit-action-referral-create = referral drafted
audit-action-referral-send = referral sent
audit-action-referral-accept = referral accepted
audit-action-referral-decline = referral declined
audit-action-referral-start = referral service started
audit-action-referral-complete = referral completed
audit-action-referral-close = referral closed
audit-action-referral-cancel = referral cancelled
audit-action-referral-assign = referral assigned
## issue 12: risk
audit-action-risk-assessment-record = risk assessed
## issue 12: record kinds
kind-referral = referral
kind-referral-consent = consent to referral
kind-risk-assessment = risk assessment
## issue 12: referral pages
nav-referrals = Referrals
referral-inbox-title = Referrals
referral-box-incoming = Incoming
referral-box-outgoing = Outgoing
referral-box-overdue = Overdue
referral-inbox-empty = No open referral here.
referral-col-case = Case
referral-col-services = Services
referral-col-recipient = Referred to
referral-col-agency = From
referral-col-state = Status
referral-col-since = Since
referral-col-due = Answer due
referral-urgent = Urgent
referral-overdue = Overdue
referral-new-title = Refer to another agency
referral-refer = Refer to a service
referral-what = The referral
referral-recipient = Agency referred to
referral-services = Services asked for
referral-see-directory = Find providers in the services directory
referral-data = Data shared
referral-urgency = Urgent because
referral-answer-by = Answer needed by (optional, UTC)
referral-answer-by-help = Without it, the deadline of the services applies (shorter when urgent).
referral-consent = Consent of the person
referral-consent-help = Explain to the person, in a language they understand, which agency receives them, for which services, which data is shared, and that they may withdraw their consent at any time. Nothing is sent without this consent.
referral-consent-child = This person is a child or presumed to be one: consent is given by a parent, guardian or legal representative.
referral-consent-informed = The person (or their guardian) was informed and consents to this referral.
referral-consent-given-by = Consent given by
referral-consent-language = Language of the information (ISO code)
referral-consent-witness = Witness (name and function, optional)
referral-consent-given-at = Consent given at (UTC)
referral-consent-withdrawn = Withdrawn
referral-consent-in-force = No: in force
referral-consent-withdraw = Record that the person withdrew consent
referral-consent-not-yet = The consent is attached when the referral is sent.
referral-send-now = Send now
referral-save-draft = Save as draft
referral-form-errors = Some answers need attention: see the messages by the fields.
referral-title = Referral
referral-from = Sent by
referral-sent = Sent
referral-assignee = Assigned to
referral-unassigned = Nobody yet
referral-steps = What you can do
referral-reason = Reason
referral-assign-to = Assign to
referral-assign = Assign
referral-shared = What the consent shares
referral-shared-after-withdrawal = The consent was withdrawn on { $when }: what was recorded after it is not shared.
referral-health-not-kept = Tabara keeps no health record: ask the sending agency.
referral-fact-status = Case status
referral-fact-opened = Case opened
referral-contact-email = E-mail
referral-contact-address = Address
referral-timeline = Timeline
referral-drafted = Drafted
referral-person-list = Referrals
referral-none = No referral yet.
rule-out-of-turn = This step cannot be taken in the referral's current status.
rule-not-allowed = You may not take this step on this referral.
rule-own-agency = A referral goes to another agency.
rule-not-offered = The agency does not offer this service (see the services directory).
rule-missing = No consent to a referral to this agency is recorded.
rule-withdrawn = The person withdrew the consent to a referral to this agency.
rule-service-not-covered = The consent does not cover these services.
rule-data-not-covered = The consent does not cover the data shared.
rule-already-withdrawn = This consent was withdrawn already.
rule-before-given = A consent is withdrawn after it was given.
rule-guardian-required = A child's consent is given by a parent, guardian or legal representative.
rule-language-code = Use a two- or three-letter language code such as rn, fr, sw or en.
rule-in-the-past = This moment has passed: choose a later one.
rule-out-of-range = This value is out of the range allowed.
rule-datetime = Write the date and time as YYYY-MM-DD HH:MM.
rule-not-of-agency = Choose a user of the agency the referral is addressed to.
## issue 12: referral command
referral-list-agency-needed = Name the agency with --agency, or ask for every overdue referral with --overdue.
referral-list-empty = No referral.
referral-list-yes = yes
referral-list-overdue = overdue
referral-list-col-case = Case
referral-list-col-from = From
referral-list-col-to = To
referral-list-col-services = Services
referral-list-col-state = Status
referral-list-col-urgent = Urgent
referral-list-col-due = Answer due (UTC)
referral-list-col-id = Referral
error-referral-deadlines = TABARA_REFERRAL_DEADLINES is not understood ({ $problems }). Write service=hours pairs, e.g. shelter=12, medical=2, urgent=2.
demo-referrals = Referrals: { $count } in every state (some overdue), { $withdrawn } of their consents withdrawn since.
## issue 12: services directory (audit words, from the directory's branch)
audit-action-service-provider-create = service provider added
audit-action-service-provider-update = service provider changed
audit-action-service-provider-capacity = places free reported
kind-service-provider = service provider
## issue 12: referral figures
figures-title = Referrals
figures-note = Across the register. Counts from 1 to 4 are shown as "fewer than 5", so that no one can be picked out.
figures-fewer-than = fewer than { $count }
figures-overdue = Sent and not answered past their deadline
figures-median = Median time from sending to acceptance
figures-median-none = No referral accepted yet
figures-median-too-few = Not shown: fewer than 5 referrals accepted
figures-children = Children on the pathway (open cases involving a child)
figures-by-state = Referrals by status
figures-by-service = Referrals by service requested
figures-col-state = Status
figures-col-service = Service
figures-col-count = Referrals
figures-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}
figures-hours = { $count ->
    [one] { $count } hour
   *[other] { $count } hours
}
figures-days = { $count ->
    [one] { $count } day
   *[other] { $count } days
}
