// The cohort store: one database holding families, people, the audit trail
// and (through later migrations) match keys, nominations and partners. Either
// an SQLite file (one officer) or a PostgreSQL server shared by a team, named
// by a postgresql:// URI or postgres: and libpq's key=value form.
// Schema: schema/NNNN_*.sql (SQLite, tracked by PRAGMA user_version) and
// schema/pg/NNNN_*.sql (PostgreSQL, in the schema sfcohort, tracked in
// sfcohort.schema_version), applied in order on open; an older database is
// upgraded, a newer one refused.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sfcohort/context.hpp"
#include "sfcohort/result.hpp"

namespace sfcohort {

namespace sql {
class Db;
class Stmt;
class Transaction;
}  // namespace sql

struct Family {
  std::string id;
  std::string status = "cohort";  // cohort | nominated | closed
  std::optional<std::string> joined_on;
  std::string lead_agency;
  std::string lead_contact;
};

// One change of a family's status (schema/0006_family_status.sql).
struct FamilyStatusChange {
  std::string status;   // closed | cohort (reopened)
  std::string on_date;  // YYYY-MM-DD
  std::string reason;   // never sent to a partner
  std::string outcome;  // a closure's outcome code, or ""
  std::string recorded_at, recorded_by;
};

// One person a command returned or disclosed (schema/0008): recorded with
// the command's audit entry, in its transaction, and covered by its digest.
struct Disclosure {
  std::string person_id;
  std::string family_id;
  std::string partner;  // "" when returned to the officer; else who received it
};

struct Person {
  int64_t pk = 0;  // internal key; 0 until stored
  std::string id;
  std::string family_id;
  std::string given_name;
  std::string middle_names;
  std::string surname;
  std::string dob;       // YYYY-MM-DD
  std::string sex;       // "", M, F, X, U
  std::string role;      // adult | child
  std::string postcode;  // "HD1 2AB" or ""
  std::string house;
  std::string address;
  std::optional<std::string> joined_on;
  std::string extra = "{}";  // JSON object of unknown import columns

  // True when every stored field but pk, id and timestamps is equal.
  bool same_fields(const Person& o) const;
};

class Store {
 public:
  enum class OpenMode {
    kExisting,  // the database must exist (exit 3 with a hint to run init otherwise)
    kCreate,    // create it (mode 0600) if missing: init
  };

  // Opens CTX.db_path, checks it is an sfcohort database and brings its
  // schema up to date. A database newer than this binary is refused.
  static Result<Store> open(const Context& ctx, OpenMode mode = OpenMode::kExisting);
  // An in-memory database with the real schema, for tests. Audit entries are
  // keyed with KEY and no head file is written.
  static Result<Store> open_memory(const Context& ctx, std::string audit_key = "test-key");
  // Whether DB names a PostgreSQL server rather than a file.
  static bool is_server(const std::string& db);
  // An error where DB is a connection string of another scheme (a
  // mistyped postgresql://), which must not become an SQLite file's name.
  static Status check_location(const std::string& db);
  // Whether DB may hold a database: a server, or a file that exists.
  static bool may_exist(const std::string& db);
  // Whether this open created the database (OpenMode::kCreate).
  bool created() const;
  // The schema version this open upgraded the database from, or 0 where it
  // was up to date or created.
  int upgraded_from() const;

  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  ~Store();

  // The newest migration this binary knows, and the database's version.
  static int latest_schema_version();
  int schema_version() const;
  const Context& context() const;
  // The database's random id (names its audit head file).
  const std::string& database_id() const;

  // A write transaction (BEGIN IMMEDIATE): what is written until commit() is
  // all or nothing; destroyed uncommitted, it rolls back.
  class Transaction {
   public:
    Transaction(Transaction&&) noexcept;
    Transaction& operator=(Transaction&&) = delete;
    ~Transaction();
    Status commit();

   private:
    friend class Store;
    explicit Transaction(std::unique_ptr<sql::Transaction> tx);
    std::unique_ptr<sql::Transaction> tx_;
  };
  Result<Transaction> begin_transaction();

  // An import's write: one transaction, as begin_transaction(), with a page
  // cache sized for many rows (kept for the rest of the store's life). Into
  // an empty cohort, unless DRY_RUN (nothing will be committed) and only when
  // no other connection has the database open, it is written under a
  // rollback journal rather than the write-ahead log, so each page is
  // written once; the journal is back to WAL however the load ends, after
  // its rollback.
  class BulkLoad {
   public:
    BulkLoad(BulkLoad&&) noexcept;
    BulkLoad& operator=(BulkLoad&&) = delete;
    ~BulkLoad();
    // Commits, and records the audit head as a WAL commit would.
    Status commit();

   private:
    friend class Store;
    BulkLoad(Store* store, bool rollback_journal);
    Store* store_;
    bool rollback_journal_;
    std::unique_ptr<sql::Transaction> tx_;
    // Secondary indexes of the cohort tables dropped for a first load, and
    // built again from the loaded rows at commit (their CREATE statements).
    std::vector<std::string> deferred_indexes_;
  };
  Result<BulkLoad> begin_bulk_load(bool dry_run);

  // How much of the database's pages the store may keep in memory, in KiB
  // (a hint: a backend without a page cache of its own ignores it).
  Status set_cache_kib(int64_t kib);

  // meta table
  Result<std::optional<std::string>> meta(const std::string& key);
  Status set_meta(const std::string& key, const std::string& value);

  // Appends one audit entry for the context's actor, command and purpose,
  // chained to the last. Call it inside the write transaction of the change
  // it records, or alone (it then runs its own short transaction).
  Status audit(const std::string& subject, const nlohmann::json& detail);
  // The same, recording DISCLOSED (duplicates dropped) in the disclosure
  // table under the new entry's seq; the entry's detail gains "disclosed":
  // {"people": N, "digest": D}, D a keyed digest of the rows that `audit
  // verify` recomputes (lib/src/db/disclosure.cpp).
  Status audit(const std::string& subject, const nlohmann::json& detail,
               std::vector<Disclosure> disclosed);
  // After a commit made with a rollback journal rather than WAL (a first
  // import), records the newest audit entry in the head file, as every WAL
  // commit does by itself. A failed write is an error: the data is
  // committed, its audit head is not.
  Status flush_audit_head();

  // Families and people.
  Result<std::optional<Family>> family(const std::string& id);
  Status put_family(const Family& f);  // insert or update
  Result<std::optional<Person>> person(const std::string& id);
  Result<std::optional<Person>> person_by_pk(int64_t pk);
  Result<std::vector<Person>> family_members(const std::string& family_id);
  // How many people FAMILY_ID has (0 for no such family).
  Result<int64_t> family_size(const std::string& family_id);
  // Whether FAMILY_ID is a family lookups report: status cohort, or closed
  // (a closed family is not gone; lookups mark it closed). False for a
  // nominated family and when there is no such family.
  Result<bool> family_in_cohort(const std::string& family_id);
  // The fields of the person PK that lookups score (family_id, the names,
  // dob, postcode, house) and PK into OUT, the others left as they were;
  // false when there is no such person. One indexed read.
  Result<bool> person_match_fields(int64_t pk, Person& out);
  // The same for each of PKS that is stored, added to OUT in no set order:
  // on PostgreSQL one query, not a round trip a person.
  Status people_match_fields(const std::vector<int64_t>& pks, std::vector<Person>& out);
  // The same for the first LIMIT people with a pk above AFTER, ascending:
  // a whole cohort read page by page (the match index rebuilt).
  Status people_match_fields_after(int64_t after, int64_t limit, std::vector<Person>& out);
  // The largest pk of a person; 0 when there is none.
  Result<int64_t> max_person_pk();
  // A person in FAMILY_ID with these names and date of birth (compared after
  // trimming and case folding), for re-imports without person ids.
  Result<std::optional<Person>> find_member(const std::string& family_id,
                                            const std::string& given_name,
                                            const std::string& surname, const std::string& dob);
  // Inserts P (assigning a new id when P.id is empty). Returns the stored
  // person. The person's match keys are the match module's: add people
  // through match::add_person, which calls this and indexes them.
  Result<Person> insert_person(Person p);
  // Updates the person with P.id. Returns it with its pk. As above, through
  // match::change_person.
  Result<Person> update_person(const Person& p);
  Result<std::string> new_person_id();
  Result<std::string> new_family_id();
  Result<int64_t> count_people();

  // ---- family status: closures and reopenings (lib/src/db/family_status.cpp)
  // Appends C to FAMILY_ID's status history and sets the family's status
  // (and its closed_on date: C.on_date when closed, none when reopened).
  // The caller holds the write transaction and audits; what may change to
  // what is cohort/'s (sfcohort/family.hpp).
  Status record_family_status(const std::string& family_id, const FamilyStatusChange& c);
  // FAMILY_ID's status changes, oldest first.
  Result<std::vector<FamilyStatusChange>> family_status_history(const std::string& family_id);
  // FAMILY_ID's latest closure, when its status is closed now.
  Result<std::optional<FamilyStatusChange>> family_closure(const std::string& family_id);
  // The ids of the families whose status is closed, sorted.
  Result<std::vector<std::string>> closed_family_ids();
  // The ids of the nominations that name PERSON_ID as a member (once
  // accepted) or matched them at submission, oldest first.
  Result<std::vector<std::string>> nominations_naming_person(const std::string& person_id);
  // The ids of the nominations about FAMILY_ID (matched at submission or
  // accepted into it), oldest first.
  Result<std::vector<std::string>> nominations_of_family(const std::string& family_id);

  // ---- disposal (lib/src/db/disclosure.cpp, lib/src/db/erase.cpp)
  // Deletes the disclosure rows of PERSON_IDS in the caller's transaction,
  // keeping per audit entry only the count and keyed digest of what was
  // deleted (no personal data), so those entries still verify. Returns
  // {"people": N, "digest": D}: what the disposal's own audit entry must
  // record as "disposed_disclosures" for `audit verify` to account for them.
  Result<nlohmann::json> dispose_disclosures(const std::vector<std::string>& person_ids);
  // Before a disposal (AFTER_COMMIT false) and after its commit: what can
  // be done about copies of what it deleted. SQLite: content deleted from
  // now on is overwritten with zeros (secure_delete), and after the commit
  // the write-ahead log is folded into the file and truncated, so no copy
  // of a deleted page stays in either. PostgreSQL: after the commit the
  // tables concerned are vacuumed if the user owns them. Returns a note for
  // the user on what copies remain ("" when none).
  Result<std::string> erase_deleted_content(bool after_commit);

  // Calls FN(family_id, person_id) for every person of a family whose status
  // is cohort (active), by family id; stops at FN's first error.
  Status each_active_person(
      const std::function<Status(const std::string& family_id, const std::string& person_id)>& fn);

  // On PostgreSQL: makes USER (an existing database user) a member of this
  // database's group role for ROLE (officer, manager or auditor: named by
  // the server's programme_role(), sfcohort_ROLE_DATABASE), made and given
  // its privileges on first use, so the server refuses what ROLE may not
  // do; audited; its name in GRANTED_AS. Run by the database's owner. On
  // SQLite: an error.
  Status grant_role(const std::string& user, const std::string& role,
                    std::string* granted_as = nullptr);
  // Takes ROLE (or, when empty, each of the three) of this database from
  // USER; returns the roles taken (none: nothing done, nothing audited).
  Result<std::vector<std::string>> revoke_role(const std::string& user, const std::string& role);
  // Why this session could not grant roles (not the owner, or an owner
  // without CREATEROLE), as the error grant_role would return.
  Status check_may_grant();
  // Who holds which of this database's roles, as (user, role), by user and
  // then officer, manager, auditor. Run by the database's owner.
  Result<std::vector<std::pair<std::string, std::string>>> role_holders();

  // Current UTC time, YYYY-MM-DDTHH:MM:SSZ; today's date, YYYY-MM-DD.
  static std::string now_utc();
  static std::string today();

 private:
  // The connection and the statements prepared once per Store: lib/src/db/
  // only, through db::connection and db::cached (db/store_access.hpp).
  friend class StoreAccess;
  sql::Db& db();
  Result<sql::Stmt*> cached(const std::string& sql);
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  static Result<Store> finish_open(sql::Db db, const Context& ctx, bool memory, std::string key);
  static Result<Store> finish_open(sql::Db db, const Context& ctx, bool memory, std::string key,
                                   int version, bool created, int upgraded_from);
  static Result<Store> open_server(const Context& ctx, OpenMode mode);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sfcohort
