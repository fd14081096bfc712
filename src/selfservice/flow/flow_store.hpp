// One store for every flow kind. The columns all kinds share (FlowBase) are stored the same way
// everywhere; a kind names its table and lists its own fields as (column, member) pairs, and
// FlowRepository<Flow> maps between the typed flow and the kind-neutral FlowStore, which each
// backend implements once (persistence/<backend>/flow_store_<backend>.cpp).
#pragma once

#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/result.hpp"
#include "core/uuid.hpp"
#include "selfservice/flow/flow.hpp"
#include "session/session.hpp"

namespace bia::selfservice {

// A kind's own column value: text, a flag or an id.
using FlowColumnValue = std::variant<std::string, bool, core::Uuid>;
enum class FlowColumnKind { kText = 0, kBool = 1, kUuid = 2 };  // the variant's index

struct FlowColumn {
    std::string_view name;
    FlowColumnKind kind;
};

// The columns of FlowBase every flow table has, in the order stores read and write them.
inline constexpr std::string_view kFlowSharedColumns[] = {"id",         "type",      "request_url", "issued_at",
                                                          "expires_at", "ui",        "state",       "internal_context",
                                                          "created_at", "updated_at"};
inline constexpr int kFlowSharedColumnCount = static_cast<int>(std::size(kFlowSharedColumns));

// How one flow kind is stored: its name (for error texts), its table and its own columns, which
// follow the shared ones.
struct FlowTable {
    std::string_view kind;
    std::string_view table;
    std::vector<FlowColumn> columns;

    // The shared columns, then the kind's own.
    std::vector<std::string_view> AllColumns() const {
        std::vector<std::string_view> all(std::begin(kFlowSharedColumns), std::end(kFlowSharedColumns));
        for (const auto& c : columns) all.push_back(c.name);
        return all;
    }
};

// A stored flow as the store sees it: the shared fields and the kind's values in column order.
struct FlowRecord {
    FlowBase base;
    std::vector<FlowColumnValue> values;
};

// What a backend's statement sink must offer for the two functions below: Add(uuid, string_view,
// TimePoint, bool), AddJson(json), AddUi(ui::Container) (the UI column, which the sink
// serialises with Container::Dump) and AddUiText(string_view) (a UI still in its stored text,
// FlowBase::ui_text, written back as it is), appended in parameter order.
enum class FlowWrite { kInsert, kUpdate };

// Appends a flow's parameters in kFlowSharedColumns order, then the kind's values. An insert
// writes every column; an update skips id and created_at and appends the id last, for
// "UPDATE … SET <columns> WHERE id = <last>".
template <class Sink>
void AppendFlowParams(Sink& sink, const FlowBase& f, std::span<const FlowColumnValue> values, FlowWrite write) {
    if (write == FlowWrite::kInsert) sink.Add(f.id);
    sink.Add(ToString(f.type));
    sink.Add(std::string_view(f.request_url));
    sink.Add(f.issued_at);
    sink.Add(f.expires_at);
    if (f.ui_text.empty()) {
        sink.AddUi(f.ui);
    } else {
        sink.AddUiText(f.ui_text);
    }
    sink.Add(std::string_view(f.state));
    sink.AddJson(f.internal_context);
    if (write == FlowWrite::kInsert) sink.Add(f.created_at);
    sink.Add(f.updated_at);
    for (const auto& v : values) {
        if (const auto* text = std::get_if<std::string>(&v)) {
            sink.Add(std::string_view(*text));
        } else if (const auto* flag = std::get_if<bool>(&v)) {
            sink.Add(*flag);
        } else {
            sink.Add(std::get<core::Uuid>(v));
        }
    }
    if (write == FlowWrite::kUpdate) sink.Add(f.id);
}

// How a read returns the flow's UI: parsed into FlowBase::ui, or kept as its stored text in
// FlowBase::ui_text for a caller that may never look at it (a settings submission).
enum class UiRead { kParse, kKeepText };

// Reads a record from a row of `SELECT <table.AllColumns()>`. `Row` offers Id, Text, Time, Bool,
// Json and JsonText (the stored text) by column index (a JSON column that does not hold an object
// reads as null). The UI is read from its text (ui::Container::FromJsonText, no DOM), or kept as it.
template <class Row>
core::Result<FlowRecord> ReadFlowRecord(const FlowTable& table, const Row& row, UiRead ui) {
    FlowRecord rec;
    FlowBase& f = rec.base;
    f.id = row.Id(0);
    auto type = ParseFlowType(row.Text(1));
    if (!type) return core::Internal("stored " + std::string(table.kind) + " flow has an unknown type");
    f.type = *type;
    f.request_url = row.Text(2);
    f.issued_at = row.Time(3);
    f.expires_at = row.Time(4);
    const std::string_view ui_text = row.JsonText(5);
    if (ui == UiRead::kKeepText && !ui_text.empty()) {
        f.ui_text = ui_text;
    } else {
        BIA_TRY_ASSIGN(f.ui, ui::Container::FromJsonText(ui_text));
    }
    f.state = row.Text(6);
    f.internal_context = row.Json(7);
    if (!f.internal_context.is_object()) f.internal_context = nlohmann::json::object();
    f.created_at = row.Time(8);
    f.updated_at = row.Time(9);
    int col = kFlowSharedColumnCount;
    rec.values.reserve(table.columns.size());
    for (const auto& c : table.columns) {
        switch (c.kind) {
            case FlowColumnKind::kText:
                rec.values.emplace_back(row.Text(col));
                break;
            case FlowColumnKind::kBool:
                rec.values.emplace_back(row.Bool(col));
                break;
            case FlowColumnKind::kUuid:
                rec.values.emplace_back(row.Id(col));
                break;
        }
        ++col;
    }
    return rec;
}

// What proves an answer built from a stored flow still current: its revision, bumped by every
// Update, and its expiry (which needs no write).
struct FlowStamp {
    int64_t revision = 0;
    core::TimePoint expires_at{};
};

// A flow's stamp with the stamp of the session a request presents, read in one statement: what
// proves an answer built from (flow, session, identity) current (the settings flow fetch).
struct FlowSessionStamp {
    FlowStamp flow;
    std::optional<session::SessionStamp> session;  // nullopt: the token names no session
};

// One backend's storage for one FlowTable.
class FlowStore {
  public:
    virtual ~FlowStore() = default;
    virtual const FlowTable& table() const = 0;
    virtual core::Status Create(const FlowBase& flow, std::span<const FlowColumnValue> values) = 0;
    // Rewrites everything but id and created_at; 404 (FlowNotFound) when absent.
    virtual core::Status Update(const FlowBase& flow, std::span<const FlowColumnValue> values) = 0;
    // 404 "Unable to locate the resource" when absent.
    virtual core::Result<FlowRecord> Get(const core::Uuid& id, UiRead ui) = 0;
    // The flow's stamp (one indexed read); 404 like Get.
    virtual core::Result<FlowStamp> Stamp(const core::Uuid& id) = 0;
    // The flow's stamp and that of the session whose token is `token` (with its identity), in one
    // statement; 404 like Get when the flow is absent.
    virtual core::Result<FlowSessionStamp> StampWithSession(const core::Uuid& id, std::string_view token) = 0;
    // StampWithSession for a caller that must not wait (an HTTP I/O thread): `done` gets what it
    // would answer, once, on another thread or on this one before the call returns. `id` and what
    // `token` views must stay valid until then. The default reads on this thread.
    using FlowSessionStampCallback = std::function<void(core::Result<FlowSessionStamp>)>;
    // (done is taken by value: an asynchronous override keeps it.)
    virtual void StampWithSessionAsync(const core::Uuid& id, std::string_view token,
                                       FlowSessionStampCallback done) {  // NOLINT(performance-unnecessary-value-param)
        done(StampWithSession(id, token));
    }
    // Whether StampWithSessionAsync leaves the calling thread free while it reads (PostgreSQL).
    virtual bool StampReadsAsync() const { return false; }
};

// One of a kind's own fields: its column and the member it is read from and written to.
template <class Flow>
struct FlowField {
    std::string_view column;
    std::variant<std::string Flow::*, bool Flow::*, core::Uuid Flow::*> member;
};

// The table of a kind `Flow` that declares `static constexpr std::string_view kKind, kTable` and
// `static std::span<const FlowField<Flow>> Fields()`.
template <class Flow>
const FlowTable& FlowTableOf() {
    static const FlowTable table = [] {
        FlowTable t{Flow::kKind, Flow::kTable, {}};
        for (const auto& f : Flow::Fields()) {
            t.columns.push_back({f.column, static_cast<FlowColumnKind>(f.member.index())});
        }
        return t;
    }();
    return table;
}

// The typed view of a FlowStore that flow services use.
template <class Flow>
class FlowRepository {
  public:
    explicit FlowRepository(std::unique_ptr<FlowStore> store) : store_(std::move(store)) {}

    core::Status Create(const Flow& flow) { return store_->Create(flow, ValuesOf(flow)); }
    core::Status Update(const Flow& flow) { return store_->Update(flow, ValuesOf(flow)); }
    // `ui`: see UiRead (a flow read with kKeepText has ui_text set and an empty ui).
    core::Result<Flow> Get(const core::Uuid& id, UiRead ui = UiRead::kParse) {
        BIA_TRY_ASSIGN(FlowRecord record, store_->Get(id, ui));
        Flow flow;
        static_cast<FlowBase&>(flow) = std::move(record.base);
        const auto fields = Flow::Fields();
        for (size_t i = 0; i < fields.size() && i < record.values.size(); ++i) {
            std::visit(
                [&](auto member) {
                    using T = std::remove_reference_t<decltype(flow.*member)>;
                    if (auto* v = std::get_if<T>(&record.values[i])) flow.*member = std::move(*v);
                },
                fields[i].member);
        }
        return flow;
    }
    core::Result<FlowStamp> Stamp(const core::Uuid& id) { return store_->Stamp(id); }
    core::Result<FlowSessionStamp> StampWithSession(const core::Uuid& id, std::string_view token) {
        return store_->StampWithSession(id, token);
    }
    void StampWithSessionAsync(const core::Uuid& id, std::string_view token, FlowStore::FlowSessionStampCallback done) {
        store_->StampWithSessionAsync(id, token, std::move(done));
    }
    bool StampReadsAsync() const { return store_->StampReadsAsync(); }

  private:
    static std::vector<FlowColumnValue> ValuesOf(const Flow& flow) {
        std::vector<FlowColumnValue> values;
        const auto fields = Flow::Fields();
        values.reserve(fields.size());
        for (const auto& f : fields) {
            std::visit([&](auto member) { values.emplace_back(flow.*member); }, f.member);
        }
        return values;
    }

    std::unique_ptr<FlowStore> store_;
};

}  // namespace bia::selfservice
