// Test double: flows of any kind kept in memory, behind the same FlowRepository<Flow> services use
// in production. Test-only (header-only; included by *_test.cpp and *_fuzz.cpp files).
#pragma once

#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "selfservice/flow/flow_errors.hpp"
#include "selfservice/flow/flow_store.hpp"

namespace bia::testing {

class MemoryFlowStore final : public selfservice::FlowStore {
  public:
    explicit MemoryFlowStore(const selfservice::FlowTable& table) : table_(table) {}
    const selfservice::FlowTable& table() const override { return table_; }
    core::Status Create(const selfservice::FlowBase& flow,
                        std::span<const selfservice::FlowColumnValue> values) override {
        DumpLikeSql(flow);
        rows_[flow.id] = {AsStored(flow), {values.begin(), values.end()}};
        return {};
    }
    core::Status Update(const selfservice::FlowBase& flow,
                        std::span<const selfservice::FlowColumnValue> values) override {
        DumpLikeSql(flow);
        auto it = rows_.find(flow.id);
        if (it == rows_.end()) return selfservice::FlowNotFound();
        const auto created_at = it->second.base.created_at;
        it->second = {AsStored(flow), {values.begin(), values.end()}};
        it->second.base.created_at = created_at;
        ++revisions_[flow.id];
        return {};
    }
    core::Result<selfservice::FlowRecord> Get(const core::Uuid& id, selfservice::UiRead ui) override {
        auto it = rows_.find(id);
        if (it == rows_.end()) return selfservice::FlowNotFound();
        selfservice::FlowRecord rec = it->second;
        if (ui == selfservice::UiRead::kKeepText) {
            rec.base.ui_text = rec.base.ui.Dump();
            rec.base.ui = {};
        }
        return rec;
    }
    core::Result<selfservice::FlowStamp> Stamp(const core::Uuid& id) override {
        auto it = rows_.find(id);
        if (it == rows_.end()) return selfservice::FlowNotFound();
        return selfservice::FlowStamp{revisions_[id], it->second.base.expires_at};
    }
    // The fake holds no sessions: every token names none (so nothing is cached through it).
    core::Result<selfservice::FlowSessionStamp> StampWithSession(const core::Uuid& id, std::string_view) override {
        BIA_TRY_ASSIGN(auto flow, Stamp(id));
        return selfservice::FlowSessionStamp{flow, std::nullopt};
    }
    size_t size() const { return rows_.size(); }

  private:
    // What a SQL store keeps of a flow: a UI still in its stored text is stored as that text, and
    // read back parsed.
    static selfservice::FlowBase AsStored(const selfservice::FlowBase& flow) {
        selfservice::FlowBase stored = flow;
        if (!stored.ui_text.empty()) {
            auto parsed = ui::Container::FromJsonText(stored.ui_text);
            if (parsed) stored.ui = std::move(parsed).value();
            stored.ui_text.clear();
        }
        return stored;
    }
    // What the SQL stores bind: strict dumps, which throw on invalid UTF-8 (fuzz targets rely on
    // the fake failing where a real store would).
    static void DumpLikeSql(const selfservice::FlowBase& flow) {
        (void)flow.ui.ToJson().dump();
        (void)flow.internal_context.dump();
    }

    const selfservice::FlowTable& table_;
    std::map<core::Uuid, selfservice::FlowRecord> rows_;
    std::map<core::Uuid, int64_t> revisions_;
};

// A repository of `Flow`s on a MemoryFlowStore, with helpers for tests that look at or change
// what is stored.
template <class Flow>
class MemoryFlows final : public selfservice::FlowRepository<Flow> {
  public:
    MemoryFlows() : MemoryFlows(new MemoryFlowStore(selfservice::FlowTableOf<Flow>())) {}

    // The stored flow `id` (which must exist).
    Flow At(const core::Uuid& id) { return this->Get(id).value(); }
    // Changes the stored flow `id` in place.
    template <class Fn>
    void Edit(const core::Uuid& id, Fn&& fn) {
        Flow f = At(id);
        fn(f);
        (void)this->Update(f);
    }
    size_t size() const { return store_->size(); }

  private:
    explicit MemoryFlows(MemoryFlowStore* store)  // takes ownership
        : selfservice::FlowRepository<Flow>(std::unique_ptr<selfservice::FlowStore>(store)), store_(store) {}
    MemoryFlowStore* store_;
};

}  // namespace bia::testing
